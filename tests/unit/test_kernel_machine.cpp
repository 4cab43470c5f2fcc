#include <doctest/doctest.h>

#include "kernel/machine.hpp"

using namespace sysknob;

TEST_CASE("meminfo gives memory, swap, committed memory and the huge page size in bytes")
{
    kernel::Machine m;
    kernel::parse_meminfo("MemTotal:       16384000 kB\nMemFree:  100 kB\nSwapTotal:             0 kB\n"
                          "Committed_AS:    2048 kB\nHugepagesize:       2048 kB\n",
                          m);
    CHECK(m.mem_total_bytes == 16384000ull * 1024);
    CHECK(m.swap_total_bytes == 0u);
    CHECK(m.committed_as_bytes == 2048ull * 1024);
    CHECK(m.hugepage_bytes == 2048ull * 1024);
}

TEST_CASE("a field that is missing or garbled stays unknown instead of becoming zero")
{
    kernel::Machine m;
    kernel::parse_meminfo("SwapTotal: lots kB\nXMemTotal: 5 kB\n", m);
    CHECK_FALSE(m.mem_total_bytes.has_value());
    CHECK_FALSE(m.swap_total_bytes.has_value());
}

TEST_CASE("file-nr gives the allocated handles")
{
    CHECK(kernel::parse_file_nr("5216\t0\t9223372036854775807\n") == 5216);
    CHECK_FALSE(kernel::parse_file_nr("").has_value());
}

TEST_CASE("sizes take K, M, G and T suffixes and refuse anything else")
{
    CHECK(kernel::parse_size("4G") == 4ull << 30);
    CHECK(kernel::parse_size("512m") == 512ull << 20);
    CHECK(kernel::parse_size("1048576") == 1048576u);
    CHECK_FALSE(kernel::parse_size("").has_value());
    CHECK_FALSE(kernel::parse_size("4GB").has_value());
    CHECK_FALSE(kernel::parse_size("-1G").has_value());
    CHECK_FALSE(kernel::parse_size("99999999999999T").has_value());
}
