#pragma once
// A temporary directory for unit tests that touch files, removed at the end:
// a scratch root for the sysctl.d reader, a stand-in for /proc/sys.
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>

namespace sysknob::test {

struct ScratchDir {
    std::filesystem::path path;
    explicit ScratchDir(const std::string& prefix = "sysknob-test")
    {
        std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + ".XXXXXX")).string();
        REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~ScratchDir()
    {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    void write(const std::string& rel, const std::string& content) const
    {
        std::filesystem::create_directories((path / rel).parent_path());
        std::ofstream(path / rel, std::ios::binary) << content;
    }
    void link(const std::string& target, const std::string& rel) const
    {
        std::filesystem::create_directories((path / rel).parent_path());
        std::filesystem::create_symlink(target, path / rel);
    }
    std::string read(const std::string& rel) const
    {
        std::ifstream in(path / rel, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
};

}  // namespace sysknob::test
