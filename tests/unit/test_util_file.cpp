#include <doctest/doctest.h>
#include <string>
#include <sys/stat.h>

#include "support/scratch_dir.hpp"
#include "util/file.hpp"

using namespace sysknob;

TEST_CASE("read_file reads a /proc file, whose size says 0, to its end")
{
    struct stat st {};
    REQUIRE(::stat("/proc/self/status", &st) == 0);
    REQUIRE(st.st_size == 0);
    auto text = util::read_file("/proc/self/status", 1u << 20);
    REQUIRE(text);
    CHECK(text->starts_with("Name:"));
    CHECK(text->find("\nPid:") != std::string::npos);
    // Bounded all the same.
    auto small = util::read_file("/proc/self/status", 16);
    REQUIRE_FALSE(small);
    CHECK(small.error().code == EFBIG);
    CHECK(small.error().message.find("more than the 16 bytes allowed") != std::string::npos);
}

TEST_CASE("read_file reads a regular file by its size and refuses a larger one")
{
    test::ScratchDir dir;
    dir.write("a", "hello\n");
    dir.write("empty", "");
    auto a = util::read_file((dir.path / "a").string(), 64);
    REQUIRE(a);
    CHECK(*a == "hello\n");
    auto e = util::read_file((dir.path / "empty").string(), 64);
    REQUIRE(e);
    CHECK(e->empty());
    auto big = util::read_file((dir.path / "a").string(), 3);
    REQUIRE_FALSE(big);
    CHECK(big.error().message.find("file is 6 bytes, more than the 3 bytes allowed") != std::string::npos);
}
