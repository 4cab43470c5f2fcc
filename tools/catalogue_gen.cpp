// Build-time generator: schemas/catalogue.toml -> a C++ table
// (catalogue_data.cpp) and, optionally, the reference page sysknob-keys.7.
// Validates the catalogue as it goes so a bad entry fails the build with its
// line: unknown fields, bounds that contradict each other, a default outside
// the kernel's bounds, a per-interface key without its all/default
// semantics, an entry without a public source.
// With --effects: schemas/write_effects.toml -> write_effects_data.cpp
// (boot/write_effects.hpp).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <toml++/toml.h>
#include <vector>

namespace {

std::string quote(const std::string& s)
{
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out + "\"";
}

struct Entry {
    std::string key;
    std::string line;           // the C++ initialiser
    std::string meaning_array;  // definition of the meaning_values array, if any
    std::string man;            // the reference page's entry
};

[[noreturn]] void die(const std::string& where, const std::string& msg)
{
    std::cerr << where << ": " << msg << "\n";
    std::exit(1);
}

// Text for roff: escape backslashes and leading dots/quotes.
std::string roff(const std::string& s)
{
    std::string out;
    for (char c : s) {
        if (c == '\\')
            out += "\\e";
        else if (c == '-')
            out += "\\-";
        else
            out += c;
    }
    if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
    return out;
}

const std::set<std::string> k_known = {
    "key",           "type",        "ctype",          "arity",          "min",
    "max",           "out_of_range", "handler",       "advice_min",     "advice_max",
    "advice",        "unit",        "namespace",      "child_netns",    "all_semantics",
    "all_note",      "module",      "added_in",       "removed_in",     "noop_since",
    "default_value", "default_changed_in", "default_before", "default_change_note", "meaning_changed_in",
    "meaning_values", "meaning_change_note", "replaced_by", "description", "default",
    "verified",      "notes",       "source"};

// Words that must never reach users: private reference material.
bool private_reference(const std::string& s)
{
    for (const char* bad : {"seed ", "seeds/", "/work/", "kernel-params.toml", "LIVE", "issue "})
        if (s.find(bad) != std::string::npos) return true;
    return false;
}

std::string range_text(std::optional<int64_t> lo, std::optional<int64_t> hi)
{
    auto n = [](int64_t v) {
        if (v == INT32_MAX) return std::string("INT_MAX");
        if (v == INT32_MIN) return std::string("INT_MIN");
        if (v == UINT32_MAX) return std::string("UINT_MAX");
        return std::to_string(v);
    };
    return (lo ? n(*lo) : std::string("..")) + " .. " + (hi ? n(*hi) : std::string(".."));
}

bool write_atomically(const std::string& path, const std::string& text)
{
    std::string tmp = path + ".tmp";
    {
        std::ofstream f(tmp);
        f << text;
        if (!f) {
            std::cerr << "cannot write " << tmp << "\n";
            return false;
        }
    }
    return std::rename(tmp.c_str(), path.c_str()) == 0;
}

// schemas/write_effects.toml: [[write_effect]] and [[boot_value]] tables.
int generate_effects(const char* in, const char* out_path)
{
    toml::table root;
    try {
        root = toml::parse_file(in);
    } catch (const toml::parse_error& e) {
        std::cerr << in << ":" << e.source().begin.line << ":" << e.source().begin.column << ": " << e.description()
                  << "\n";
        return 1;
    }
    auto where = [&](const toml::node& n) { return std::string(in) + ":" + std::to_string(n.source().begin.line); };
    auto strings = [](const toml::table& t, const char* f, std::vector<std::string>& out) {
        const auto* a = t[f].as_array();
        if (!a) return false;
        for (const auto& v : *a) {
            if (!v.is_string()) return false;
            out.push_back(v.value_or<std::string>(""));
        }
        return true;
    };
    std::ostringstream body;
    std::ostringstream effects;
    std::set<std::string> ids;
    static const std::set<std::string> effect_fields = {"id",      "trigger", "except",    "when",  "action",
                                                        "targets", "values",  "mechanism", "source"};
    int n = 0;
    const auto* list = root["write_effect"].as_array();
    if (!list || list->empty()) {
        std::cerr << in << ": no [[write_effect]] entries\n";
        return 1;
    }
    for (const auto& node : *list) {
        const auto* t = node.as_table();
        if (!t) {
            std::cerr << where(node) << ": [[write_effect]] must be a table\n";
            return 1;
        }
        for (const auto& [k, v] : *t) {
            (void)v;
            if (!effect_fields.count(std::string(k.str()))) {
                std::cerr << where(node) << ": unknown field '" << k.str() << "'\n";
                return 1;
            }
        }
        auto str = [&](const char* f) { return (*t)[f].value_or<std::string>(""); };
        std::string id = str("id"), trigger = str("trigger"), when = str("when"), action = str("action");
        if (id.empty() || !ids.insert(id).second) {
            std::cerr << where(node) << ": missing or duplicate id '" << id << "'\n";
            return 1;
        }
        if (trigger.empty() || str("source").empty() || str("mechanism").empty()) {
            std::cerr << where(node) << ": '" << id << "': trigger, mechanism and source are required\n";
            return 1;
        }
        if (when != "write" && when != "change") {
            std::cerr << where(node) << ": '" << id << "': when must be \"write\" or \"change\"\n";
            return 1;
        }
        if (action != "mark_written" && action != "copy_to_unwritten" && action != "set") {
            std::cerr << where(node) << ": '" << id
                      << "': action must be \"mark_written\", \"copy_to_unwritten\" or \"set\"\n";
            return 1;
        }
        std::vector<std::string> except, targets, values;
        if (t->contains("except") && !strings(*t, "except", except)) {
            std::cerr << where(node) << ": '" << id << "': except must be a list of strings\n";
            return 1;
        }
        if (!strings(*t, "targets", targets) || !strings(*t, "values", values) || targets.empty() ||
            targets.size() != values.size()) {
            std::cerr << where(node) << ": '" << id << "': targets and values must be lists of the same length\n";
            return 1;
        }
        bool has_entry = trigger.find("{entry}") != std::string::npos;
        std::string name = "e" + std::to_string(n);
        body << "constexpr std::string_view " << name << "_except[] = {";
        for (const auto& e : except)
            body << quote(e) << ", ";
        if (except.empty()) body << "\"\"";
        body << "};\nconstexpr EffectTarget " << name << "_targets[] = {";
        for (size_t i = 0; i < targets.size(); ++i) {
            if (values[i] != "same" && values[i] != "negate" && values[i] != "zero") {
                std::cerr << where(node) << ": '" << id << "': values must be \"same\", \"negate\" or \"zero\"\n";
                return 1;
            }
            if (!has_entry && targets[i].find("{entry}") != std::string::npos) {
                std::cerr << where(node) << ": '" << id << "': a target has {entry} but the trigger does not\n";
                return 1;
            }
            body << "{" << quote(targets[i]) << ", EffectValue::" << values[i] << "}, ";
        }
        body << "};\n";
        effects << "    {" << quote(id) << ", " << quote(trigger) << ", std::span<const std::string_view>(" << name
                << "_except, " << except.size() << "), EffectWhen::" << when << ", EffectAction::" << action << ", "
                << name << "_targets, " << quote(str("mechanism")) << ", " << quote(str("source")) << "},\n";
        ++n;
    }
    std::ostringstream values_out;
    std::set<std::string> keys;
    if (const auto* bv = root["boot_value"].as_array()) {
        for (const auto& node : *bv) {
            const auto* t = node.as_table();
            std::string key = t ? (*t)["key"].value_or<std::string>("") : "";
            auto value = t ? (*t)["value"].value<std::string>() : std::nullopt;
            std::string source = t ? (*t)["source"].value_or<std::string>("") : "";
            if (key.empty() || !value || source.empty() || !keys.insert(key).second ||
                key.find("{entry}") != std::string::npos) {
                std::cerr << where(node)
                          << ": [[boot_value]] needs a unique key (no {entry}), a string value and a source\n";
                return 1;
            }
            values_out << "    {" << quote(key) << ", " << quote(*value) << ", " << quote(source) << "},\n";
        }
    }
    std::ostringstream out;
    out << "// Generated by tools/catalogue_gen from schemas/write_effects.toml. Do not edit.\n"
        << "#include \"boot/write_effects.hpp\"\n\nnamespace sysknob::boot {\n\nnamespace {\n"
        << body.str() << "constexpr WriteEffect k_effects[] = {\n"
        << effects.str() << "};\nconstexpr BootValue k_boot_values[] = {\n"
        << values_out.str() << "};\n}  // namespace\n\n"
        << "std::span<const WriteEffect> write_effects() { return k_effects; }\n"
        << "std::span<const BootValue> boot_values() { return k_boot_values; }\n\n"
        << "}  // namespace sysknob::boot\n";
    return write_atomically(out_path, out.str()) ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv)
{
    if (argc == 4 && std::string(argv[1]) == "--effects") return generate_effects(argv[2], argv[3]);
    if (argc != 3 && argc != 4) {
        std::cerr << "usage: catalogue_gen CATALOGUE.toml OUT.cpp [OUT.7] | catalogue_gen --effects "
                     "WRITE_EFFECTS.toml OUT.cpp\n";
        return 64;
    }
    toml::table root;
    try {
        root = toml::parse_file(argv[1]);
    } catch (const toml::parse_error& e) {
        std::cerr << argv[1] << ":" << e.source().begin.line << ":" << e.source().begin.column << ": "
                  << e.description() << "\n";
        return 1;
    }
    std::vector<Entry> entries;
    std::set<std::string> seen;
    auto* params = root["param"].as_array();
    if (!params) die(argv[1], "no [[param]] entries");
    for (auto& node : *params) {
        auto* t = node.as_table();
        auto where = std::string(argv[1]) + ":" + std::to_string(node.source().begin.line);
        if (!t) die(where, "[[param]] must be a table");
        for (auto& [k, v] : *t) {
            if (!k_known.count(std::string(k.str()))) die(where, "unknown field '" + std::string(k.str()) + "'");
            if (auto* s = v.as_string(); s && private_reference(s->get()))
                die(where, "field '" + std::string(k.str()) + "' cites private material; cite a public source");
        }
        auto str = [&](const char* f) {
            auto* n = t->get(f);
            if (n && !n->is_string()) die(where, std::string("'") + f + "' must be a string");
            return std::string(n ? n->value_or<std::string>("") : "");
        };
        auto num = [&](const char* f) -> std::optional<int64_t> {
            auto* n = t->get(f);
            if (!n) return std::nullopt;
            if (!n->is_integer()) die(where, std::string("'") + f + "' must be an integer");
            return n->value<int64_t>();
        };
        std::string key = str("key");
        if (key.empty() || !seen.insert(key).second) die(where, "missing or duplicate key '" + key + "'");
        where += ": '" + key + "'";
        std::string type = str("type");
        if (type != "int" && type != "string") die(where, "type must be \"int\" or \"string\"");
        std::string ctype = str("ctype");
        static const std::set<std::string> ctypes = {"int", "u8", "uint", "ulong", "jiffies", "ms_jiffies", "string"};
        if (!ctypes.count(ctype)) die(where, "ctype must be one of int, u8, uint, ulong, jiffies, ms_jiffies, string");
        if ((type == "string") != (ctype == "string")) die(where, "ctype and type disagree");
        int64_t arity = num("arity").value_or(1);
        auto min = num("min"), max = num("max");
        auto amin = num("advice_min"), amax = num("advice_max");
        if (min && max && *min > *max) die(where, "min > max");
        if (amin && amax && *amin > *amax) die(where, "advice_min > advice_max");
        if ((amin && ((min && *amin < *min) || (max && *amin > *max))) ||
            (amax && ((max && *amax > *max) || (min && *amax < *min))))
            die(where, "the advised range must lie inside the kernel's bounds");
        if (ctype == "u8" && (!min || !max || *min < 0 || *max > 255))
            die(where, "a u8 key needs kernel bounds inside 0..255");
        std::string oor = str("out_of_range");
        if ((min || max) && oor != "einval" && oor != "erange" && oor != "clamp" && oor != "hz")
            die(where, "out_of_range must be einval, erange, clamp or hz when min or max is set");
        std::string ns = str("namespace");
        static const std::set<std::string> nss = {"net", "ipc", "user", "uts", "global"};
        if (!nss.count(ns)) die(where, "namespace must be net, ipc, user, uts or global");
        std::string sem = str("all_semantics");
        static const std::set<std::string> sems = {"",       "or",        "and",     "max",          "min",
                                                   "or-host-and-router", "propagate", "ignored", "default-only",
                                                   "per-interface"};
        if (!sems.count(sem)) die(where, "unknown all_semantics '" + sem + "'");
        bool per_interface = key.find(".conf.*.") != std::string::npos || key.find(".neigh.*.") != std::string::npos;
        if (per_interface && (sem.empty() || str("all_note").empty()))
            die(where, "a per-interface key needs all_semantics and all_note");
        if (!per_interface && !sem.empty()) die(where, "all_semantics is only for per-interface keys");
        auto* src = (*t)["source"].as_array();
        std::vector<std::string> sources;
        if (src)
            for (auto& s : *src)
                if (auto v = s.value<std::string>()) sources.push_back(*v);
        if (sources.empty()) die(where, "no public source");
        for (auto& s : sources)
            if (private_reference(s)) die(where, "source '" + s + "' is not public");
        bool has_default = t->contains("default_value");
        std::string dv = str("default_value");
        if (has_default && type == "int") {
            std::istringstream in(dv);
            int64_t x;
            int n = 0;
            while (in >> x) {
                ++n;
                if ((min && x < *min) || (max && x > *max)) die(where, "default_value outside the kernel's bounds");
            }
            if (!in.eof() || (arity > 0 && n != arity)) die(where, "default_value does not match type and arity");
        }
        if (!str("default_changed_in").empty() && !t->contains("default_before") && has_default)
            die(where, "default_changed_in needs default_before");
        std::vector<int64_t> meaning_values;
        if (auto* mv = (*t)["meaning_values"].as_array())
            for (auto& v : *mv) {
                auto x = v.value<int64_t>();
                if (!x) die(where, "meaning_values must be integers");
                meaning_values.push_back(*x);
            }
        if (!meaning_values.empty() && str("meaning_changed_in").empty())
            die(where, "meaning_values needs meaning_changed_in");
        if (!str("meaning_changed_in").empty() && str("meaning_change_note").empty())
            die(where, "meaning_changed_in needs meaning_change_note");

        Entry e;
        e.key = key;
        std::string mv_name = "k_meaning_" + std::to_string(entries.size());
        if (!meaning_values.empty()) {
            e.meaning_array = "constexpr int64_t " + mv_name + "[] = {";
            for (auto v : meaning_values)
                e.meaning_array += std::to_string(v) + "LL, ";
            e.meaning_array += "};\n";
        }
        auto b = [](bool v) { return v ? "true" : "false"; };
        auto i = [](std::optional<int64_t> v) { return (v ? std::to_string(*v) : std::string("0")) + "LL"; };
        std::string ns_enum = ns == "global" ? "global" : ns;
        std::ostringstream line;
        line << "    {" << quote(key) << ", ParamType::" << (type == "int" ? "integer" : "string") << ", " << arity << ", "
             << b(min.has_value()) << ", " << b(max.has_value()) << ", " << i(min) << ", " << i(max)
             << ", OutOfRange::" << (oor.empty() ? "einval" : oor) << ", " << b(amin.has_value()) << ", "
             << b(amax.has_value()) << ", " << i(amin) << ", " << i(amax) << ", " << quote(str("advice")) << ", "
             << quote(str("unit")) << ", Namespace::" << ns_enum << ", " << b(ns == "net") << ", "
             << quote(str("child_netns")) << ", " << quote(sem) << ", " << quote(str("all_note")) << ", "
             << quote(str("module")) << ", " << quote(str("added_in")) << ", " << quote(str("removed_in")) << ", "
             << quote(str("noop_since")) << ", " << b(has_default) << ", " << quote(dv) << ", "
             << quote(str("default_changed_in")) << ", " << quote(str("default_before")) << ", "
             << quote(str("default_change_note")) << ", " << quote(str("meaning_changed_in")) << ", "
             << (meaning_values.empty() ? std::string("{}") : mv_name) << ", " << quote(str("meaning_change_note"))
             << ", " << quote(str("replaced_by")) << ", " << quote(str("description")) << ", " << quote(sources[0])
             << ", " << b((*t)["verified"].value_or(false)) << "},\n";
        e.line = line.str();

        // The reference page entry.
        std::ostringstream man;
        man << ".TP\n.B " << roff(key) << "\n" << roff(str("description")) << ".\n.br\n";
        man << "Type: " << (type == "int" ? "integer" : "string");
        if (arity != 1) man << (arity == 0 ? ", list" : ", " + std::to_string(arity) + " values");
        man << " (" << ctype << ")";
        if (!str("unit").empty()) man << ", " << roff(str("unit"));
        man << ".\n.br\n";
        if (min || max)
            man << "Kernel bounds: " << roff(range_text(min, max))
                << (oor == "clamp"    ? " (clamped beyond)"
                    : oor == "hz"     ? " (EINVAL beyond; max depends on CONFIG_HZ)"
                    : oor == "erange" ? " (ERANGE above, EINVAL below)"
                                      : " (EINVAL beyond)")
                << ".\n.br\n";
        if (amin || amax) man << "Advised: " << roff(range_text(amin, amax)) << ": " << roff(str("advice")) << ".\n.br\n";
        man << "Default: ";
        if (has_default) {
            man << (dv.empty() ? "(empty)" : roff(dv));
            if (!str("default_changed_in").empty())
                man << " since " << str("default_changed_in") << ", " << roff(str("default_before")) << " before";
        } else {
            man << roff(str("default"));
        }
        man << ".\n.br\n";
        man << "Namespace: " << ns;
        if (!str("child_netns").empty() && str("child_netns") != "n/a")
            man << " (in a child network namespace: " << str("child_netns") << ")";
        man << ".\n.br\n";
        if (!sem.empty()) man << "all/default: " << sem << ": " << roff(str("all_note")) << ".\n.br\n";
        std::string history;
        if (!str("added_in").empty()) history += "added in " + str("added_in") + "; ";
        if (!str("removed_in").empty()) history += "removed in " + str("removed_in") + "; ";
        if (!str("noop_since").empty()) history += "no effect since " + str("noop_since") + "; ";
        if (!str("meaning_changed_in").empty())
            history += "meaning changed in " + str("meaning_changed_in") + ": " + str("meaning_change_note") + "; ";
        if (!str("replaced_by").empty()) history += "replaced by " + str("replaced_by") + "; ";
        if (!str("module").empty()) history += "needs module " + str("module") + "; ";
        if (!history.empty()) man << "History: " << roff(history.substr(0, history.size() - 2)) << ".\n.br\n";
        man << "Source: ";
        for (size_t n = 0; n < sources.size(); ++n)
            man << (n ? "; " : "") << roff(sources[n]);
        man << ".\n";
        e.man = man.str();
        entries.push_back(std::move(e));
    }
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.key < b.key; });
    std::ostringstream out;
    out << "// Generated by tools/catalogue_gen from schemas/catalogue.toml. Do not edit.\n"
        << "#include \"kernel/catalogue.hpp\"\n\nnamespace sysknob::kernel {\n\nnamespace {\n";
    for (auto& e : entries)
        out << e.meaning_array;
    out << "constexpr Param k_params[] = {\n";
    for (auto& e : entries)
        out << e.line;
    out << "};\n}  // namespace\n\nstd::span<const Param> catalogue() { return k_params; }\n\n"
        << "}  // namespace sysknob::kernel\n";

    auto write = [](const std::string& path, const std::string& text) {
        std::string tmp = path + ".tmp";
        {
            std::ofstream f(tmp);
            f << text;
            if (!f) die(tmp, "cannot write");
        }
        if (std::rename(tmp.c_str(), path.c_str()) != 0) die(path, "cannot rename into place");
    };
    write(argv[2], out.str());
    if (argc == 4) {
        std::ostringstream man;
        man << ".\\\" Generated by tools/catalogue_gen from schemas/catalogue.toml. Do not edit.\n"
            << ".TH SYSKNOB-KEYS 7 2026-01-01 \"sysknob 0.1.0\" \"Miscellaneous\"\n"
            << ".SH NAME\nsysknob-keys \\- the kernel parameters sysknob knows\n"
            << ".SH DESCRIPTION\n"
            << "Every key in sysknob's catalogue, with what lint checks for it. "
            << "\\fIKernel bounds\\fR are the values the kernel itself accepts (its ctl_table handler "
            << "and extra1/extra2, or the data type); lint refuses values outside them (SK1004). "
            << "\\fIAdvised\\fR is a sensible range; lint warns outside it (SK1007). "
            << "\\fIDefault\\fR is the value a freshly booted kernel (or a new network namespace) shows; "
            << "defaults computed at boot from memory or hash sizes are described instead. "
            << "\\fINamespace\\fR says which namespace owns the value: a \\fBglobal\\fR key written "
            << "from a container changes the host. "
            << "For per-interface keys, \\fIall/default\\fR says how conf.all, conf.default and the "
            << "interface's own value combine. "
            << "Keys with \\(dq*\\(dq stand for every interface.\n"
            << ".PP\nThe page is generated from schemas/catalogue.toml, which also holds notes and "
            << "the full history of each key.\n"
            << ".SH KEYS\n";
        for (auto& e : entries)
            man << e.man;
        man << ".SH SEE ALSO\n.BR sysknob (8),\n.BR sysknob.toml (5),\n.BR sysctl (8)\n";
        write(argv[3], man.str());
    }
    return 0;
}
