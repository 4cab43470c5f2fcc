#include <doctest/doctest.h>
#include <string>

#include "doctor/prometheus.hpp"

using namespace sysknob::doctor;

TEST_CASE("prometheus output has HELP and TYPE for every family, counters end in _total")
{
    Sample s;
    s.uptime_s = 100.5;
    s.counters = {{"TcpExt.ListenOverflows", 136}, {"Udp.RcvbufErrors", 0}, {"sockstat.TCP.tw", 4}};
    s.knobs = {{"net.ipv4.tcp_max_tw_buckets", "4"}};
    Finding f;
    f.id = "SK5001";
    f.severity = Severity::warning;
    f.title = "a \"quoted\" title\\";
    DriftMetrics d{true, "base", 10, 2, 1, 0, 1700000000.0};
    auto out = render_prometheus(s, {f}, 5, d);
    CHECK(out.find("# TYPE sysknob_tcp_listen_overflows_total counter\nsysknob_tcp_listen_overflows_total 136\n") !=
          std::string::npos);
    CHECK(out.find("sysknob_udp_receive_buffer_errors_total 0\n") != std::string::npos);
    CHECK(out.find("# TYPE sysknob_tcp_sockets_time_wait gauge\nsysknob_tcp_sockets_time_wait 4\n") !=
          std::string::npos);
    CHECK(out.find("sysknob_tcp_time_wait_limit 4\n") != std::string::npos);
    CHECK(out.find("sysknob_doctor_findings{severity=\"warning\"} 1\n") != std::string::npos);
    CHECK(out.find("sysknob_doctor_findings{severity=\"critical\"} 0\n") != std::string::npos);
    CHECK(
        out.find("sysknob_doctor_finding{id=\"SK5001\",severity=\"warning\",title=\"a \\\"quoted\\\" title\\\\\"} 1") !=
        std::string::npos);
    CHECK(out.find("sysknob_status_keys{state=\"in_sync\"} 10\n") != std::string::npos);
    CHECK(out.find("sysknob_status_keys{state=\"drifted\"} 2\n") != std::string::npos);
    CHECK(out.find("sysknob_status_pending_changes 0\n") != std::string::npos);
    CHECK(out.find("sysknob_status_last_apply_timestamp_seconds 1700000000\n") != std::string::npos);
    CHECK(out.find("sysknob_kernel_uptime_seconds 100.5\n") != std::string::npos);
    // Families absent from the sample are not printed at all.
    CHECK(out.find("conntrack") == std::string::npos);
    auto no_drift = render_prometheus(s, {}, 0, std::nullopt);
    CHECK(no_drift.find("sysknob_status_") == std::string::npos);
}
