#include "os/change_events.hpp"

#include "os/fault.hpp"
#include "os/log.hpp"

namespace sysknob::os {

void LoggedChangeEvents::journal(const ports::JournalEntry& e)
{
    journal_change(e);
}

void LoggedChangeEvents::warn(std::string_view message)
{
    spdlog::warn("{}", message);
}

void LoggedChangeEvents::error(std::string_view message)
{
    spdlog::error("{}", message);
}

void LoggedChangeEvents::step(const char* name)
{
    fault_point(name);
}

}  // namespace sysknob::os
