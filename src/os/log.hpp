#pragma once
// Logging, set up in one place: human messages on stderr through spdlog
// (results and JSON go to stdout, never here), and an audit trail of every
// change in the systemd journal as structured entries.
#include <spdlog/spdlog.h>
#include <string>
#include <vector>

#include "ports/change_events.hpp"

namespace sysknob::os {

enum class Verbosity { quiet, normal, verbose };

void setup_logging(Verbosity v, bool color);

// The journal's MESSAGE_ID for sysknob's change entries.
inline constexpr const char* k_change_message_id = "4f6d2a8a1c3e4b7f9a0d5e6c7b8a9f10";

// One change, as the journal gets it (ports/change_events.hpp).
using JournalChange = ports::JournalEntry;

// Sends one structured entry (MESSAGE_ID, SYSKNOB_KEY, SYSKNOB_OLD,
// SYSKNOB_NEW, SYSKNOB_PROFILE, SYSKNOB_SNAPSHOT) to the journal when its
// socket exists; libsystemd is loaded only then. Logs at info as well.
void journal_change(const JournalChange& c);

}  // namespace sysknob::os
