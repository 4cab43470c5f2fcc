// sysknob doctor: advice from the running system's own counters. Takes two
// samples --interval seconds apart (doctor/collect), runs the rules
// (doctor/findings), names the shipped profiles that set each knob, and
// prints text, JSON or the Prometheus text format (optionally to a file,
// written atomically for node_exporter's textfile collector).
#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <iostream>
#include <thread>

#include "cli/commands.hpp"
#include "change/status.hpp"
#include "doctor/collect.hpp"
#include "doctor/findings.hpp"
#include "doctor/prometheus.hpp"
#include "os/atomic_file.hpp"
#include "os/log.hpp"
#include "os/proc_evidence.hpp"

namespace sysknob::cli {

namespace {

// Where a knob is set in the profiles found (shipped and /etc), for the
// "applied by" line: loaded only when there is a finding.
struct ProfileLine {
    std::string profile, file, value;
    int line = 0;
};

class ProfileIndex {
  public:
    explicit ProfileIndex(const Context& ctx) : m_dirs(ctx.paths.profile_dirs()) {}
    std::vector<ProfileLine> setting(const std::string& key)
    {
        if (!m_loaded) load();
        std::vector<ProfileLine> out;
        for (const auto& [name, r] : m_profiles)
            for (const auto& s : r.settings)
                if (s.key == key && s.profile == name)
                    out.push_back({name, s.where.file, s.value.render(), s.where.line});
        return out;
    }

