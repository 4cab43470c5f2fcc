#pragma once
// FakeEnv: every port a change works through, in memory (change/env.hpp),
// for in-process tests of apply, rollback and status without root: the
// fake sysctl tree and module loader, FakeFileStore, a fixed host and
// clock, a journal that records, a lock, and a boot configuration given
// as files. One StepCounter sees every crash point of a change.
#include <string>
#include <vector>

#include "change/env.hpp"
#include "ports/machine_probe.hpp"
#include "support/fake_file_store.hpp"
#include "support/fake_module_loader.hpp"
#include "support/fake_sysctl_tree.hpp"

namespace sysknob::test {

class FakeHost final : public ports::Host {
  public:
    std::string now = "2026-01-02T03:04:05Z";
    std::string now_utc() override { return now; }
    std::string hostname() override { return "testhost"; }
    std::string user() override { return "uid 0"; }
    std::string kernel_release() override { return "6.1.0-test"; }
};

class FakeEvents final : public ports::ChangeEvents {
  public:
    explicit FakeEvents(StepCounter& steps) : m_steps(steps) {}
    std::vector<ports::JournalEntry> journal_entries;
    std::vector<std::string> warnings, errors;
    void journal(const ports::JournalEntry& e) override { journal_entries.push_back(e); }
    void warn(std::string_view m) override { warnings.emplace_back(m); }
    void error(std::string_view m) override { errors.emplace_back(m); }
    void step(const char* name) override { m_steps.step(name); }

  private:
    StepCounter& m_steps;
};

class FakeLock final : public ports::ChangeLock {
  public:
    bool held = false;
    bool busy = false;  // another process holds it
    Result<void> acquire(int) override
    {
        if (busy) return fail("another sysknob holds 'ROOT/run/lock/sysknob.lock'", EWOULDBLOCK);
        held = true;
        return {};
    }
    void release() override { held = false; }
};

class FakeBootConfig final : public ports::BootConfig {
  public:
    std::vector<boot::ConfigFile> files;  // every sysctl.d file, as os/sysctl_d_tree gives them
    std::vector<std::string> listed;      // modules in modules-load.d
    Result<std::vector<boot::ConfigFile>> sysctl_d(std::string_view names_after) override
    {
        std::vector<boot::ConfigFile> out;
        for (const auto& f : files)
            if (names_after.empty() || f.directory == "/etc" || f.name > names_after) out.push_back(f);
        return out;
    }
    std::vector<std::string> modules_listed_for_boot() override { return listed; }
};

class FakeMachineProbe final : public ports::MachineProbe {
  public:
    kernel::Machine machine;
    kernel::Machine read() override { return machine; }
};

struct FakeEnv {
    StepCounter steps;
    FakeSysctlTree tree;
    FakeModuleLoader modules;
    FakeFileStore files{steps};
    FakeBootConfig boot;
    FakeHost host;
    FakeEvents events{steps};
    FakeLock lock;
    FakeMachineProbe machine;
    change::Env env{tree, modules, files, boot, host, events, lock};
};

}  // namespace sysknob::test
