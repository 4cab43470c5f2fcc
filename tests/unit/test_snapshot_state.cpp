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
    uint64_t seed = 42;
    auto rnd = [&](size_t n) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<size_t>((seed >> 33) % n);
    };
    int fast = 0;
    for (int round = 0; round < 400; ++round) {
        State s;
        for (size_t i = rnd(4); i > 0; --i)
            s.profiles.push_back(words[rnd(words.size())]);
        s.priority = static_cast<int>(rnd(100));
        for (size_t i = rnd(6); i > 0; --i)
            s.keys[words[rnd(words.size())] + std::to_string(rnd(3))] = words[rnd(words.size())];
        for (size_t i = rnd(6); i > 0; --i)
            s.baseline[words[rnd(words.size())]] = words[rnd(words.size())];
        for (size_t i = rnd(3); i > 0; --i)
            s.modules.push_back(words[rnd(words.size())]);
        std::string text = serialize_state(s);
        auto general = detail::parse_state_json(text, "/s.json");
        REQUIRE(general.has_value());
        CHECK(*general == s);
        if (auto quick = detail::parse_state_canonical(text)) {
            ++fast;
            CHECK(*quick == s);
        }
        // Damaged copies: wherever the fast reader still accepts, it agrees.
        for (int cut = 0; cut < 8; ++cut) {
            std::string bad = text;
            size_t at = rnd(bad.size());
            switch (rnd(4)) {
            case 0: bad.erase(at, 1 + rnd(3)); break;
            case 1: bad.insert(at, 1, "\n\",{}[] 9\\"[rnd(10)]); break;
            case 2: bad[at] = "\n\",{}[] 9\\"[rnd(10)]; break;
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
    CHECK(fast > 100);  // the layout serialize_state() writes is read by the fast reader
    // A file written by hand in another layout is still read.
    auto compact =
        parse_state(R"({"profiles":["a"],"priority":5,"keys":{"net.x":"1"},"baseline":{},"modules":[]})", "/s.json");
    REQUIRE(compact.has_value());
    CHECK(compact->keys.at("net.x") == "1");
    CHECK(compact->priority == 5);
}
