#pragma once
// Fault injection for crash-safety tests. In builds with SYSKNOB_TEST_HOOKS,
// SYSKNOB_FAULT=NAME:N kills the process with SIGKILL the N-th time (1-based)
// the step NAME is reached ("live-write", "before-rename", "after-rename",
// "snapshot-written", "module-load", and take-over's "entry-write-profile",
// "entry-backup", "entry-move-aside", "entry-mask", "entry-restore");
// SYSKNOB_FAULT=any:N counts every step. In release
// builds this compiles to nothing. The change engine reaches it through the
// ChangeEvents port (os/change_events); the unit tests' fake crashes in
// process at the same steps (tests/support/fake_file_store.hpp).
namespace sysknob::os {

#ifdef SYSKNOB_TEST_HOOKS
void fault_point(const char* step);
#else
inline void fault_point(const char*) {}
#endif

}  // namespace sysknob::os
