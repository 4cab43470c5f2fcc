#pragma once
// The rules of `sysknob doctor`: from two samples of the kernel's own
// counters (doctor/sample.hpp) to findings, each with its evidence, the
// knob that addresses it, the current and a suggested value, the reasoning
// and a public source. Pure.
//
// The discipline: no finding without evidence. A counter is evidence when
// it grew during the interval (severity warning, with its rate) or, with no
// interval or no growth, when its total since boot is not zero (severity
// info: it happened, maybe long ago). A gauge is evidence when it is at 90%
// of its limit or more. A quiet system gives no finding at all.
//
// Ids are SK5001..SK5099 (lint's rules use SK0xxx..SK3xxx, profile/rules.cpp);
// an id keeps its meaning forever. man/sysknob.8 documents each one.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doctor/sample.hpp"

namespace sysknob::doctor {

enum class Severity { info, warning, critical };
std::string_view severity_name(Severity s);

struct Evidence {
    std::string what;               // counter or gauge name, "listener 127.0.0.1:80", "kernel log"
    uint64_t value = 0;             // total since boot, or the gauge's current value
    std::optional<uint64_t> delta;  // growth during the interval
    double rate_per_s = 0;          // delta / interval
    std::string threshold;          // "> 0", ">= 90% of net.netfilter.nf_conntrack_max (65536)"
    std::string detail;             // free text: a quoted log line, a destination
};

struct Knob {
    std::string key;
    std::string current;    // live text, "" when absent here
    std::string suggested;  // "" when the knob is only to be checked, not changed
    std::string why;
};

struct Finding {
    std::string id;
    Severity severity = Severity::info;
    std::string title;
    std::vector<Evidence> evidence;
    std::vector<Knob> knobs;
    std::string advice;  // what to do besides the knobs (the application's backlog, keep-alive...)
    std::string source;  // public source of the reasoning
};

// One kind of finding, for --help, the man page test and Prometheus.
struct FindingKind {
    const char* id;
    const char* title;
    const char* source;
};
const std::vector<FindingKind>& finding_kinds();

// The knobs the rules read (sysctl keys), for the collector.
const std::vector<std::string>& knobs_to_read();

// `first` and `last` are the two samples (the same one when --interval 0);
// `interval_s` is the time between them (0 for totals only).
std::vector<Finding> diagnose(const Sample& first, const Sample& last, double interval_s);

// The log records worth keeping: the messages the rules quote.
bool log_record_matters(std::string_view text);

}  // namespace sysknob::doctor
