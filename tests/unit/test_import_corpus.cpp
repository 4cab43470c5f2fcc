// Every real-world file of tests/data/corpus/sysctl.d imports: the written
// profile reads back without a diagnostic, and every key boot would set from
// the file is in it with the value boot writes, or is reported.
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "boot/boot_model.hpp"
#include "import/sysctl_files.hpp"
#include "import/toml_writer.hpp"
#include "profile/toml_reader.hpp"

using namespace sysknob;
namespace fs = std::filesystem;

TEST_CASE("every corpus file imports into a profile that reads back with boot's values")
{
    const fs::path corpus = fs::path(SYSKNOB_TEST_DATA) / "corpus" / "sysctl.d";
    REQUIRE(fs::is_directory(corpus));
    size_t files = 0, keys = 0;
    for (const auto& entry : fs::directory_iterator(corpus)) {
        ++files;
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        std::string name = entry.path().filename().string();
        auto imported = import::import_sysctl_files({import::SourceFile{name, ss.str()}});
        std::string text = import::write_profile(imported, "corpus", "d");
        auto read = profile::read_profile_text(text, name + ".toml", "corpus");
        INFO(name);
        CHECK(read.diagnostics.empty());
        CHECK(read.profile.settings.size() == imported.settings.size());

        std::set<std::string> reported;
        for (const auto& f : imported.findings)
            if (f.kind == import::FindingKind::not_imported) reported.insert(f.key);
        std::map<std::string, std::string> got;
        for (const auto& s : read.profile.settings)
            got[s.key] = s.value.render();
        auto model = boot::build_boot_model({boot::ConfigFile{"/etc/sysctl.d", "x.conf", ss.str(), false}});
        for (const auto& a : model.table) {
            if (a.is_exclusion || reported.count(a.key)) continue;
            INFO(a.key);
            REQUIRE(got.count(a.key) == 1);
            CHECK(got[a.key] == model::normalize_live(a.value));
            ++keys;
        }
    }
    CHECK(files == 30);  // the files tests/data/corpus/SOURCES.md lists (test_boot_corpus checks the list)
    MESSAGE(files << " corpus files, " << keys << " keys compared");
}
