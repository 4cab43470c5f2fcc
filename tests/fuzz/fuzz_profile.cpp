// libFuzzer harness: profile text -> reader -> composition -> lint, offline
// (--kernel 5.15, no live tree), as `sysknob lint --kernel 5.15 FILE` runs it.
// Any crash, leak or sanitizer report is a bug; diagnostics are expected.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kernel/target.hpp"
#include "model/profile.hpp"
#include "profile/lint.hpp"
#include "profile/toml_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace sysknob;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto read = profile::read_profile_text(text, "fuzz.toml", "fuzz");
    if (model::has_errors(read.diagnostics)) return 0;
    model::ResolvedProfile resolved;
    resolved.names.push_back(read.profile.name);
    model::compose_into(resolved, read.profile);
    // Composing the same profile twice exercises the "later wins" path.
    model::compose_into(resolved, read.profile);
    kernel::Target target;
    target.release = "5.15";
    target.live = false;
    target.tree = nullptr;
    auto diags = profile::lint(resolved, target);
    diags = profile::apply_ignores(resolved, std::move(diags));
    profile::make_strict(diags);
    for (const auto& d : diags) (void)model::render_diagnostic(d);
    return 0;
}
