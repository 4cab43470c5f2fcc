#include "boot/boot_model.hpp"

#include <algorithm>
#include <cstdint>
#include <set>

namespace sysknob::boot {
namespace {

std::string join_path(std::string_view directory, std::string_view name)
{
    std::string out(directory);
    if (out.empty() || out.back() != '/') out += '/';
    out += name;
    return out;
}

std::string_view base_name(std::string_view path)
{
    size_t slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// conf_files_list() keeps names that end in ".conf" and skips hidden entries
// (a leading '.'), whatever their type.
bool counts_as_conf(std::string_view name)
{
    constexpr std::string_view k_suffix = ".conf";
    return !name.empty() && name.front() != '.' && name.size() >= k_suffix.size() &&
           name.substr(name.size() - k_suffix.size()) == k_suffix;
}

std::optional<size_t> directory_rank(std::string_view directory)
{
    const auto& dirs = sysctl_d_directories();
    for (size_t i = 0; i < dirs.size(); ++i) {
        if (dirs[i] == directory) return i;
    }
    return std::nullopt;
}

bool is_sysctl_conf(const ConfigFile& f)
{
    return f.directory == k_sysctl_conf_directory && f.name == k_sysctl_conf_name;
}

// The files that count, in reading order, after masking by name.
struct Selection {
    std::vector<const ConfigFile*> files;
    std::vector<MaskedFile> masked;
};

Selection select_files(const std::vector<ConfigFile>& all)
{
    std::vector<std::pair<size_t, const ConfigFile*>> ranked;
    for (const auto& f : all) {
        auto rank = directory_rank(f.directory);
        if (rank && counts_as_conf(f.name)) ranked.emplace_back(*rank, &f);
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first < b.first; });

    Selection out;
    std::map<std::string, const ConfigFile*> by_name;
    for (const auto& [rank, f] : ranked) {
        auto [it, inserted] = by_name.emplace(f->name, f);
        if (!inserted) {
            out.masked.push_back(
                MaskedFile{join_path(f->directory, f->name), join_path(it->second->directory, it->second->name)});
        }
    }
    // std::map orders std::string keys as strcmp() does (unsigned bytes),
    // which is how conf_files_list() sorts the names.
    for (const auto& entry : by_name)
        out.files.push_back(entry.second);
    return out;
}

// systemd's OrderedHashmap of options: replacing a key moves it to the end,
// re-assigning the same value leaves it where it is.
class OptionTable {
  public:
    void put(const SysctlAssignment& a)
    {
        auto it = m_position.find(a.key);
        if (it != m_position.end()) {
            SysctlAssignment& existing = m_entries.at(it->second);
            // streq_ptr(): two exclusions (no value) are equal; an exclusion
            // and an empty value are not.
            bool same = existing.is_exclusion == a.is_exclusion && existing.value == a.value;
            if (same) {
                existing.ignore_failure = existing.ignore_failure || a.ignore_failure;
                return;
            }
            m_entries.erase(it->second);
        }
        m_position[a.key] = m_next;
        m_entries.emplace(m_next, a);
        ++m_next;
    }

    std::vector<SysctlAssignment> take_in_order()
    {
        std::vector<SysctlAssignment> out;
        out.reserve(m_entries.size());
        for (auto& entry : m_entries)
            out.push_back(std::move(entry.second));
        return out;
    }

