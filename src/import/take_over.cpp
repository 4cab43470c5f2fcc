#include "import/take_over.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <set>

#include "util/path.hpp"
#include "util/strings.hpp"

namespace sysknob::import {

using snapshot::Entry;
using snapshot::EntryKind;

namespace {

constexpr std::string_view k_etc_sysctl_d = "/etc/sysctl.d";
constexpr std::string_view k_sysctl_conf = "/etc/sysctl.conf";
constexpr std::string_view k_stamp_prefix = " (fnv1a64:";

// A link's target as a path, "." and ".." resolved lexically from the
// link's directory (no further links followed: the 99-sysctl.conf link is
// "../sysctl.conf" or "/etc/sysctl.conf").
std::string resolve_target(const std::string& link, const std::string& target)
{
    std::string joined = target.starts_with('/') ? target : util::dir_of(link) + "/" + target;
    std::vector<std::string> parts;
    for (auto seg : util::split(joined, '/')) {
        if (seg.empty() || seg == ".") continue;
        if (seg == "..") {
            if (!parts.empty()) parts.pop_back();
            continue;
        }
        parts.emplace_back(seg);
    }
    std::string out;
    for (const auto& p : parts)
        out += "/" + p;
    return out.empty() ? "/" : out;
}

bool is_devnull_link(const Entry& e)
{
    return e.kind == EntryKind::symlink && e.content == "/dev/null";
}

class Planner {
  public:
    explicit Planner(const TakeOverInput& in) : m_in(in) {}

    TakeOverPlan run()
    {
        std::set<std::string> files(m_in.files.begin(), m_in.files.end());
        for (const auto& path : unique_in_order())
            consider(path, files);
        check_findings(files);
        if (m_in.profile_text)
            m_plan.steps.insert(m_plan.steps.begin(),
                                TakeOverStep{m_in.profile_path,
                                             Entry{EntryKind::file, *m_in.profile_text, 0644, m_in.uid, m_in.gid},
                                             "write-profile"});
        // Backups first, then the originals go, then the masks: a crash
        // after a removal always finds its backup written (the snapshot
        // has every entry anyway; the backup is for people).
        std::stable_partition(m_plan.steps.begin(), m_plan.steps.end(), [](const TakeOverStep& s) {
            return s.action == "write-profile" || s.action == "backup";
        });
        if (!m_plan.refusals.empty()) m_plan.steps.clear();
        return std::move(m_plan);
    }

  private:
    std::vector<std::string> unique_in_order() const
    {
        std::vector<std::string> out;
        for (const auto& f : m_in.files)
            if (std::find(out.begin(), out.end(), f) == out.end()) out.push_back(f);
        return out;
    }

    const Entry* observed(const std::string& path) const
    {
        auto it = m_in.observed.find(path);
        return it == m_in.observed.end() ? nullptr : &it->second;
    }

    void refuse(std::string why) { m_plan.refusals.push_back(std::move(why)); }

    // A file of this name in a directory boot reads after /etc/sysctl.d that
    // is not itself masked: it comes into force when the /etc one goes.
    std::vector<std::string> hidden_below(const std::string& name) const
    {
        std::vector<std::string> out;
        for (const auto& f : m_in.tree)
            if (f.name == name && f.directory != k_etc_sysctl_d && !f.masked_to_devnull)
                out.push_back(f.directory + "/" + f.name);
        return out;
    }

    bool changed(const std::string& path, const Entry& now) const
    {
        auto it = m_in.fingerprints.find(path);
        return now.kind == EntryKind::file && it != m_in.fingerprints.end() && it->second != fingerprint(now.content);
    }

    // `hidden`: the files of the same name in later directories, which the
    // /etc entry keeps masked (as a /dev/null link) once it moves aside.
    void move_aside(const std::string& path, const std::vector<std::string>& hidden)
    {
        const bool mask = !hidden.empty();
        if (std::find(m_plan.moved.begin(), m_plan.moved.end(), path) != m_plan.moved.end()) return;
        const Entry* now = observed(path);
        if (!now || now->kind == EntryKind::absent) {
            refuse("'" + path + "' is gone since it was read; import again");
            return;
        }
        if (changed(path, *now)) {
            refuse("'" + path + "' changed since it was read; import again");
            return;
        }
        std::string backup = m_in.backup_dir + path;
        if (const Entry* b = observed(backup); b && b->kind != EntryKind::absent) {
            refuse("backup '" + backup + "' exists already");
            return;
        }
        m_plan.steps.push_back(TakeOverStep{backup, *now, "backup"});
        Entry to;  // absent
        if (mask) to = Entry{EntryKind::symlink, "/dev/null", 0644, m_in.uid, m_in.gid};
        m_plan.steps.push_back(TakeOverStep{path, to, mask ? "mask" : "move-aside"});
        m_plan.moved.push_back(path);
        for (const auto& h : hidden)
            if (std::find(m_plan.masked.begin(), m_plan.masked.end(), h) == m_plan.masked.end())
                m_plan.masked.push_back(h);
    }

