#include <doctest/doctest.h>
#include <string>

#include <nlohmann/json.hpp>

#include "snapshot/snapshot.hpp"

using namespace sysknob::snapshot;

namespace {

Snapshot sample()
{
    Snapshot s;
    s.id = 7;
    s.kind = Kind::apply;
    s.status = Status::committed;
    s.created = "2024-05-01T10:00:00Z";
    s.user = "root";
    s.host = "gw1";
    s.kernel = "6.1.0-13-amd64";
    s.profiles = {"base", "nat-gateway"};
    s.profile_content = {{"/usr/share/sysknob/profiles/base.toml", "[sysctl]\nnet.ipv4.tcp_sack = 1\n"}};
    s.keys = {{"net.ipv4.ip_forward", "0"},
              {"net.ipv4.tcp_rmem", "4096\t131072\t6291456"},
              {"net.ipv4.conf.eth0/100.forwarding", "0"}};
    s.files = {{"/etc/sysctl.d/90-sysknob.conf", false, "", 0644},
               {"/etc/modprobe.d/sysknob.conf", true, "options nf_conntrack hashsize=1024\n", 0600}};
    s.undone = true;
    s.undoes = 0;
    return s;
}

std::string with(const std::string& field, const nlohmann::json& value)
{
    auto j = nlohmann::json::parse(serialize(sample()));
    j[field] = value;
    return j.dump();
}

std::string error_of(const std::string& text)
{
    auto r = parse(text, "/var/lib/sysknob/snapshots/7.json");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message.rfind("damaged snapshot '/var/lib/sysknob/snapshots/7.json': ", 0) == 0);
    CHECK(r.error().message.ends_with("; nothing was restored"));
    return r.error().message;
}

}  // namespace

TEST_CASE("a snapshot survives serialisation unchanged")
{
    auto text = serialize(sample());
    auto back = parse(text, "/x/7.json");
    REQUIRE(back.has_value());
    CHECK(back->id == 7);
    CHECK(back->status == Status::committed);
    CHECK(back->created == "2024-05-01T10:00:00Z");
    CHECK(back->profiles == sample().profiles);
    CHECK(back->profile_content == sample().profile_content);
    REQUIRE(back->keys.size() == 3);
    CHECK(back->keys[1].value == "4096\t131072\t6291456");
    CHECK(back->keys[2].key == "net.ipv4.conf.eth0/100.forwarding");
    REQUIRE(back->files.size() == 2);
    CHECK_FALSE(back->files[0].existed);
    CHECK(back->files[1].content == "options nf_conntrack hashsize=1024\n");
    CHECK(back->files[1].mode == 0600);
    CHECK(back->undone);
    // Serialising is deterministic: the same snapshot gives the same bytes.
    CHECK(serialize(*back) == text);
}

TEST_CASE("a truncated snapshot is refused naming the file")
{
    auto text = serialize(sample());
    auto msg = error_of(text.substr(0, text.size() / 2));
    CHECK(msg.find("'/var/lib/sysknob/snapshots/7.json'") != std::string::npos);
    CHECK(msg.find("not valid JSON") != std::string::npos);
    CHECK(msg.find("nothing was restored") != std::string::npos);
    CHECK(error_of("").find("not valid JSON") != std::string::npos);
    CHECK(error_of("[1, 2]").find("not a JSON object") != std::string::npos);
}

TEST_CASE("a snapshot with a field of the wrong type is refused")
{
    CHECK(error_of(with("id", "7")).find("missing or wrong field") != std::string::npos);
    CHECK(error_of(with("keys", nlohmann::json::array({{{"key", "net.x"}, {"value", 1}}}))).find("wrong field") !=
          std::string::npos);
    CHECK(error_of(with("undone", "yes")).find("wrong field") != std::string::npos);
    auto j = nlohmann::json::parse(serialize(sample()));
    j.erase("files");
    CHECK(error_of(j.dump()).find("missing or wrong field") != std::string::npos);
    CHECK(error_of(with("format", 2)).find("unknown format") != std::string::npos);
}

TEST_CASE("a snapshot with a bad id, kind or status is refused")
{
    CHECK(error_of(with("id", 0)).find("bad id") != std::string::npos);
    CHECK(error_of(with("kind", "reboot")).find("bad kind 'reboot'") != std::string::npos);
    CHECK(error_of(with("status", "done")).find("bad status 'done'") != std::string::npos);
}

