#include "profile/loader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <map>
#include <set>

#include "profile/rules.hpp"
#include "profile/toml_reader.hpp"
#include "util/file.hpp"

namespace sysknob::profile {

namespace {

using model::Diagnostics;
using model::SourceLocation;

std::string stem(const std::string& path)
{
    auto slash = path.rfind('/');
    std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    if (base.size() > 5 && base.ends_with(".toml")) base.resize(base.size() - 5);
    return base;
}

bool plain_name(const std::string& s)
{
    if (s.empty() || s.size() > 128 || s.front() == '.' || s.front() == '-') return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
               c == '.';
    });
}

std::string locate(const std::string& name, const std::vector<std::string>& dirs)
{
    for (const auto& d : dirs) {
        std::string p = d + "/" + name + ".toml";
        if (util::file_exists(p)) return p;
    }
    return {};
}

class Composer {
  public:
    Composer(const std::vector<std::string>& dirs, const GivenTexts& given, LoadResult& out)
        : m_dirs(dirs), m_given(given), m_out(out)
    {
    }

    // Reads `path`, its parents first, then composes it.
    void add(const std::string& path, std::vector<std::string>& chain)
    {
        if (m_done.count(path)) return;  // a diamond: the shared parent composes once
        auto given = m_given.find(path);
        auto text = given != m_given.end() ? Result<std::string>(given->second)
                                           : util::read_file(path, k_max_profile_bytes);
        if (!text) {
            m_out.diagnostics.push_back(make_diagnostic("SK0002", "", SourceLocation{path, 0, 0}, text.error().message,
                                                        "check the profile name or path (`sysknob list`)"));
            return;
        }
        auto read = read_profile_text(*text, path, stem(path));
        bool broken = model::has_errors(read.diagnostics);
        for (auto& d : read.diagnostics)
            m_out.diagnostics.push_back(std::move(d));
        if (broken) return;
        // A profile is known by its file name: `apply web` finds web.toml,
        // and status, snapshots and `extends` say "web". A different
        // declared name is a second name that nothing else uses, like a unit
        // file whose name does not match what it declares: an error, like
        // a misnamed unit file, so the profile's one name is its file name.
        if (read.profile.name_where.line > 0 && read.profile.name != stem(path)) {
            std::string file = path.substr(path.rfind('/') + 1);
            m_out.diagnostics.push_back(make_diagnostic(
                "SK0011", "", read.profile.name_where,
                "profile name '" + read.profile.name + "' does not match its file name '" + file + "'",
                "a profile is known by its file name: write name = \"" + stem(path) + "\", or rename the file to " +
                    read.profile.name + ".toml"));
        }
        chain.push_back(read.profile.name);
        for (const auto& parent : read.profile.extends) {
            auto where = read.profile.extends_where;
            if (!plain_name(parent)) {
                m_out.diagnostics.push_back(make_diagnostic("SK0008", "", where,
                                                            "extends '" + parent + "' is not a profile name",
                                                            "extends names profiles; it never takes paths"));
                continue;
            }
            std::string ppath = locate(parent, m_dirs);
            if (ppath.empty()) {
                m_out.diagnostics.push_back(make_diagnostic(
                    "SK0008", "", where,
                    "parent profile '" + parent + "' not found (chain: " + render(chain) + " -> " + parent + ")",
                    "create " + (m_dirs.empty() ? std::string("it") : m_dirs.front() + "/" + parent + ".toml") +
                        " or remove it from extends"));
                continue;
            }
            if (std::find(m_active.begin(), m_active.end(), ppath) != m_active.end()) {
                m_out.diagnostics.push_back(make_diagnostic("SK0008", "", where,
                                                            "extends cycle: " + render(chain) + " -> " + parent,
                                                            "remove one of the extends entries"));
                continue;
            }
            if (m_active.size() > 32) {
                m_out.diagnostics.push_back(
                    make_diagnostic("SK0008", "", where, "extends chain deeper than 32: " + render(chain), ""));
                continue;
            }
            m_active.push_back(ppath);
            add(ppath, chain);
            m_active.pop_back();
        }
        chain.pop_back();
        m_done.insert(path);
        model::compose_into(m_out.resolved, read.profile);
    }

    void root(const std::string& path)
    {
        m_active = {path};
        std::vector<std::string> chain;
        add(path, chain);
    }

  private:
    static std::string render(const std::vector<std::string>& chain)
    {
        std::string out;
        for (size_t i = 0; i < chain.size(); ++i)
            out += (i ? " -> " : "") + chain[i];
        return out;
    }

    const std::vector<std::string>& m_dirs;
    const GivenTexts& m_given;
    LoadResult& m_out;
    std::vector<std::string> m_active;
    std::set<std::string> m_done;
};

}  // namespace

bool is_path_argument(const std::string& arg)
{
    return arg.find('/') != std::string::npos || arg.ends_with(".toml");
}

LoadResult load_profiles(const std::vector<std::string>& args, const std::vector<std::string>& dirs,
                         const GivenTexts& given)
{
    LoadResult out;
    Composer composer(dirs, given, out);
    for (const auto& arg : args) {
        std::string path = arg;
        if (!is_path_argument(arg)) {
            path = plain_name(arg) ? locate(arg, dirs) : std::string();
            if (path.empty()) {
                std::string message = "profile '" + arg + "' not found";
                for (const auto& bad : unreadable_profile_dirs(dirs))
                    message += "; cannot read " + bad;
                out.diagnostics.push_back(
                    make_diagnostic("SK0002", "", SourceLocation{arg, 0, 0}, message,
                                    "`sysknob list` shows the profiles; a path needs a '/' or '.toml'"));
                continue;
            }
            out.resolved.names.push_back(arg);
        } else {
            out.resolved.names.push_back(stem(arg));
        }
        composer.root(path);
    }
    return out;
}

std::vector<std::string> unreadable_profile_dirs(const std::vector<std::string>& dirs)
{
    std::vector<std::string> out;
    for (const auto& dir : dirs) {
        DIR* d = ::opendir(dir.c_str());
        if (d) {
            ::closedir(d);
            continue;
        }
        if (errno != ENOENT) out.push_back("'" + dir + "': " + std::strerror(errno));
    }
    return out;
}

std::vector<FoundProfile> list_profiles(const std::vector<std::string>& dirs)
{
    std::map<std::string, FoundProfile> found;
    for (size_t i = 0; i < dirs.size(); ++i) {
        DIR* d = ::opendir(dirs[i].c_str());
        if (!d) continue;
        while (auto* e = ::readdir(d)) {
            std::string file = e->d_name;
            if (file.size() <= 5 || !file.ends_with(".toml") || file.front() == '.') continue;
            std::string name = file.substr(0, file.size() - 5);
            auto it = found.find(name);
            if (it != found.end()) {
                if (i > 0 && it->second.path.rfind(dirs[0], 0) == 0) it->second.overrides_shipped = true;
                continue;
            }
            FoundProfile fp{name, dirs[i] + "/" + file, "", false};
            if (auto text = util::read_file(fp.path, k_max_profile_bytes)) {
                auto r = read_profile_text(*text, fp.path, name);
                fp.description = r.profile.description;
            }
            found.emplace(name, std::move(fp));
        }
        ::closedir(d);
    }
    std::vector<FoundProfile> out;
    for (auto& [k, v] : found)
        out.push_back(std::move(v));
    return out;
}

}  // namespace sysknob::profile
