// libFuzzer harness: one sysctl.d file -> parser -> boot model (precedence,
// globs, shadows, procps comparison). Any crash, leak or sanitizer report is
// a bug; parse issues are expected.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "boot/boot_model.hpp"
#include "boot/sysctl_d_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace sysknob::boot;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = parse_sysctl_d(text, "/etc/sysctl.d/50-fuzz.conf");
    for (const auto& a : parsed.assignments) {
        (void)normalize_key(a.key);
        (void)key_to_path(a.key);
        if (a.is_glob) (void)glob_matches(a.key, "net.ipv4.conf.eth0/100.rp_filter");
    }
    std::vector<ConfigFile> files;
    files.push_back(ConfigFile{"/etc/sysctl.d", "50-fuzz.conf", std::string(text), false});
    // The same text as /etc/sysctl.conf feeds the procps comparison.
    files.push_back(ConfigFile{std::string(k_sysctl_conf_directory), std::string(k_sysctl_conf_name),
                               std::string(text), false});
    auto model = build_boot_model(files);
    std::vector<std::string> existing = {"net.ipv4.ip_forward", "net.ipv4.conf.all.rp_filter",
                                         "net.ipv4.conf.eth0/100.rp_filter", "net.core.somaxconn"};
    (void)final_values(model, existing);
    sysknob::util::StringMap ours = {{"net.ipv4.ip_forward", "1"}, {"net.core.somaxconn", "4096"}};
    for (const auto& a : parsed.assignments)
        if (!a.is_glob && ours.size() < 64) ours.emplace(a.key, "1");
    (void)find_shadows(model, "10-sysknob.conf", ours, &files);
    (void)procps_differences(files, model);
    (void)find_entry(model, "net.ipv4.ip_forward");
    return 0;
}
