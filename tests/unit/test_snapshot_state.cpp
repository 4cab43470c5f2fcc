#include <doctest/doctest.h>
#include <fstream>
#include <iterator>
#include <string>

#include <nlohmann/json.hpp>

#include "snapshot/snapshot.hpp"
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
    CHECK(prio.error().message == "damaged state file '/s.json': bad priority; move it away to start afresh");
}

TEST_CASE("every field of the state file is checked for its type and presence")
{
    auto base = nlohmann::json::parse(serialize_state(sample()));
    struct Case {
        const char* field;
        nlohmann::json value;
        const char* expect;
    };
    const Case cases[] = {
        {"keys", nlohmann::json::array(), "'keys' has the wrong type"},
        {"keys", {{"net.a", {{"x", "1"}}}}, "'keys' has the wrong type"},
        {"baseline", {{"net.a", nullptr}}, "'baseline' holds null where a string belongs"},
        {"profiles", {"a", 1}, "'profiles' holds a number where a string belongs"},
        {"modules", "nf_conntrack", "'modules' has the wrong type (a string)"},
        {"priority", 1.5, "bad priority"},
        {"priority", -1, "bad priority"},
        {"priority", "90", "'priority' has the wrong type (a string)"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.field);
        auto j = base;
        j[c.field] = c.value;
        auto r = parse_state(j.dump(), "/s.json");
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().message ==
              std::string("damaged state file '/s.json': ") + c.expect + "; move it away to start afresh");
    }
    for (const char* field : {"profiles", "priority", "keys", "baseline", "modules"}) {
        auto j = base;
        j.erase(field);
        auto r = parse_state(j.dump(), "/s.json");
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().message ==
              std::string("damaged state file '/s.json': '") + field + "' is missing; move it away to start afresh");
    }
    auto top = parse_state("[1, 2]", "/s.json");
    REQUIRE_FALSE(top.has_value());
    CHECK(top.error().message == "damaged state file '/s.json': not a JSON object; move it away to start afresh");
    // Fields a later version may add are passed over, whatever their shape.
    auto extra = base;
    extra["future"] = {{"nested", {1, 2, {{"deep", nullptr}}}}};
    extra["note"] = "x";
    auto ok = parse_state(extra.dump(), "/s.json");
    REQUIRE(ok.has_value());
    CHECK(ok->keys == sample().keys);
    CHECK(ok->priority == 60);
}

TEST_CASE("a glob's keys are written as the pattern with the segments it expanded to")
{
    State s;
    s.profiles = {"glob4"};
    s.globs = {"net.ipv4.conf.*.rp_filter", "net.ipv4.conf.*.log_martians", "net.*.x.*"};  // the last: two stars
    for (int i = 0; i < 2000; ++i) {
        std::string ifname = "ifb" + std::to_string(i);
        s.keys.insert_or_assign("net.ipv4.conf." + ifname + ".rp_filter", "1");
        s.keys.insert_or_assign("net.ipv4.conf." + ifname + ".log_martians", "1");
        s.baseline.insert_or_assign("net.ipv4.conf." + ifname + ".rp_filter", i % 3 == 0 ? "2" : "0");
    }
    s.keys.insert_or_assign("net.ipv4.conf.eth0/100.rp_filter", "1");  // a dot in an interface name
    s.keys.insert_or_assign("net.core.somaxconn", "4096");
    s.keys.insert_or_assign("net.ipv4.conf.lo.log_martians", "0");  // another value: its own group
    s.baseline.insert_or_assign("net.core.somaxconn", "128");
    std::string text = serialize_state(s);
    // Compact: not one line per key, and no key of the glob spelled out.
    CHECK(text.find("net.ipv4.conf.ifb7.rp_filter") == std::string::npos);
    CHECK(text.find("\"ifb7\"") != std::string::npos);
    CHECK(text.size() < 6000 * 16);  // format 1 took a line of 40 bytes or more per key
    auto j = nlohmann::json::parse(text);
    CHECK(j["format"] == 2);
    CHECK(j["keys"] == nlohmann::json({{"net.core.somaxconn", "4096"}}));
    CHECK(j["baseline"] == nlohmann::json({{"net.core.somaxconn", "128"}}));
    REQUIRE(j["globs"].size() == 3);  // log_martians 0 and 1, rp_filter 1
    CHECK(j["globs"][0]["pattern"] == "net.ipv4.conf.*.log_martians");
    CHECK(j["globs"][0]["value"] == "0");
    CHECK(j["globs"][0]["matches"] == nlohmann::json({"lo"}));
    REQUIRE(j["baseline_globs"].size() == 2);  // rp_filter 0 and 2
    CHECK(j["baseline_globs"][1]["value"] == "2");
    CHECK(j["baseline_globs"][1]["matches"].size() == 667);
    auto back = parse_state(text, "/s.json");
    REQUIRE(back.has_value());
    CHECK(back->keys == s.keys);
    CHECK(back->baseline == s.baseline);
    CHECK(serialize_state(*back) == text);
}

