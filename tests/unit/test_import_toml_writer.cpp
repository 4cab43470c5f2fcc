// The writer's text is what the profile reader reads back to the same
// settings: keys with dotted interface names and globs, every value kind,
// comments with quotes and backslashes, optional keys.
#include <doctest/doctest.h>

#include "import/assemble.hpp"
#include "import/toml_writer.hpp"
#include "profile/toml_reader.hpp"

using namespace sysknob;
using import::ImportedSetting;

namespace {

import::Imported sample(){import::Imported in;
in.files = {"/etc/sysctl.d/10-a.conf"};
auto add = [&](std::string key, model::Value v, std::string comment, bool optional) {
    in.settings.push_back(ImportedSetting{std::move(key), std::move(v), std::move(comment), optional,
                                          "/etc/sysctl.d/10-a.conf", static_cast<int>(in.settings.size() + 1)});
};
add("net.ipv4.ip_forward", model::Value::of_integer(1), "", false);
add("net.ipv4.conf.eth0/100.rp_filter", model::Value::of_integer(2), "VLAN \"100\" is asymmetric", false);
add("net.ipv4.conf.*.accept_redirects", model::Value::of_integer(0), "", true);
add("net.ipv4.tcp_rmem", model::Value::of_vector({4096, 87380, 6291456}), "a\\b", false);
add("kernel.core_pattern", model::Value::of_string("|/usr/lib/systemd/systemd-coredump %P %u"), "", false);
add("fs.aio-max-nr", model::Value::of_integer(-1), "", true);
return in;
}  // namespace

}  // namespace

TEST_CASE("profile keys quote segments that are not bare TOML keys")
{
    CHECK(import::toml_key("net.ipv4.ip_forward") == "net.ipv4.ip_forward");
    CHECK(import::toml_key("net.ipv4.conf.eth0/100.rp_filter") == "net.ipv4.conf.\"eth0.100\".rp_filter");
    CHECK(import::toml_key("net.ipv4.conf.*.rp_filter") == "net.ipv4.conf.\"*\".rp_filter");
    CHECK(import::toml_key("fs.aio-max-nr") == "fs.aio-max-nr");
    CHECK(import::toml_string("a\"b\\c\td") == "\"a\\\"b\\\\c\\td\"");
}

TEST_CASE("an imported profile reads back to the same settings")
{
    auto in = sample();
    std::string text = import::write_profile(in, "adopted", "from a test");
    auto read = profile::read_profile_text(text, "adopted.toml", "x");
    INFO(text);
    REQUIRE(read.diagnostics.empty());
    CHECK(read.profile.name == "adopted");
    CHECK(read.profile.description == "from a test");
    REQUIRE(read.profile.settings.size() == in.settings.size());
    for (size_t i = 0; i < in.settings.size(); ++i) {
        const auto& want = in.settings[i];
        const auto& got = read.profile.settings[i];
        CHECK(got.key == want.key);
        CHECK(got.value == want.value);
        CHECK(got.comment == want.comment);
        CHECK(got.optional == want.optional);
    }
}

TEST_CASE("each key names its origin and its findings in comments above it")
{
    auto in = sample();
    in.findings.push_back(import::Finding{import::FindingKind::conflict, "net.ipv4.ip_forward", "/etc/sysctl.conf", 7,
                                          "'net.ipv4.ip_forward' = '0' is overridden"});
    in.findings.push_back(import::Finding{import::FindingKind::not_imported, "net.ipv4.conf.eth*.rp_filter",
                                          "/etc/sysctl.conf", 9, "partial glob"});
    std::string text = import::write_profile(in, "adopted", "d");
    CHECK(text.find("# /etc/sysctl.d/10-a.conf:1\n# decide: conflict between files: 'net.ipv4.ip_forward' = '0' is "
                    "overridden\nnet.ipv4.ip_forward = 1\n") != std::string::npos);
    CHECK(text.find("# decide: /etc/sysctl.conf:9: partial glob\n") != std::string::npos);
    CHECK(profile::read_profile_text(text, "p.toml", "p").diagnostics.empty());
}

TEST_CASE("comments and paths with control characters or broken UTF-8 stay readable")
{
    import::Imported in;
    in.files = {"/tmp/odd\nname.conf"};
    in.settings.push_back(ImportedSetting{"net.ipv4.ip_forward", model::Value::of_integer(1),
                                          import::printable_text("caf\xc3\xa9 \xff\x01 end"), false,
                                          "/tmp/odd\nname.conf", 3});
    std::string text = import::write_profile(in, "p", "d");
    auto read = profile::read_profile_text(text, "p.toml", "p");
    INFO(text);
    REQUIRE(read.diagnostics.empty());
    REQUIRE(read.profile.settings.size() == 1);
    CHECK(read.profile.settings[0].comment == "caf\xc3\xa9 ?? end");
}

TEST_CASE("tuned modules become [modules.NAME] sections with load = true")
{
    import::Imported in;
    in.modules.push_back(
        import::ImportedModule{"cpufreq_conservative", {{"freq_step", "10"}, {"mode", "a,b"}}, "t", 4});
    auto read = profile::read_profile_text(import::write_profile(in, "p", "d"), "p.toml", "p");
    REQUIRE(read.diagnostics.empty());
    REQUIRE(read.profile.modules.size() == 1);
    CHECK(read.profile.modules[0].load);
    REQUIRE(read.profile.modules[0].params.size() == 2);
    CHECK(read.profile.modules[0].params[0].value == "10");
    CHECK(read.profile.modules[0].params[1].value == "a,b");
}
