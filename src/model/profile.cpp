#include "model/profile.hpp"

namespace sysknob::model {

const Setting* ResolvedProfile::find(const std::string& key) const
{
    for (const auto& s : settings)
        if (s.key == key) return &s;
    return nullptr;
}

std::string join_names(const std::vector<std::string>& names)
{
    std::string out;
    for (size_t i = 0; i < names.size(); ++i) {
        if (i) out += '+';
        out += names[i];
    }
    return out;
}

std::string ResolvedProfile::display_name() const
{
    return join_names(names);
}

void compose_into(ResolvedProfile& into, const Profile& p)
{
    into.files.push_back(p.path);
    if (!p.description.empty()) into.description = p.description;
    into.ignore_by_file[p.path] = p.ignore;
    // Index by key so composition of large profiles stays linear.
    std::map<std::string, size_t> index;
    for (size_t i = 0; i < into.settings.size(); ++i)
        index[into.settings[i].key] = i;
    for (auto s : p.settings) {
        s.profile = p.name;
        auto it = index.find(s.key);
        if (it == index.end()) {
            index[s.key] = into.settings.size();
            into.settings.push_back(std::move(s));
        } else {
            into.settings[it->second] = std::move(s);
        }
    }
    for (const auto& m : p.modules) {
        ModuleConfig* existing = nullptr;
        for (auto& e : into.modules)
            if (e.name == m.name) existing = &e;
        if (!existing) {
            into.modules.push_back(m);
            continue;
        }
        existing->load = existing->load || m.load;
        // A later `load = false` refuses loading; a later `load = true` lifts it.
        existing->load_refused = m.load_refused || (existing->load_refused && !m.load);
        if (m.load_refused) existing->load = false;
        existing->where = m.where;
        for (const auto& param : m.params) {
            bool replaced = false;
            for (auto& q : existing->params)
                if (q.name == param.name) {
                    q = param;
                    replaced = true;
                }
            if (!replaced) existing->params.push_back(param);
        }
    }
}

}  // namespace sysknob::model
