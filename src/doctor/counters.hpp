#pragma once
// Parsers for the kernel's counter files, from their text into Counters.
// Pure: the caller reads the files (os/proc_evidence). Each error names the
// file and the line and says what was expected there.
#include <string>
#include <string_view>

#include "doctor/sample.hpp"
#include "util/result.hpp"

namespace sysknob::doctor {

// /proc/net/netstat and /proc/net/snmp: pairs of lines "Tcp: Name Name..."
// and "Tcp: 1 2..." (net/ipv4/proc.c, netstat_seq_show and snmp_seq_show;
// the names are the MIB names of include/uapi/linux/snmp.h as listed in
// snmp4_net_list). Adds "Tcp.Name" entries. Negative values (Tcp MaxConn
// is -1) are skipped: they are constants, not counters.
Result<void> parse_snmp_pairs(std::string_view text, std::string_view file, Counters& out);

// /proc/net/snmp6: one "Name value" per line (net/ipv6/proc.c,
// snmp6_seq_show). Adds "snmp6.Name".
Result<void> parse_snmp6(std::string_view text, std::string_view file, Counters& out);

// /proc/net/sockstat: "TCP: inuse 3 orphan 0 tw 0 alloc 5 mem 1"
// (net/ipv4/proc.c, sockstat_seq_show). Adds "sockstat.TCP.tw" and so on;
// mem is in pages.
Result<void> parse_sockstat(std::string_view text, std::string_view file, Counters& out);

// /proc/net/softnet_stat: one line per online CPU of hexadecimal columns;
// the first three are processed, dropped (netdev_max_backlog exceeded) and
// time_squeeze (net/core/net-procfs.c, softnet_seq_show). Adds their sums
// over all CPUs as "softnet.processed", "softnet.dropped",
// "softnet.time_squeeze".
Result<void> parse_softnet(std::string_view text, std::string_view file, Counters& out);

// /proc/net/stat/nf_conntrack: a header of names, then one line of
// hexadecimal values per CPU (net/netfilter/nf_conntrack_standalone.c,
// ct_cpu_seq_show). Adds "conntrack.NAME" summed over CPUs, except
// "entries", which every line repeats (the table's global count).
Result<void> parse_conntrack_stat(std::string_view text, std::string_view file, Counters& out);

// /proc/uptime: "12345.67 890.12" -> seconds since boot.
Result<double> parse_uptime(std::string_view text, std::string_view file);

// /proc/loadavg: "0.00 0.01 0.05 1/123 4567": the fourth field's total is
// the number of tasks (threads) alive, each holding a pid (proc(5)).
// Adds "loadavg.threads".
Result<void> parse_loadavg(std::string_view text, std::string_view file, Counters& out);

// fs.file-nr's "allocated unused max" (Documentation/admin-guide/sysctl/fs.rst,
// file-max & file-nr). Adds "file_nr.allocated".
Result<void> parse_file_nr(std::string_view text, Counters& out);

}  // namespace sysknob::doctor
