#include <doctest/doctest.h>
#include <string>
#include <vector>

#include "model/diagnostic.hpp"
#include "profile/toml_reader.hpp"

using namespace sysknob;
using profile::read_profile_text;

namespace {

const std::string k_path = "/etc/sysknob/profiles/t.toml";

profile::ReadResult read(const std::string& text)
{
    return read_profile_text(text, k_path, "t");
}

std::vector<std::string> ids(const model::Diagnostics& ds)
{
    std::vector<std::string> out;
    for (const auto& d : ds)
        out.push_back(d.id);
    return out;
}

std::string dump(const model::Diagnostics& ds)
{
    std::string out;
    for (const auto& d : ds)
        out += model::render_diagnostic(d);
    return out;
}

// The one diagnostic a bad line produces, and no setting.
const model::Diagnostic& only(const profile::ReadResult& r, const char* id)
{
    INFO(dump(r.diagnostics));
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].id == id);
    return r.diagnostics[0];
}

}  // namespace

TEST_CASE("a profile reads into name, description, extends, settings, modules and ignores")
{
    auto r = read("[profile]\nname = \"gw\"\ndescription = \"a gateway\"\nextends = [\"base\", \"extra\"]\n"
                  "[sysctl]\nnet.ipv4.ip_forward = 1\n"
                  "net.ipv4.tcp_rmem = [4096, 131072, 6291456]\n"
                  "net.ipv4.tcp_congestion_control = \"bbr\"\n"
                  "net.ipv4.tcp_fastopen = { value = 3, optional = true, comment = \"TFO\" }\n"
                  "[modules.nf_conntrack]\nhashsize = \"auto\"\nload = true\nexpect_hashsize = 1024\n"
                  "[lint]\nignore = [\"SK3006\"]\n");
    INFO(dump(r.diagnostics));
    REQUIRE(r.diagnostics.empty());
    const auto& p = r.profile;
    CHECK(p.name == "gw");
    CHECK(p.description == "a gateway");
    CHECK(p.path == k_path);
    CHECK(p.extends == std::vector<std::string>{"base", "extra"});
    REQUIRE(p.settings.size() == 4);
    CHECK(p.settings[0].key == "net.ipv4.ip_forward");
    CHECK(p.settings[0].value == model::Value::of_integer(1));
    CHECK(p.settings[0].where.line == 6);
    CHECK(p.settings[1].value == model::Value::of_vector({4096, 131072, 6291456}));
    CHECK(p.settings[2].value == model::Value::of_string("bbr"));
    CHECK(p.settings[3].optional);
    CHECK(p.settings[3].comment == "TFO");
    CHECK(p.settings[3].value == model::Value::of_integer(3));
    REQUIRE(p.modules.size() == 1);
    CHECK(p.modules[0].name == "nf_conntrack");
    CHECK(p.modules[0].load);
    REQUIRE(p.modules[0].params.size() == 2);
    for (const auto& param : p.modules[0].params) {
        CAPTURE(param.name);
        CHECK(param.value == (param.name == "hashsize" ? "auto" : "1024"));
    }
    CHECK(p.ignore == std::vector<std::string>{"SK3006"});
}

TEST_CASE("a profile without a name takes the file stem")
{
    auto r = read("[sysctl]\nnet.core.somaxconn = 1024\n");
    CHECK(r.profile.name == "t");
}

TEST_CASE("a quoted interface segment with a dot becomes one canonical segment")
{
    auto r = read("[sysctl]\nnet.ipv4.conf.\"eth0.100\".forwarding = 1\nnet.ipv4.conf.\"*\".rp_filter = 2\n");
    INFO(dump(r.diagnostics));
    REQUIRE(r.diagnostics.empty());
    REQUIRE(r.profile.settings.size() == 2);
    CHECK(r.profile.settings[0].key == "net.ipv4.conf.eth0/100.forwarding");
    CHECK(r.profile.settings[1].key == "net.ipv4.conf.*.rp_filter");
}

TEST_CASE("nested sysctl tables give the same keys as dotted ones")
{
    auto r = read("[sysctl.net.ipv4]\ntcp_sack = 1\n[sysctl.net.ipv4.conf.\"eth0.100\"]\nforwarding = 1\n");
    INFO(dump(r.diagnostics));
    REQUIRE(r.diagnostics.empty());
    REQUIRE(r.profile.settings.size() == 2);
    CHECK(r.profile.settings[0].key == "net.ipv4.tcp_sack");
    CHECK(r.profile.settings[0].where.line == 2);
    CHECK(r.profile.settings[1].key == "net.ipv4.conf.eth0/100.forwarding");
}

