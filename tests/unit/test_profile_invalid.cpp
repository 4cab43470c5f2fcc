#include <algorithm>
#include <doctest/doctest.h>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "change/load.hpp"
#include "kernel/target.hpp"
#include "support/fake_env.hpp"
#include "util/file.hpp"

using namespace sysknob;

// Each tests/data/profiles/invalid/*.toml names what `sysknob lint` must
// report for it in leading comments:
//   # kernel: 5.4          the offline target (default 6.1)
//   # expect: SK0007 6     a diagnostic with this id on this line (one or more)
TEST_CASE("every invalid profile in the test data fails lint with the diagnostics it names")
{
    const std::string dir = SYSKNOB_TEST_DATA "/profiles/invalid";
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.path().extension() == ".toml") files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    CHECK(files.size() >= 8);
    for (const auto& path : files) {
        CAPTURE(path);
        auto text = util::read_file(path, 1u << 20);
        REQUIRE(text.has_value());
        std::string release = "6.1";
        std::vector<std::pair<std::string, int>> expected;
        std::istringstream in(*text);
        for (std::string line; std::getline(in, line) && line.rfind("#", 0) == 0;) {
            std::istringstream words(line.substr(1));
            std::string tag;
            words >> tag;
            if (tag == "kernel:") words >> release;
            if (tag == "expect:") {
                std::string id;
                int at = 0;
                words >> id >> at;
                expected.emplace_back(id, at);
            }
        }
        REQUIRE_FALSE(expected.empty());

        // What every command runs (change::load_and_lint), offline.
        kernel::Target t;
        t.release = release;
        t.live = false;
        test::FakeMachineProbe machine;
        auto ds = change::load_and_lint({path}, {dir}, t, machine, /*strict=*/false).diagnostics;
        std::string got;
        for (const auto& d : ds)
            got += model::render_diagnostic(d);
        INFO(got);
        CHECK(model::has_errors(ds));
        for (const auto& [id, at] : expected) {
            CAPTURE(id);
            CAPTURE(at);
            CHECK(std::any_of(ds.begin(), ds.end(),
                              [&](const model::Diagnostic& d) { return d.id == id && d.where.line == at; }));
        }
    }
}
