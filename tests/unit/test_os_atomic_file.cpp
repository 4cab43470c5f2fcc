// os::write_file_atomic on a scratch directory: it replaces regular files
// only. A rename over a device node, FIFO or directory would put a regular
// file in its place (doctor --output /dev/full, run as root, did).
#include <doctest/doctest.h>
#include <string>
#include <sys/stat.h>

#include "os/atomic_file.hpp"
#include "support/scratch_dir.hpp"

using namespace sysknob;

TEST_CASE("write_file_atomic refuses to replace what is not a regular file")
{
    test::ScratchDir dir;
    const std::string fifo = (dir.path / "fifo").string();
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    auto r = os::write_file_atomic(fifo, "x\n", 0644);
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("is not a regular file") != std::string::npos);
    struct stat st {};
    REQUIRE(::lstat(fifo.c_str(), &st) == 0);
    CHECK(S_ISFIFO(st.st_mode));

    const std::string sub = (dir.path / "sub").string();
    dir.write("sub/inner", "keep\n");
    auto d = os::write_file_atomic(sub, "x\n", 0644);
    REQUIRE_FALSE(d);
    CHECK(d.error().message.find("is not a regular file") != std::string::npos);
    CHECK(dir.read("sub/inner") == "keep\n");

    // A regular file is replaced, as before.
    dir.write("plain", "old\n");
    REQUIRE(os::write_file_atomic((dir.path / "plain").string(), "new\n", 0644));
    CHECK(dir.read("plain") == "new\n");
}