  private:
    void load()
    {
        m_loaded = true;
        for (const auto& p : profile::list_profiles(m_dirs)) {
            auto l = profile::load_profiles({p.path}, m_dirs);
            if (!l.resolved.settings.empty()) m_profiles.emplace_back(p.name, std::move(l.resolved));
        }
    }
    std::vector<std::string> m_dirs;
    bool m_loaded = false;
    std::vector<std::pair<std::string, model::ResolvedProfile>> m_profiles;
};

// The line a profile of one's own would carry: vectors as TOML arrays.
std::string toml_line(const std::string& key, const std::string& value)
{
    std::string v = value;
    if (v.find(' ') != std::string::npos) {
        std::string arr = "[";
        for (char c : v)
            arr += c == ' ' ? std::string(", ") : std::string(1, c);
        v = arr + "]";
    }
    return key + " = " + v;
}

std::string duration_text(double s)
{
    auto t = static_cast<uint64_t>(s);
    if (t >= 86400) return fmt::format("{} d {} h", t / 86400, t % 86400 / 3600);
    if (t >= 3600) return fmt::format("{} h {} min", t / 3600, t % 3600 / 60);
    if (t >= 60) return fmt::format("{} min {} s", t / 60, t % 60);
    return fmt::format("{} s", t);
}

std::string evidence_text(const doctor::Evidence& e, double interval)
{
    std::string s = e.what + " = " + std::to_string(e.value);
    if (e.delta) s += fmt::format(", +{} in {:.1f} s ({:.1f}/s)", *e.delta, interval, e.rate_per_s);
    if (!e.threshold.empty()) s += ", threshold " + e.threshold;
    if (!e.detail.empty()) s += ": " + e.detail;
    return s;
}

}  // namespace

CLI::App* register_doctor(CLI::App& app, DoctorOptions& o, bool full)
{
    auto* sub = app.add_subcommand("doctor", "advice from the kernel's own counters: the evidence, the knob, the "
                                             "suggested value");
    if (!full) return sub;
    sub->add_option("--interval", o.interval, "seconds between the two samples; 0 for totals since boot only")
        ->type_name("SECONDS")
        ->check(CLI::Range(0.0, 3600.0));
    sub->add_option("--output", o.output, "write the result to FILE atomically instead of standard output")
        ->type_name("FILE")
        ->check(k_output_file);
    sub->add_flag("--list-findings", o.list_findings, "print the finding ids with their titles and sources");
    return sub;
}

int run_doctor(const DoctorOptions& o, Context& ctx)
{
    if (o.list_findings) {
        if (ctx.globals.json()) {
            nlohmann::json arr = nlohmann::json::array();
            for (const auto& k : doctor::finding_kinds())
                arr.push_back({{"id", k.id}, {"title", k.title}, {"source", k.source}});
            Context::print_json({{"findings", arr}});
        } else {
            for (const auto& k : doctor::finding_kinds())
                std::cout << k.id << "  " << k.title << "\n        " << k.source << "\n";
        }
        return k_exit_ok;
    }
    os::ProcEvidence src;
    std::vector<std::string> notes;
    auto first = doctor::take_sample(src, ctx.tree, notes);
    if (!first) {
        std::cerr << "sysknob: " << first.error().message << "\n";
        return k_exit_error;
    }
    doctor::Sample last = *first;
    double interval = 0;
    if (o.interval > 0) {
        auto start = std::chrono::steady_clock::now();
        std::this_thread::sleep_for(std::chrono::duration<double>(o.interval));
        std::vector<std::string> ignored;  // the first sample said it already
        auto second = doctor::take_sample(src, ctx.tree, ignored);
        if (!second) {
            std::cerr << "sysknob: " << second.error().message << "\n";
            return k_exit_error;
        }
        last = std::move(*second);
        interval = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    for (const auto& n : notes)
        spdlog::warn("{}", n);
    auto findings = doctor::diagnose(*first, last, interval);

    std::string out;
    if (ctx.globals.format == "prometheus") {
        std::optional<doctor::DriftMetrics> drift;
        if (auto r = change::compute_status(ctx.env())) {
            doctor::DriftMetrics d;
            d.profile_active = r->present;
            d.profile = r->active;
            d.keys_drifted = r->drift.size();
            d.keys_in_sync = r->state.keys.size() - r->drift.size();
            d.keys_shadowed = r->shadowed.size();
            d.pending_changes = r->pending.size();
            d.last_apply_s = r->last_change_time();
            drift = d;
        } else {
            spdlog::warn("no status metrics: {}", r.error().message);
        }
        out = doctor::render_prometheus(last, findings, interval, drift);
    } else {
        ProfileIndex profiles(ctx);
        if (ctx.globals.json()) {
            nlohmann::json arr = nlohmann::json::array();
            for (const auto& f : findings) {
                nlohmann::json ev = nlohmann::json::array(), knobs = nlohmann::json::array();
                for (const auto& e : f.evidence)
                    ev.push_back({{"what", e.what},
                                  {"value", e.value},
                                  {"delta", e.delta ? nlohmann::json(*e.delta) : nlohmann::json(nullptr)},
                                  {"rate_per_s", e.rate_per_s},
                                  {"threshold", e.threshold},
                                  {"detail", e.detail}});
                for (const auto& k : f.knobs) {
                    nlohmann::json shipped = nlohmann::json::array();
                    for (const auto& p : profiles.setting(k.key))
                        shipped.push_back(
                            {{"profile", p.profile}, {"file", p.file}, {"line", p.line}, {"value", p.value}});
                    knobs.push_back(
                        {{"key", k.key},
                         {"current", k.current.empty() ? nlohmann::json(nullptr) : nlohmann::json(k.current)},
                         {"suggested", k.suggested.empty() ? nlohmann::json(nullptr) : nlohmann::json(k.suggested)},
                         {"why", k.why},
                         {"profile_line", k.suggested.empty() ? nlohmann::json(nullptr)
                                                              : nlohmann::json(toml_line(k.key, k.suggested))},
                         {"profiles", shipped}});
                }
                arr.push_back({{"id", f.id},
                               {"severity", doctor::severity_name(f.severity)},
                               {"title", f.title},
                               {"evidence", ev},
                               {"knobs", knobs},
                               {"advice", f.advice},
                               {"source", f.source}});
            }
            out = nlohmann::json(
                      {{"interval_s", interval}, {"uptime_s", last.uptime_s}, {"findings", arr}, {"notes", notes}})
                      .dump(2) +
                  "\n";
        } else {
            const std::string when =
                (interval > 0 ? fmt::format("rates over {:.1f} s; ", interval) : std::string("totals only; ")) +
                "totals since boot " + duration_text(last.uptime_s) + " ago";
            if (findings.empty()) {
                out = "no pressure seen (" + when + ")\n";
            } else {
                out = fmt::format("{} finding{} ({})\n", findings.size(), findings.size() == 1 ? "" : "s", when);
                for (const auto& f : findings) {
                    out += fmt::format("\n{} {}: {}\n", f.id, doctor::severity_name(f.severity), f.title);
                    for (const auto& e : f.evidence)
                        out += "  evidence: " + evidence_text(e, interval) + "\n";
                    for (const auto& k : f.knobs) {
                        out += "  knob: " + k.key + " = " +
                               (k.current.empty() ? "(absent in this network namespace)" : k.current);
                        out += k.suggested.empty() ? " (check, no change suggested)\n" : " -> " + k.suggested + "\n";
                        out += "    why: " + k.why + "\n";
                        if (!k.suggested.empty()) out += "    profile line: " + toml_line(k.key, k.suggested) + "\n";
                        for (const auto& p : profiles.setting(k.key))
                            out += fmt::format("    set by profile {}: {}:{}: {} = {}\n", p.profile, p.file, p.line,
                                               k.key, p.value);
                    }
                    if (!f.advice.empty()) out += "  advice: " + f.advice + "\n";
                    out += "  source: " + f.source + "\n";
                }
            }
        }
    }
    if (o.output.empty()) {
        std::cout << out << std::flush;
        return k_exit_ok;
    }
    if (auto w = os::write_file_atomic(o.output, out, 0644); !w) {
        std::cerr << "sysknob: cannot write '" << o.output << "': " << w.error().message << "\n";
        return k_exit_error;
    }
    spdlog::info("wrote '{}'", o.output);
    return k_exit_ok;
}

}  // namespace sysknob::cli
