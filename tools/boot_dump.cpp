// boot_dump ROOT [--prefix PREFIX] [--written-if IF]... [--later IF]...:
// prints what the boot replay (boot/boot_replay.hpp) says systemd-sysctl
// would leave in each key under PREFIX, one `key = value` per line, sorted,
// values with whitespace runs folded to one space. The running kernel's
// /proc/sys is the state before the boot: its keys for the globs, its values
// for systemd's equal-write check, its net.ipv4.conf directories for the
// interfaces present. --written-if names an interface whose conf entries
// all count as written (it has an IPv4 address); --written-entry an IPv4 conf
// entry written on every interface present (inherited from init_net's
// conf.default by a new namespace); --later an interface created
// after the run (udev's per-interface run is replayed for it); --before FILE
// "key value" lines that replace the running kernel's values (the kernel
// lab saves them before init, so the prediction starts from the state a
// boot starts from); --coldplug replays udev's run for every interface
// present but lo in both orders against systemd-sysctl, as at a real boot,
// and prints a key that ends differently as "key = AFTER | FIRST". Keys that
// no write or side effect touches are not printed.
//
// A test-only tool (tests/netns/boot_corpus_systemd.sh compares it with what
// systemd-sysctl really does); not installed.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "boot/boot_model.hpp"
#include "boot/boot_replay.hpp"
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

std::string read_value(const std::string& key)
{
    std::FILE* f = std::fopen(("/proc/sys/" + boot::key_to_path(key)).c_str(), "re");
    if (f == nullptr) return {};
    std::string text;
    char buf[4096];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
        text.append(buf, n);
    std::fclose(f);
    while (!text.empty() && text.back() == '\n')
        text.pop_back();
    return text;
}

bool under_prefix(const std::string& key, const std::string& prefix)
{
    if (prefix.empty()) return true;
    return key == prefix ||
           (key.size() > prefix.size() && key.compare(0, prefix.size(), prefix) == 0 && key[prefix.size()] == '.');
}

int usage()
{
    std::fprintf(
        stderr,
        "usage: boot_dump ROOT [--prefix PREFIX] [--written-if IF]... [--written-entry E]... [--later IF]... "
        "[--before FILE] [--coldplug]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    std::string root;
    std::string prefix;
    bool have_root = false;
    std::string before_file;
    std::vector<std::string> written_if;
    std::set<std::string> written_entries;
    boot::ReplayInput input;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--prefix" && i + 1 < args.size()) {
            prefix = boot::normalize_key(args[++i]);
        } else if (args[i] == "--written-if" && i + 1 < args.size()) {
            written_if.push_back(args[++i]);
        } else if (args[i] == "--written-entry" && i + 1 < args.size()) {
            written_entries.insert(args[++i]);
        } else if (args[i] == "--coldplug") {
            input.udev_coldplug = true;
        } else if (args[i] == "--before" && i + 1 < args.size()) {
            before_file = args[++i];
        } else if (args[i] == "--later" && i + 1 < args.size()) {
            input.later_interfaces.push_back(args[++i]);
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

    // Everything under net: the side effects cross any narrower prefix.
    input.existing_keys = existing_keys("net");
    for (const auto& key : input.existing_keys)
        input.before[key] = read_value(key);
    if (!before_file.empty()) {
        std::ifstream in(before_file);
        if (!in) {
            std::fprintf(stderr, "boot_dump: cannot read %s\n", before_file.c_str());
            return 1;
        }
        std::string line;
        while (std::getline(in, line)) {
            auto sp = line.find(' ');
            if (sp == std::string::npos) continue;
            std::string key = line.substr(0, sp);
            if (input.before.count(key)) input.before[key] = line.substr(sp + 1);
        }
    }
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/sys/net/ipv4/conf", ec)) {
        std::string name = boot::path_to_key(entry.path().filename().string());
        if (name == "all" || name == "default") continue;
        bool written = std::find(written_if.begin(), written_if.end(), name) != written_if.end();
        input.interfaces.push_back(boot::BootInterface{name, written, written_entries});
    }
    auto replay = boot::replay_boot(result, input);
    for (const auto& [key, final_value] : replay.values) {
        if (!under_prefix(key, prefix)) continue;
        std::vector<std::string> words;
        for (auto word : sysknob::util::split_ws(final_value.value))
            words.emplace_back(word);
        std::string text = sysknob::util::join(words, " ");
        // Order-dependent (--coldplug): "value | value when udev runs first".
        if (final_value.order_dependent) text += " | " + final_value.other_value;
        std::printf("%s = %s\n", key.c_str(), text.c_str());
    }
    return 0;
}