  private:
    std::map<std::string, uint64_t> m_position;
    std::map<uint64_t, SysctlAssignment> m_entries;
    uint64_t m_next = 0;
};

const ConfigFile* find_sysctl_conf(const std::vector<ConfigFile>& files)
{
    for (const auto& f : files) {
        if (is_sysctl_conf(f)) return &f;
    }
    return nullptr;
}

}  // namespace

const std::vector<std::string>& sysctl_d_directories()
{
    // CONF_PATHS("sysctl.d"). /lib/sysctl.d is read on split-usr builds only;
    // where /lib is a symlink to /usr/lib its names are all masked by
    // /usr/lib/sysctl.d anyway, so listing it is harmless.
    static const std::vector<std::string> k_dirs = {
        "/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d", "/lib/sysctl.d",
    };
    return k_dirs;
}

BootResult build_boot_model(const std::vector<ConfigFile>& files, bool with_history)
{
    BootResult out;
    Selection selection = select_files(files);
    out.masked = std::move(selection.masked);

    OptionTable table;
    for (const ConfigFile* f : selection.files) {
        std::string path = join_path(f->directory, f->name);
        out.files.push_back(path);
        if (f->masked_to_devnull) {
            out.devnull_masks.push_back(path);
            continue;
        }
        ParsedFile parsed = parse_sysctl_d(f->content, path);
        for (auto& issue : parsed.issues)
            out.issues.push_back(std::move(issue));
        for (const auto& a : parsed.assignments) {
            if (with_history) out.history[a.key].push_back(a);
            table.put(a);
        }
    }
    out.table = table.take_in_order();
    return out;
}

const SysctlAssignment* find_entry(const BootResult& result, std::string_view key)
{
    for (const auto& a : result.table) {
        if (a.key == key) return &a;
    }
    return nullptr;
}

std::map<std::string, FinalValue> final_values(const BootResult& result, const std::vector<std::string>& existing_keys)
{
    std::map<std::string, FinalValue> out;
    std::set<std::string> in_table;
    for (const auto& a : result.table)
        in_table.insert(a.key);

    for (const auto& a : result.table) {
        if (a.is_exclusion) continue;
        if (!a.is_glob) {
            out[a.key] = FinalValue{a.value, a};
            continue;
        }
        // apply_glob_option(): every existing match not in the table gets
        // the value; a later glob in table order overwrites an earlier one.
        for (const auto& key : existing_keys) {
            if (in_table.count(key) != 0 || !glob_matches(a.key, key)) continue;
            out[key] = FinalValue{a.value, a};
        }
    }
    return out;
}

std::vector<Shadow> find_shadows(const BootResult& result, std::string_view our_fragment_name,
                                 const util::StringMap& our_keys, const std::vector<ConfigFile>* files)
{
    std::vector<Shadow> out;
    for (const auto& [key, our_value] : our_keys) {
        auto it = result.history.find(key);
        if (it == result.history.end()) continue;
        for (const auto& a : it->second) {
            // Same name: our fragment itself, or a file ours masks.
            if (base_name(a.file) <= our_fragment_name) continue;
            bool same = !a.is_exclusion && a.value == our_value;
            out.push_back(Shadow{key, our_value, a, same, ShadowScope::systemd, {}});
        }
    }
    if (files == nullptr) return out;

    // procps reads /etc/sysctl.conf after every sysctl.d file.
    const ConfigFile* conf = find_sysctl_conf(*files);
    if (conf == nullptr || conf->masked_to_devnull) return out;
    ParsedFile parsed = parse_sysctl_d(conf->content, join_path(conf->directory, conf->name));
    for (const auto& a : parsed.assignments) {
        auto ours = our_keys.find(a.key);
        if (ours == our_keys.end() || a.is_exclusion) continue;
        out.push_back(Shadow{a.key, ours->second, a, a.value == ours->second, ShadowScope::procps_only, {}});
    }
    return out;
}

std::vector<ProcpsDifference> procps_differences(const std::vector<ConfigFile>& files, const BootResult& result)
{
    // procps writes every line in reading order, so the last exact
    // assignment is what stays; /etc/sysctl.conf comes once more at the end.
    Selection selection = select_files(files);
    std::vector<const ConfigFile*> order = selection.files;
    if (const ConfigFile* conf = find_sysctl_conf(files)) order.push_back(conf);

    std::map<std::string, SysctlAssignment> last;
    for (const ConfigFile* f : order) {
        if (f->masked_to_devnull) continue;
        ParsedFile parsed = parse_sysctl_d(f->content, join_path(f->directory, f->name));
        for (const auto& a : parsed.assignments) {
            if (!a.is_glob && !a.is_exclusion) last[a.key] = a;
        }
    }

    std::vector<ProcpsDifference> out;
    for (const auto& [key, a] : last) {
        const SysctlAssignment* entry = find_entry(result, key);
        std::optional<std::string> systemd_value;
        if (entry != nullptr && !entry->is_exclusion) systemd_value = entry->value;
        if (systemd_value == a.value) continue;
        out.push_back(ProcpsDifference{key, systemd_value, a.value, a.file, a.line});
    }
    return out;
}

}  // namespace sysknob::boot
