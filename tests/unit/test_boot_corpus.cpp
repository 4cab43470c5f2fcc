// Every real-world sysctl.d file of the corpus (tests/data/corpus/sysctl.d,
// sources and licences in tests/data/corpus/SOURCES.md) parses without
// crashing and yields well-formed assignments. The corpus is part of the
// repository: a missing directory or a near-empty one is a failure.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
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

const fs::path k_corpus_dir = fs::path(SYSKNOB_TEST_DATA) / "corpus";

// The file names of SOURCES.md's table of copied files ("| `name` | ...").
std::set<std::string> listed_in_sources()
{
    std::istringstream in(read_all(k_corpus_dir / "SOURCES.md"));
    std::set<std::string> names;
    bool in_table = false;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("## ", 0) == 0) in_table = line == "## Files, sources and licences";
        if (!in_table || line.rfind("| `", 0) != 0) continue;
        size_t end = line.find('`', 3);
        if (end != std::string::npos) names.insert(line.substr(3, end - 3));
    }
    return names;
}

}  // namespace

TEST_CASE("the corpus holds exactly the files SOURCES.md lists with their sources and licences")
{
    std::set<std::string> listed = listed_in_sources();
    REQUIRE_MESSAGE(!listed.empty(), "no file listed in " << (k_corpus_dir / "SOURCES.md").string());
    std::set<std::string> present;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(k_corpus_dir / "sysctl.d", ec))
        present.insert(entry.path().filename().string());
    REQUIRE_MESSAGE(!ec, "cannot list " << (k_corpus_dir / "sysctl.d").string() << ": " << ec.message());
    CHECK(listed == present);
}

TEST_CASE("every corpus sysctl.d file parses into well-formed assignments")
{
    const fs::path corpus = k_corpus_dir / "sysctl.d";
    std::error_code ec;
    REQUIRE_MESSAGE(fs::is_directory(corpus, ec), "corpus directory missing: " << corpus.string());

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
    CHECK(files == listed_in_sources().size());
    CHECK(assignments > 300);

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
