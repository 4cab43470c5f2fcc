#pragma once
// ChangeEvents: what a change tells the outside while it runs: an audit
// entry for each effect (the journal), messages for the operator, and the
// named steps where a crash-safety test may stop it. The real one is
// os/change_events (journal, spdlog, SYSKNOB_FAULT in test-hook builds);
// the unit tests' fake records entries and "crashes" at a chosen step.
#include <string>
#include <string_view>

namespace sysknob::ports {

struct JournalEntry {
    std::string message;
    std::string key;
    std::string old_value;
    std::string new_value;
    std::string profile;
    std::string snapshot;
};

class ChangeEvents {
  public:
    virtual ~ChangeEvents() = default;
    virtual void journal(const JournalEntry& e) = 0;
    virtual void warn(std::string_view message) = 0;
    virtual void error(std::string_view message) = 0;
    // A point a crash test can stop at: "snapshot-written", "module-load",
    // "live-write" (and, inside FileStore writes, "before-rename" and
    // "after-rename"). Returns normally, or never (the test's kill).
    virtual void step(const char* name) = 0;
};

}  // namespace sysknob::ports
