#pragma once
// The ChangeEvents port for a real change: journal entries (os/log),
// messages through spdlog, and the SYSKNOB_FAULT kill points of test-hook
// builds (os/fault).
#include "ports/change_events.hpp"

namespace sysknob::os {

class LoggedChangeEvents final : public ports::ChangeEvents {
  public:
    void journal(const ports::JournalEntry& e) override;
    void warn(std::string_view message) override;
    void error(std::string_view message) override;
    void step(const char* name) override;
};

}  // namespace sysknob::os