TEST_CASE("a damaged glob entry is refused naming the field and what is wrong")
{
    auto base = nlohmann::json::parse(serialize_state(sample()));
    struct Case {
        nlohmann::json globs;
        const char* expect;
    };
    const Case cases[] = {
        {nlohmann::json::array({{{"pattern", "net.*.x"}, {"value", "1"}}}),
         "an entry of 'globs' lacks its pattern, value or matches"},
        {nlohmann::json::array({{{"pattern", "net.*.*"}, {"value", "1"}, {"matches", {"a"}}}}),
         "'globs' has the pattern 'net.*.*', which is not one \"*\" segment"},
        {nlohmann::json::array({{{"pattern", "net.a*.x"}, {"value", "1"}, {"matches", {"a"}}}}),
         "'globs' has the pattern 'net.a*.x', which is not one \"*\" segment"},
        {nlohmann::json::array({{{"pattern", "net.*.x"}, {"value", "1"}, {"matches", {"a.b"}}}}),
         "'globs' has the match 'a.b' for 'net.*.x', which is not one segment"},
        {nlohmann::json::array({{{"pattern", "net.*.x"}, {"value", "1"}, {"matches", {""}}}}),
         "'globs' has the match '' for 'net.*.x', which is not one segment"},
        {nlohmann::json::array({{{"pattern", "net.*.x"}, {"value", 1}, {"matches", {"a"}}}}),
         "'globs' holds a number where a string or a list of strings belongs"},
        {nlohmann::json::array({{{"pattern", "net.*.x"}, {"value", "1"}, {"matches", "a"}}}),
         "'globs' holds a string where it does not belong"},
        {nlohmann::json::array({"net.*.x"}), "'globs' holds a string where it does not belong"},
        {nlohmann::json::object(), "'globs' has the wrong type"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.globs.dump());
        auto j = base;
        j["globs"] = c.globs;
        auto r = parse_state(j.dump(), "/s.json");
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().message ==
              std::string("damaged state file '/s.json': ") + c.expect + "; move it away to start afresh");
    }
    auto j = base;
    j["format"] = 3;
    auto newer = parse_state(j.dump(), "/s.json");
    REQUIRE_FALSE(newer.has_value());
    CHECK(newer.error().message == "state file '/s.json' has format 3, newer than this sysknob reads (2); use the "
                                   "sysknob that wrote it, or move it away to start afresh");
    // Fields a later version may add to a glob entry are passed over.
    j = base;
    j["globs"] = {{{"pattern", "net.*.x"}, {"value", "1"}, {"matches", {"a", "b"}}, {"later", {{"x", {1, {2}}}}}}};
    auto later = parse_state(j.dump(), "/s.json");
    REQUIRE(later.has_value());
    CHECK(later->keys.at("net.a.x") == "1");
    CHECK(later->keys.at("net.b.x") == "1");
}

