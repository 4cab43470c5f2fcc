// Every real-world sysctl.d file of the shared corpus parses without crashing
// and yields well-formed assignments. The corpus lives beside the repository
// (../shared/corpus/sysctl.d); CI clones it there, so its absence is a failure
// under CI=true and a skip elsewhere.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "boot/boot_model.hpp"

using namespace sysknob::boot;
namespace fs = std::filesystem;

namespace {

std::string read_all(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool first_separator_is_dot(const std::string& key)
{
    size_t i = key.find_first_of("./");
    return i == std::string::npos || key[i] == '.';
}

}  // namespace

TEST_CASE("every corpus sysctl.d file parses into well-formed assignments")
{
    const fs::path corpus = fs::path(SYSKNOB_SOURCE_DIR) / ".." / "shared" / "corpus" / "sysctl.d";
    std::error_code ec;
    if (!fs::is_directory(corpus, ec)) {
        const char* ci = std::getenv("CI");
        if (ci != nullptr && std::string(ci) == "true") FAIL("corpus directory missing: " << corpus.string());
        MESSAGE("skipping: corpus directory missing: " << corpus.string());
        return;
    }

    std::vector<ConfigFile> all;
    size_t files = 0;
    size_t assignments = 0;
    for (const auto& entry : fs::directory_iterator(corpus)) {
        if (!entry.is_regular_file()) continue;
        ++files;
        std::string name = entry.path().filename().string();
        std::string content = read_all(entry.path());
        ParsedFile parsed = parse_sysctl_d(content, name);
        if (!parsed.issues.empty()) {
            MESSAGE(name << ": " << parsed.issues.size() << " issue(s), first at line " << parsed.issues[0].line
                         << ": " << parsed.issues[0].message);
        }
        for (const auto& a : parsed.assignments) {
            INFO(name << ":" << a.line << " key '" << a.key << "'");
            CHECK_FALSE(a.key.empty());
            CHECK(a.line > 0);
            CHECK(a.file == name);
            CHECK(a.value.find('\n') == std::string::npos);
            // Whitespace is stripped from both ends.
            if (!a.value.empty()) {
                CHECK(a.value.front() != ' ');
                CHECK(a.value.back() != ' ');
            }
            if (first_separator_is_dot(a.key)) CHECK(normalize_key(a.key) == a.key);
        }
        assignments += parsed.assignments.size();
        // Keep the names unique so no corpus file masks another.
        all.push_back(ConfigFile{"/etc/sysctl.d", name + ".conf", content, false});
    }
    CHECK(files > 0);
    CHECK(assignments > 0);

    // The whole corpus as one tree: each key of the table is one the history
    // holds, and its last differing assignment is the table's entry.
    BootResult r = build_boot_model(all);
    CHECK(r.files.size() == files);
    for (const auto& entry : r.table) {
        auto it = r.history.find(entry.key);
        REQUIRE(it != r.history.end());
        CHECK(it->second.back().is_exclusion == entry.is_exclusion);
        CHECK(it->second.back().value == entry.value);
    }
}
