// The boot replay (boot/boot_replay.cpp) against the reference it was
// derived from (tests/support/boot_replay_reference.cpp), on random boots:
// interfaces with and without addresses, exact keys, globs and exclusions
// over several files, the kernel's side effects, values before the boot,
// interfaces created later, udev's coldplug runs in both orders, and the
// `only` and `effects_only` filters. Any difference is a bug in the faster one.
#include <doctest/doctest.h>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "boot/boot_replay.hpp"
#include "support/boot_replay_reference.hpp"

using namespace sysknob::boot;

namespace {

std::string show(const SysctlAssignment& a)
{
    std::ostringstream o;
    o << a.file << ":" << a.line << " " << a.key << "=" << a.value << (a.is_glob ? " glob" : "")
      << (a.is_exclusion ? " excl" : "") << (a.ignore_failure ? " ign" : "");
    return o.str();
}

std::string show(const ReplayResult& r)
{
    std::ostringstream o;
    for (const auto& [k, v] : r.values)
        o << "V " << k << " = " << v.value << " | " << show(v.source) << " | " << v.effect_id << " | " << v.trigger_key
          << " | " << v.mechanism << " | " << v.created_later << v.order_dependent << " | " << v.other_value << " | "
          << show(v.other_source) << " | " << v.other_effect_id << " | " << v.other_trigger_key << " | "
          << v.other_mechanism << "\n";
    for (const auto& [k, a] : r.skipped_equal)
        o << "S " << k << " " << show(a) << "\n";
    for (const auto& k : r.unknown_before)
        o << "U " << k << "\n";
    return o.str();
}

ReplayResult filtered(ReplayResult r, const sysknob::util::StringMap& only)
{
    std::erase_if(r.values, [&](const auto& kv) { return !only.contains(kv.first); });
    std::erase_if(r.skipped_equal, [&](const auto& kv) { return !only.contains(kv.first); });
    std::erase_if(r.unknown_before, [&](const auto& k) { return !only.contains(k); });
    return r;
}

}  // namespace

TEST_CASE("the boot replay gives the reference's result on random boots")
{
    std::mt19937 rng(20261201);
    auto pick = [&](const auto& v) { return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)]; };
    auto chance = [&](int percent) { return std::uniform_int_distribution<int>(0, 99)(rng) < percent; };
    const std::vector<std::string> names = {"lo", "eth0", "eth1", "dummy0", "ifb7", "eth0/100"};
    const std::vector<std::string> entries = {"rp_filter", "forwarding", "accept_redirects", "log_martians",
                                              "disable_ipv6", "send_redirects"};
    const std::vector<std::string> values = {"0", "1", "2", "01", "-1"};
    const std::vector<std::string> families = {"net.ipv4", "net.ipv6"};
    const std::vector<std::string> globals = {"net.ipv4.ip_forward", "vm.dirty_ratio", "vm.dirty_bytes",
                                              "vm.dirty_background_ratio", "vm.dirty_background_bytes"};
    for (int round = 0; round < 400; ++round) {
        CAPTURE(round);
        ReplayInput in;
        std::vector<std::string> dirs = {"all", "default"};
        for (const auto& n : names) {
            if (!chance(60)) continue;
            BootInterface i{n, chance(30), {}};
            if (chance(20)) i.written_entries.insert(pick(entries));
            in.interfaces.push_back(i);
            dirs.push_back(n);
        }
        for (const auto& f : families)
            for (const auto& d : dirs)
                for (const auto& e : entries)
                    if (chance(90)) in.existing_keys.push_back(f + ".conf." + d + "." + e);
        for (const auto& g : globals)
            in.existing_keys.push_back(g);
        for (int i = 0; i < 4; ++i)
            if (chance(40)) in.before[pick(in.existing_keys)] = pick(values);
        if (chance(25)) in.later_interfaces.push_back("eth9");
        in.udev_coldplug = chance(60);

        std::vector<ConfigFile> files;
        int n_files = std::uniform_int_distribution<int>(1, 3)(rng);
        for (int f = 0; f < n_files; ++f) {
            std::string content;
            int lines = std::uniform_int_distribution<int>(1, 12)(rng);
            for (int l = 0; l < lines; ++l) {
                int kind = std::uniform_int_distribution<int>(0, 9)(rng);
                std::string key = kind == 0   ? pick(globals)
                                  : kind <= 2 ? pick(families) + ".conf.*." + pick(entries)
                                              : pick(families) + ".conf." + pick(dirs) + "." + pick(entries);
                if (kind == 3 && chance(50)) key = pick(families) + ".conf.eth9." + pick(entries);
                if (chance(8))
                    content += "-" + key + "\n";
                else
                    content += key + " = " + pick(values) + "\n";
            }
            files.push_back(ConfigFile{"/etc/sysctl.d", std::to_string(10 + f * 40) + "-f.conf", content, false});
        }
        auto model = build_boot_model(files);
        std::string expect = show(reference::replay_boot(model, in));
        CHECK(show(replay_boot(model, in)) == expect);

        sysknob::util::StringMap only;
        for (const auto& k : in.existing_keys)
            if (chance(30)) only.insert_or_assign(only.end(), k, "1");
        CHECK(show(replay_boot(model, in, &only)) == show(filtered(reference::replay_boot(model, in), only)));
        auto plain_writes_out = filtered(reference::replay_boot(model, in), only);
        std::erase_if(plain_writes_out.values,
                      [](const auto& kv) { return kv.second.effect_id.empty() && !kv.second.order_dependent; });
        std::erase_if(plain_writes_out.skipped_equal,
                      [&](const auto& kv) { return plain_writes_out.values.count(kv.first) == 0; });
        std::erase_if(plain_writes_out.unknown_before,
                      [&](const auto& k) { return plain_writes_out.values.count(k) == 0; });
        CHECK(show(replay_boot(model, in, &only, /*effects_only=*/true)) == show(plain_writes_out));
    }
}
