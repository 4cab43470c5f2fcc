#pragma once
// The ports a change works through: everything change/ touches outside the
// process. cli/ fills it from os/ (cli::Context::env()); the unit tests
// from fakes (tests/support/fake_env.hpp).
#include "ports/boot_config.hpp"
#include "ports/change_events.hpp"
#include "ports/change_lock.hpp"
#include "ports/file_store.hpp"
#include "ports/host.hpp"
#include "ports/module_loader.hpp"
#include "ports/sysctl_tree.hpp"

namespace sysknob::change {

struct Env {
    ports::SysctlTree& tree;
    ports::ModuleLoader& modules;
    ports::FileStore& files;
    ports::BootConfig& boot;
    ports::Host& host;
    ports::ChangeEvents& events;
    ports::ChangeLock& lock;
};

}  // namespace sysknob::change