TEST_CASE("a snapshot that would restore a bad key or path is refused")
{
    auto keys = [](std::string k, std::string v) {
        return with("keys", nlohmann::json::array({{{"key", k}, {"value", v}}}));
    };
    CHECK(error_of(keys("net..x", "1")).find("bad key entry 'net..x'") != std::string::npos);
    CHECK(error_of(keys(".net.x", "1")).find("bad key entry") != std::string::npos);
    CHECK(error_of(keys("", "1")).find("bad key entry") != std::string::npos);
    CHECK(error_of(keys("net.x", "1\nnet.y = 2")).find("bad key entry") != std::string::npos);
    auto file = [](std::string path, unsigned mode) {
        return with("files",
                    nlohmann::json::array({{{"path", path}, {"existed", true}, {"content", ""}, {"mode", mode}}}));
    };
    CHECK(error_of(file("etc/sysctl.d/90-sysknob.conf", 0644)).find("bad file entry") != std::string::npos);
    CHECK(error_of(file("/etc/sysctl.d/../../root/.ssh/authorized_keys", 0644)).find("bad file entry") !=
          std::string::npos);
    CHECK(error_of(file("", 0644)).find("bad file entry") != std::string::npos);
    CHECK(error_of(file("/etc/sysctl.d/90-sysknob.conf", 010000)).find("bad file entry") != std::string::npos);
}

TEST_CASE("restatus gives what serialize gives for the new status, whatever the content holds")
{
    auto s = sample();
    s.status = Status::pending;
    // Text that looks like the status field, inside strings: escaped there.
    s.profile_content.emplace_back("/p/x.toml", "# \"status\": \"pending\"\n[profile]\nname = \"x\"\n");
    s.keys.push_back({"net.ipv4.conf.eth0/100.rp_filter", "\"status\": \"pending\""});
    s.files.push_back({"/etc/sysctl.d/90-sysknob.conf", true, "x = \"status\": \"pending\"\n", 0644});
    auto pending = serialize(s);
    for (auto status : {Status::committed, Status::failed}) {
        CAPTURE(status_name(status));
        auto t = s;
        t.status = status;
        CHECK(restatus(pending, status) == serialize(t));
    }
    auto committed = s;
    committed.status = Status::committed;
    CHECK(restatus(serialize(committed), Status::failed).empty());  // not pending: nothing to change
    CHECK(restatus("", Status::committed).empty());
}

TEST_CASE("take-over entries round-trip in their own versioned section, absent when there are none")
{
    Snapshot s = sample();
    CHECK(nlohmann::json::parse(serialize(s)).contains("entries") == false);
    s.entries = {{"/etc/sysctl.d/10-a.conf", {EntryKind::file, "a = 1\n", 0640, 12, 34}},
                 {"/etc/sysctl.d/99-sysctl.conf", {EntryKind::symlink, "../sysctl.conf", 0644, 0, 0}},
                 {"/var/lib/sysknob/takeover/2026-01-01T000000Z-3/etc/sysctl.d/10-a.conf", {}}};
    auto back = parse(serialize(s), "x.json");
    REQUIRE(back);
    CHECK(back->entries == s.entries);
    CHECK(nlohmann::json::parse(serialize(s))["entries"]["format"] == 1);
}

TEST_CASE("a snapshot whose entries name another path, or a newer entries format, is refused")
{
    for (const char* path : {"/etc/passwd", "/etc/sysctl.d/../shadow.conf", "/etc/sysctl.d/sub/x.conf",
                             "/var/lib/sysknob/takeover/x", "/var/lib/sysknob/takeover/a/../../../etc/x"}) {
        auto j = nlohmann::json::parse(serialize(sample()));
        j["entries"] = {{"format", 1}, {"records", {{{"path", path}, {"kind", "absent"}}}}};
        auto r = parse(j.dump(), "x.json");
        CHECK_MESSAGE(!r, path);
    }
    auto j = nlohmann::json::parse(serialize(sample()));
    j["entries"] = {{"format", 2}, {"records", nlohmann::json::array()}};
    auto r = parse(j.dump(), "x.json");
    REQUIRE(!r);
    CHECK(r.error().message.find("unknown format") != std::string::npos);
}
