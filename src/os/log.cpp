#include "os/log.hpp"

#include <dlfcn.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <sys/uio.h>
#include <unistd.h>

namespace sysknob::os {

namespace {

using sendv_fn = int (*)(const struct iovec*, int);

// libsystemd costs about 0.3 ms of start-up (it drags in libgcrypt, lz4,
// zstd...), and a run that changes nothing writes no entry: load it on the
// first entry only.
sendv_fn journal_sendv()
{
    static sendv_fn fn = []() -> sendv_fn {
        if (::access("/run/systemd/journal/socket", W_OK) != 0) return nullptr;
        void* h = ::dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
        if (!h) return nullptr;
        return reinterpret_cast<sendv_fn>(::dlsym(h, "sd_journal_sendv"));
    }();
    return fn;
}

}  // namespace

void setup_logging(Verbosity v, bool color)
{
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>(color ? spdlog::color_mode::automatic
                                                                            : spdlog::color_mode::never);
    auto logger = std::make_shared<spdlog::logger>("sysknob", sink);
    logger->set_pattern("%^%l%$: %v");
    switch (v) {
    case Verbosity::quiet: logger->set_level(spdlog::level::err); break;
    case Verbosity::normal: logger->set_level(spdlog::level::warn); break;
    case Verbosity::verbose: logger->set_level(spdlog::level::debug); break;
    }
    spdlog::set_default_logger(logger);
}

void journal_change(const JournalChange& c)
{
    spdlog::info("{}", c.message);
    sendv_fn send = journal_sendv();
    if (!send) return;
    std::vector<std::string> fields = {
        "MESSAGE=" + c.message,
        std::string("MESSAGE_ID=") + k_change_message_id,
        "PRIORITY=5",
        "SYSLOG_IDENTIFIER=sysknob",
        "SYSKNOB_KEY=" + c.key,
        "SYSKNOB_OLD=" + c.old_value,
        "SYSKNOB_NEW=" + c.new_value,
        "SYSKNOB_PROFILE=" + c.profile,
        "SYSKNOB_SNAPSHOT=" + c.snapshot,
    };
    std::vector<struct iovec> iov;
    for (auto& f : fields)
        iov.push_back({f.data(), f.size()});
    if (send(iov.data(), static_cast<int>(iov.size())) < 0) spdlog::debug("journal entry not written");
}

}  // namespace sysknob::os
