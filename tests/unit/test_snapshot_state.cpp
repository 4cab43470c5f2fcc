#include <doctest/doctest.h>
#include <string>

#include <nlohmann/json.hpp>

#include "snapshot/state.hpp"

using namespace sysknob::snapshot;

namespace {

State sample()
{
    State s;
    s.profiles = {"base", "nat-gateway"};
    s.priority = 60;
    s.keys = {{"net.ipv4.ip_forward", "1"}, {"net.ipv4.conf.eth0/100.forwarding", "1"}};
    s.baseline = {{"net.ipv4.ip_forward", "0"}, {"net.ipv4.conf.eth0/100.forwarding", "0"}};
    s.modules = {"nf_conntrack"};
    return s;
}

}  // namespace

TEST_CASE("the state file survives serialisation unchanged")
{
    auto text = serialize_state(sample());
    auto back = parse_state(text, "/var/lib/sysknob/state.json");
    REQUIRE(back.has_value());
    CHECK(back->profiles == sample().profiles);
    CHECK(back->priority == 60);
    CHECK(back->keys == sample().keys);
    CHECK(back->baseline == sample().baseline);
    CHECK(back->modules == sample().modules);
    CHECK(serialize_state(*back) == text);
}

TEST_CASE("a damaged state file is refused naming the file and what to do")
{
    auto r = parse_state("{\"profiles\": [", "/var/lib/sysknob/state.json");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message ==
          "damaged state file '/var/lib/sysknob/state.json': not valid JSON; move it away to start afresh");
    auto j = nlohmann::json::parse(serialize_state(sample()));
    j["keys"] = {{"net.ipv4.ip_forward", 1}};
    auto wrong = parse_state(j.dump(), "/s.json");
    REQUIRE_FALSE(wrong.has_value());
    CHECK(wrong.error().message.rfind("damaged state file '/s.json': ", 0) == 0);
    j = nlohmann::json::parse(serialize_state(sample()));
    j["priority"] = 100;
    auto prio = parse_state(j.dump(), "/s.json");
    REQUIRE_FALSE(prio.has_value());
    CHECK(prio.error().message == "damaged state file '/s.json': bad priority");
}
