// boot_dump ROOT [--prefix PREFIX]: prints what the boot model says
// systemd-sysctl would leave in each key under PREFIX, one `key = value` per
// line, sorted, values with whitespace runs folded to one space. Globs are
// expanded against the keys of the running kernel's /proc/sys. Keys that no
// file writes (excluded with `-key`) are not printed.
//
// A test-only tool (tests/netns/boot_corpus_systemd.sh compares it with what
// systemd-sysctl really does); not installed.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "boot/boot_model.hpp"
#include "os/sysctl_d_tree.hpp"
#include "util/strings.hpp"

namespace {

namespace boot = sysknob::boot;

// Keys (canonical form) of every regular file below /proc/sys/<prefix>.
std::vector<std::string> existing_keys(const std::string& prefix)
{
    namespace fs = std::filesystem;
    const fs::path proc_sys = "/proc/sys";
    fs::path start = prefix.empty() ? proc_sys : proc_sys / boot::key_to_path(prefix);
    std::vector<std::string> out;
    std::error_code ec;
    if (fs::is_regular_file(start, ec)) {
        out.push_back(prefix);
        return out;
    }
    auto options = fs::directory_options::skip_permission_denied;
    for (fs::recursive_directory_iterator it(start, options, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code type_ec;
        if (!it->is_regular_file(type_ec)) continue;
        out.push_back(boot::path_to_key(it->path().lexically_relative(proc_sys).string()));
    }
    return out;
}

bool under_prefix(const std::string& key, const std::string& prefix)
{
    if (prefix.empty()) return true;
    return key == prefix ||
           (key.size() > prefix.size() && key.compare(0, prefix.size(), prefix) == 0 && key[prefix.size()] == '.');
}

int usage()
{
    std::fprintf(stderr, "usage: boot_dump ROOT [--prefix PREFIX]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    std::string root;
    std::string prefix;
    bool have_root = false;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--prefix" && i + 1 < args.size()) {
            prefix = boot::normalize_key(args[++i]);
        } else if (!have_root && !args[i].empty() && args[i][0] != '-') {
            root = args[i];
            have_root = true;
        } else {
            return usage();
        }
    }
    if (!have_root) return usage();

    std::vector<boot::ParseIssue> issues;
    auto files = sysknob::os::read_sysctl_d_tree(root, issues);
    if (!files) {
        std::fprintf(stderr, "boot_dump: %s\n", files.error().message.c_str());
        return 1;
    }
    boot::BootResult result = boot::build_boot_model(*files);
    for (const auto& issue : result.issues)
        issues.push_back(issue);
    for (const auto& issue : issues)
        std::fprintf(stderr, "%s:%d: %s\n", issue.file.c_str(), issue.line, issue.message.c_str());

    auto values = boot::final_values(result, existing_keys(prefix));
    for (const auto& [key, final_value] : values) {
        if (!under_prefix(key, prefix)) continue;
        std::vector<std::string> words;
        for (auto word : sysknob::util::split_ws(final_value.value))
            words.emplace_back(word);
        std::printf("%s = %s\n", key.c_str(), sysknob::util::join(words, " ").c_str());
    }
    return 0;
}
