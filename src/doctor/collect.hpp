#pragma once
// Takes one Sample through the ports: the counter files through
// EvidenceSource, the knobs through SysctlTree. No I/O of its own.
#include "doctor/sample.hpp"
#include "ports/evidence_source.hpp"
#include "ports/sysctl_tree.hpp"
#include "util/result.hpp"

namespace sysknob::doctor {

// Errors: a counter file that is missing (except the optional ones: snmp6
// without IPv6, nf_conntrack without the module) or does not parse. A knob
// that is absent is left out of Sample::knobs; the rules then skip it.
// sock_diag and the kernel log are best effort: their failure is returned
// in `notes`, not as an error, so doctor still reports the counters.
Result<Sample> take_sample(ports::EvidenceSource& src, ports::SysctlTree& tree, std::vector<std::string>& notes);

}  // namespace sysknob::doctor
