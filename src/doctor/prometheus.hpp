#pragma once
// The Prometheus text exposition format (version 0.0.4) of doctor's
// counters and findings and of status's drift, for node_exporter's textfile
// collector. Pure. Names follow the Prometheus conventions: sysknob_
// prefix, base units (seconds), _total for counters, a HELP and a TYPE line
// per family.
#include <optional>
#include <string>
#include <vector>

#include "doctor/findings.hpp"
#include "doctor/sample.hpp"

namespace sysknob::doctor {

// The numbers `sysknob status` computes (change/status), given here
// so this renderer stays pure.
struct DriftMetrics {
    bool profile_active = false;
    std::string profile;  // "base+nat-gateway"
    size_t keys_in_sync = 0;
    size_t keys_drifted = 0;
    size_t keys_shadowed = 0;
    size_t pending_changes = 0;
    std::optional<double> last_apply_s;  // Unix time of the newest committed change
};

std::string render_prometheus(const Sample& last, const std::vector<Finding>& findings, double interval_s,
                              const std::optional<DriftMetrics>& drift);

}  // namespace sysknob::doctor