TEST_CASE("a syntax error reports SK0001 with line and column")
{
    auto r = read("[sysctl]\nnet.ipv4.ip_forward = 1\nnet.core.somaxconn = = 2\n");
    const auto& d = only(r, "SK0001");
    CHECK(d.where.file == k_path);
    CHECK(d.where.line == 3);
    CHECK(d.where.column > 1);
    CHECK(model::render_diagnostic(d).rfind(k_path + ":3:" + std::to_string(d.where.column) + ": error[SK0001]: ", 0) ==
          0);
    CHECK(r.profile.settings.empty());
}

TEST_CASE("text that is not UTF-8 is refused before parsing")
{
    auto r = read(std::string("[profile]\ndescription = \"caf\xe9\"\n"));
    const auto& d = only(r, "SK0002");
    CHECK(d.message == "'" + k_path + "' is not UTF-8 text");
    const char raw[] = "[profile]\ndescription = \"a\0b\"\n";
    auto nul = read(std::string(raw, sizeof raw - 1));
    CHECK(ids(nul.diagnostics) == std::vector<std::string>{"SK0002"});
}

TEST_CASE("an unknown section is refused with its name")
{
    auto r = read("[sysctl]\nnet.core.somaxconn = 1\n[sysctls]\nnet.core.somaxconn = 2\n");
    const auto& d = only(r, "SK0003");
    CHECK(d.message == "unknown section 'sysctls'");
    CHECK(d.where.line == 3);
}

TEST_CASE("a section that is not a table is refused")
{
    auto r = read("sysctl = 1\n");
    CHECK(only(r, "SK0003").message == "'sysctl' must be a table");
}

TEST_CASE("misspelt fields are refused instead of ignored")
{
    auto a = read("[sysctl]\nnet.core.somaxconn = { valeu = 1024, value = 1 }\n");
    CHECK(only(a, "SK0004").message == "unknown field 'valeu' for 'net.core.somaxconn'");
    auto b = read("[profile]\nnmae = \"x\"\n");
    CHECK(only(b, "SK0004").message == "unknown field 'nmae' in [profile]");
    auto c = read("[lint]\nignored = [\"SK3006\"]\n");
    CHECK(only(c, "SK0004").message == "unknown field 'ignored' in [lint]");
}

TEST_CASE("keys that are not plain sysctl names are refused")
{
    struct T {
        const char* toml;
        const char* key;
    };
    for (auto [toml, key] : {
             T{"net.ipv4.conf.\"\".rp_filter = 1", "net.ipv4.conf..rp_filter"},  // empty segment
             T{"\"\".net.core.somaxconn = 1", ".net.core.somaxconn"},            // leading dot
             T{"net.core.\"\" = 1", "net.core."},                                // trailing dot
             T{"net.\"..\".x = 1", "net.//.x"},                                  // ".." as a segment
             T{"net.\"/etc\".x = 1", "net./etc.x"},                              // leading '/'
             T{"net.\"a/\".x = 1", "net.a/.x"},                                  // trailing '/'
             T{"net.\"a//b\".x = 1", "net.a//b.x"},                              // '//'
             T{"net.\"eth0/../../kernel\".x = 1", "net.eth0///////kernel.x"},    // traversal
             T{"net.\"a b\".x = 1", "net.a b.x"},                                // blank
             T{"net.\"a=b\".x = 1", "net.a=b.x"},                                // '='
             T{"net.\"eth*\".x = 1", "net.eth*.x"},                              // partial glob
             T{"net.\"-x\".y = 1", "net.-x.y"},                                  // option-like
             T{"net.\"a\\u0001b\".x = 1", "net.a?b.x"},                          // control character
         }) {
        CAPTURE(toml);
        auto r = read("[sysctl]\n" + std::string(toml) + "\n");
        const auto& d = only(r, "SK0005");
        CHECK(d.key == key);
        CHECK(d.where.line == 2);
        CHECK(d.message.rfind("'" + std::string(key) + "' is not a plain sysctl name: ", 0) == 0);
        CHECK(r.profile.settings.empty());
    }
}

TEST_CASE("a NUL byte in a quoted key or a value is refused and not shown raw")
{
    auto r = read("[sysctl]\nnet.\"a\\u0000b\".x = 1\n");
    const auto& d = only(r, "SK0005");
    CHECK(d.key == "net.a?b.x");
    CHECK(d.message == "'net.a?b.x' is not a plain sysctl name: key contains a NUL byte");
    CHECK(r.profile.settings.empty());
    auto v = read("[sysctl]\nnet.ipv4.tcp_congestion_control = \"a\\u0000b\"\n");
    CHECK(only(v, "SK0006").message == "value of 'net.ipv4.tcp_congestion_control' contains a NUL byte");
}

