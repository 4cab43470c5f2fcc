// libFuzzer harness: snapshot and state JSON parsers. They read files an
// attacker with write access to a backup could plant, so every input must
// give a value or an error, never a crash. A parsed value must survive a
// serialise/parse round trip unchanged, and the state file's two readers
// (state.hpp, detail) must agree.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "snapshot/snapshot.hpp"
#include "snapshot/state.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace sysknob::snapshot;
    std::string text(reinterpret_cast<const char*>(data), size);
    if (auto s = parse(text, "/var/lib/sysknob/snapshots/1.json")) {
        std::string again = serialize(*s);
        auto s2 = parse(again, "round-trip");
        if (!s2 || serialize(*s2) != again) std::abort();
    }
    // The fast reader of the canonical layout must agree with the JSON reader
    // wherever it accepts.
    if (auto quick = detail::parse_state_canonical(text)) {
        auto slow = detail::parse_state_json(text, "/var/lib/sysknob/state.json");
        if (!slow || !(*slow == *quick)) std::abort();
    }
    if (auto st = parse_state(text, "/var/lib/sysknob/state.json")) {
        std::string again = serialize_state(*st);
        auto st2 = parse_state(again, "round-trip");
        if (!st2 || serialize_state(*st2) != again) std::abort();
    }
    return 0;
}