TEST_CASE("the fast reader of the canonical layout agrees with the JSON reader")
{
    // Strings that serialise plainly and strings that need escapes or are
    // not ASCII: the fast reader must read the first and pass on the second.
    const std::vector<std::string> words = {"net.ipv4.conf.eth0/100.rp_filter",
                                            "4096\t131072",
                                            "a\"quote",
                                            "back\\slash",
                                            "caf\xc3\xa9",
                                            "",
                                            "0",
                                            "x y",
                                            "\x7f",
                                            "ctl\x01\x1f\n\r\b\f",
                                            "}",
                                            " },",
                                            "net.core.somaxconn"};
    const std::vector<std::string> patterns = {"net.ipv4.conf.*.rp_filter", "net.ipv6.conf.*.forwarding", "*.x",
                                               "net.a.*"};
    const std::vector<std::string> segments = {"all", "default", "eth0/100", "lo", "ifb1", "ifb10", "ifb2", "x-1"};
    uint64_t seed = 42;
    auto rnd = [&](size_t n) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<size_t>((seed >> 33) % n);
    };
    auto glob_key = [&](const std::string& p) {
        auto star = p.find('*');
        return p.substr(0, star) + segments[rnd(segments.size())] + p.substr(star + 1);
    };
    int fast = 0, with_globs = 0;
    for (int round = 0; round < 400; ++round) {
        State s;
        for (size_t i = rnd(4); i > 0; --i)
            s.profiles.push_back(words[rnd(words.size())]);
        s.priority = static_cast<int>(rnd(100));
        for (size_t i = rnd(6); i > 0; --i)
            s.keys.insert_or_assign(words[rnd(words.size())] + std::to_string(rnd(3)), words[rnd(words.size())]);
        for (size_t i = rnd(6); i > 0; --i)
            s.baseline.insert_or_assign(words[rnd(words.size())], words[rnd(words.size())]);
        for (size_t i = rnd(3); i > 0; --i)
            s.globs.push_back(patterns[rnd(patterns.size())]);
        for (const auto& p : s.globs) {
            for (size_t i = rnd(8); i > 0; --i)
                s.keys.insert_or_assign(glob_key(p), rnd(3) ? "1" : words[rnd(words.size())]);
            for (size_t i = rnd(8); i > 0; --i)
                s.baseline.insert_or_assign(glob_key(p), rnd(2) ? "0" : "2");
        }
        for (size_t i = rnd(3); i > 0; --i)
            s.modules.push_back(words[rnd(words.size())]);
        std::string text = serialize_state(s);
        auto general = detail::parse_state_json(text, "/s.json");
        REQUIRE(general.has_value());
        CHECK(general->keys == s.keys);
        CHECK(general->baseline == s.baseline);
        CHECK(serialize_state(*general) == text);
        if (auto quick = detail::parse_state_canonical(text)) {
            ++fast;
            with_globs += text.find("\"matches\"") != std::string::npos;
            CHECK(*quick == *general);
        }
        // Damaged copies: wherever the fast reader still accepts, it agrees.
        for (int cut = 0; cut < 8; ++cut) {
            std::string bad = text;
            size_t at = rnd(bad.size());
            switch (rnd(4)) {
            case 0: bad.erase(at, 1 + rnd(3)); break;
            case 1: bad.insert(at, 1, "\n\",{}[] 9\\*."[rnd(12)]); break;
            case 2: bad[at] = "\n\",{}[] 9\\*."[rnd(12)]; break;
            default: bad = bad.substr(0, at); break;
            }
            auto quick = detail::parse_state_canonical(bad);
            if (!quick) continue;
            auto slow = detail::parse_state_json(bad, "/s.json");
            CAPTURE(bad);
            REQUIRE(slow.has_value());
            CHECK(*quick == *slow);
        }
    }
    CHECK(fast > 100);       // the layout serialize_state() writes is read by the fast reader
    CHECK(with_globs > 50);  // glob groups included
    // A file written by hand in another layout is still read.
    auto compact =
        parse_state(R"({"profiles":["a"],"priority":5,"keys":{"net.x":"1"},"baseline":{},"modules":[]})", "/s.json");
    REQUIRE(compact.has_value());
    CHECK(compact->keys.at("net.x") == "1");
    CHECK(compact->priority == 5);
}

TEST_CASE("state and snapshot files of format 1 are still read")
{
    // Written by sysknob before globs were grouped (tests/data/state/README.md).
    auto read = [](const char* name) {
        std::ifstream in(std::string(SYSKNOB_TEST_DATA) + "/state/" + name);
        REQUIRE(in.good());
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    auto st = parse_state(read("format1-state.json"), "format1-state.json");
    REQUIRE(st.has_value());
    CHECK(st->profiles == std::vector<std::string>{"globfix"});
    CHECK(st->priority == 90);
    CHECK(st->keys.size() == 16);
    CHECK(st->keys.at("net.ipv4.conf.eth0/100.rp_filter") == "1");
    CHECK(st->keys.at("net.ipv4.tcp_rmem") == "4096 131072 6291456");
    CHECK(st->baseline.size() == 15);
    CHECK(st->baseline.at("net.ipv4.tcp_rmem") == "4096\t131072\t33554432");
    CHECK(st->globs.empty());
    // Written again (with the profile's globs, as apply does) it is format 2,
    // and reads back to the same keys and baseline.
    State again = *st;
    again.globs = {"net.ipv4.conf.*.rp_filter", "net.ipv4.conf.*.log_martians"};
    std::string text = serialize_state(again);
    CHECK(text.find("\"format\": 2") != std::string::npos);
    CHECK(text.find("net.ipv4.conf.ifb1.rp_filter") == std::string::npos);
    auto back = parse_state(text, "again");
    REQUIRE(back.has_value());
    CHECK(back->keys == st->keys);
    CHECK(back->baseline == st->baseline);

    auto snap = parse(read("format1-snapshot.json"), "format1-snapshot.json");
    REQUIRE(snap.has_value());
    CHECK(snap->id == 1);
    CHECK(snap->status == sysknob::snapshot::Status::committed);
    CHECK(snap->keys.size() == 15);
    CHECK(snap->keys.front().key == "net.ipv4.conf.all.log_martians");
    CHECK(snap->files.size() == 2);
}