TEST_CASE("a value or comment with a line break is refused as unsafe")
{
    auto v = read("[sysctl]\nnet.ipv4.tcp_congestion_control = \"bbr\\nkernel.modprobe = /tmp/x\"\n");
    const auto& d = only(v, "SK0006");
    CHECK(d.key == "net.ipv4.tcp_congestion_control");
    CHECK(d.message == "value of 'net.ipv4.tcp_congestion_control' contains a line break");
    CHECK(v.profile.settings.empty());

    auto c = read("[sysctl]\nnet.core.somaxconn = { value = 1, comment = \"a\\rb\" }\n");
    CHECK(only(c, "SK0006").message == "comment 'comment' contains a line break");

    auto desc = read("[profile]\ndescription = \"x\\u007f\"\n");
    CHECK(only(desc, "SK0006").message == "[profile] 'description' contains a control character");

    auto blank = read("[sysctl]\nnet.ipv4.tcp_congestion_control = \" bbr\"\n");
    CHECK(only(blank, "SK0006").message.find("leading or trailing blanks") != std::string::npos);
}

TEST_CASE("values of a type sysctl cannot hold are refused with a hint")
{
    struct T {
        const char* value;
        const char* hint;
    };
    for (auto [value, hint] : {T{"true", "sysctl booleans are integers: write 1 or 0"},
                               T{"1.5", "sysctl has no fractions: write an integer"},
                               T{"1979-05-27", "use an integer, a string or an array of integers"}}) {
        CAPTURE(value);
        auto r = read("[sysctl]\nnet.ipv4.ip_forward = " + std::string(value) + "\n");
        const auto& d = only(r, "SK0007");
        CHECK(d.key == "net.ipv4.ip_forward");
        CHECK(d.hint == hint);
    }
    auto mixed = read("[sysctl]\nnet.ipv4.tcp_rmem = [4096, \"131072\", 6291456]\n");
    CHECK(only(mixed, "SK0007").message == "vector value of 'net.ipv4.tcp_rmem' must hold integers only");
    auto empty = read("[sysctl]\nnet.ipv4.tcp_rmem = []\n");
    CHECK(only(empty, "SK0007").message == "empty array for 'net.ipv4.tcp_rmem'");
    auto opt = read("[sysctl]\nnet.ipv4.tcp_fastopen = { value = 3, optional = \"yes\" }\n");
    CHECK(only(opt, "SK0007").message == "'optional' of 'net.ipv4.tcp_fastopen' must be true or false");
}

TEST_CASE("settings keep the order in which the file lists them")
{
    auto r = read("[sysctl]\nnet.ipv4.tcp_sack = 1\nnet.core.somaxconn = 1024\nnet.ipv4.ip_forward = 1\n");
    REQUIRE(r.profile.settings.size() == 3);
    CHECK(r.profile.settings[0].key == "net.ipv4.tcp_sack");
    CHECK(r.profile.settings[1].key == "net.core.somaxconn");
    CHECK(r.profile.settings[2].key == "net.ipv4.ip_forward");
}

TEST_CASE("a setting table without a value is refused under its own key")
{
    auto r = read("[sysctl]\nnet.ipv4.tcp_fastopen = { comment = \"forgot the value\", optional = true }\n");
    const auto& d = only(r, "SK0007");
    CHECK(d.key == "net.ipv4.tcp_fastopen");
    CHECK(d.message == "'net.ipv4.tcp_fastopen' has no 'value'");
    CHECK(d.hint == "a setting table needs 'value'");
    CHECK(d.where.line == 2);
}

TEST_CASE("bad lint ignore entries are refused")
{
    CHECK(only(read("[lint]\nignore = [\"SK9999\"]\n"), "SK0009").message == "'SK9999' is not a rule id");
    CHECK(only(read("[lint]\nignore = \"SK3006\"\n"), "SK0009").message == "ignore must be an array of rule ids");
    CHECK(only(read("[lint]\nignore = [\"SK0001\"]\n"), "SK0009").message == "rule SK0001 cannot be ignored");
}

TEST_CASE("module sections and parameters must be plain words")
{
    CHECK(only(read("[modules.nf_conntrack]\nhashsize = \"1;reboot\"\n"), "SK0010").message ==
          "value of module parameter 'hashsize' is not a plain word");
    CHECK(only(read("[modules.\"nf conntrack\"]\nload = true\n"), "SK0010").message.find("plain module name") !=
          std::string::npos);
    CHECK(only(read("[modules.nf_conntrack]\nload = \"yes\"\n"), "SK0010").message == "'load' of [modules.nf_conntrack] must be true or false");
    CHECK(only(read("[modules.nf_conntrack]\n\"hash-size\" = 1\n"), "SK0010").message ==
          "module parameter 'hash-size' is not a plain name");
    CHECK(only(read("[modules]\nnf_conntrack = 1\n"), "SK0010").where.line == 2);
}

TEST_CASE("a bad profile name or extends entry is refused")
{
    CHECK(only(read("[profile]\nname = \"../etc\"\n"), "SK0003").message ==
          "profile name '../etc' is not a plain name");
    CHECK(only(read("[profile]\nextends = 3\n"), "SK0003").message == "extends must be a name or an array of names");
}