    void consider(const std::string& path, const std::set<std::string>& files)
    {
        if (m_in.is_managed && m_in.is_managed(path)) {
            refuse("'" + path + "' is sysknob's own file; take-over is for the files sysknob does not manage: " +
                   "name the other files as SOURCE arguments, or roll sysknob back first");
            return;
        }
        if (path == k_sysctl_conf) {
            move_aside(path, {});
            return;
        }
        const std::string dir = util::dir_of(path), name = util::base_name(path);
        const auto& dirs = boot::sysctl_d_directories();
        if (std::find(dirs.begin(), dirs.end(), dir) == dirs.end() || !name.ends_with(".conf") || name.front() == '.') {
            refuse("'" + path + "' is not a file systemd-sysctl reads at boot; take-over moves only files of " +
                   "the sysctl.d directories and /etc/sysctl.conf (under --root)");
            return;
        }
        const Entry* now = observed(path);
        if (now && is_devnull_link(*now)) return;  // a mask already: boot reads nothing from it
        if (dir == k_etc_sysctl_d) {
            move_aside(path, hidden_below(name));
            // The link distributions ship: /etc/sysctl.conf read through it.
            if (now && now->kind == EntryKind::symlink && resolve_target(path, now->content) == k_sysctl_conf) {
                const Entry* conf = observed(std::string(k_sysctl_conf));
                auto read = m_in.fingerprints.find(path);
                if (conf && conf->kind == EntryKind::file && read != m_in.fingerprints.end() &&
                    read->second != fingerprint(conf->content))
                    refuse("'" + std::string(k_sysctl_conf) + "' (read through '" + path +
                           "') changed since it was read; import again");
                else
                    move_aside(std::string(k_sysctl_conf), {});
            }
            return;
        }
        const std::string mask = std::string(k_etc_sysctl_d) + "/" + name;
        if (files.count(mask) != 0) {
            // Taken over itself and masked there (hidden_below); the file is
            // imported too, which the masked list says.
            if (std::find(m_plan.masked.begin(), m_plan.masked.end(), path) == m_plan.masked.end())
                m_plan.masked.push_back(path);
            return;
        }
        const Entry* m = observed(mask);
        if (m && is_devnull_link(*m)) return;
        if (m && m->kind != EntryKind::absent) {
            refuse("cannot mask '" + path + "': '" + mask + "' exists as a " +
                   (m->kind == EntryKind::file ? "file" : "link to '" + m->content + "'") +
                   " that is not taken over; import it too, or move it away");
            return;
        }
        if (std::find(m_plan.masked.begin(), m_plan.masked.end(), path) != m_plan.masked.end()) return;
        if (now && changed(path, *now)) {
            refuse("'" + path + "' changed since it was read; import again");
            return;
        }
        bool planned = std::any_of(m_plan.steps.begin(), m_plan.steps.end(),
                                   [&](const TakeOverStep& s) { return s.path == mask; });
        if (!planned)
            m_plan.steps.push_back(
                TakeOverStep{mask, Entry{EntryKind::symlink, "/dev/null", 0644, m_in.uid, m_in.gid}, "mask"});
        m_plan.masked.push_back(path);
    }

    // A line the profile could not hold (an exclusion, a partial glob, an
    // empty value, a line that is no assignment) would be dropped from boot
    // without a trace once its file is gone.
    void check_findings(const std::set<std::string>& files)
    {
        for (const auto& f : m_in.findings) {
            if (f.kind != FindingKind::not_imported && f.kind != FindingKind::hand_value) continue;
            if (files.count(f.file) == 0) continue;
            refuse(f.file + ":" + std::to_string(f.line) + ": " + f.message +
                   "; the take-over would drop it: change the file (or delete the line) and import again");
        }
    }

    const TakeOverInput& m_in;
    TakeOverPlan m_plan;
};

}  // namespace

std::string fingerprint(std::string_view content)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (char c : content) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ull;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "fnv1a64:%016llx", static_cast<unsigned long long>(h));
    return buf;
}

std::map<std::string, std::string> stamps_in(std::string_view profile_text)
{
    std::map<std::string, std::string> out;
    for (auto line : util::split(profile_text, '\n')) {
        if (!line.starts_with("#   ") || !line.ends_with(")")) continue;
        auto at = line.rfind(k_stamp_prefix);
        if (at == std::string_view::npos || line.size() - at != k_stamp_prefix.size() + 16 + 1) continue;
        std::string path(line.substr(4, at - 4));
        out[path] = "fnv1a64:" + std::string(line.substr(at + k_stamp_prefix.size(), 16));
    }
    return out;
}

std::vector<std::string> take_over_paths(const std::vector<std::string>& files)
{
    std::set<std::string> out(files.begin(), files.end());
    for (const auto& f : files)
        out.insert(std::string(k_etc_sysctl_d) + "/" + util::base_name(f));
    out.insert(std::string(k_sysctl_conf));
    return {out.begin(), out.end()};
}

TakeOverPlan plan_take_over(const TakeOverInput& in)
{
    return Planner(in).run();
}

}  // namespace sysknob::import
