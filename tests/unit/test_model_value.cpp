#include <doctest/doctest.h>

#include "model/value.hpp"

using namespace sysknob::model;

TEST_CASE("values render in the kernel's text form with single spaces")
{
    CHECK(Value::of_integer(-5).render() == "-5");
    CHECK(Value::of_vector({4096, 131072, 6291456}).render() == "4096 131072 6291456");
    CHECK(Value::of_string("bbr").render() == "bbr");
    CHECK(Value::of_string("reno  cubic").render() == "reno  cubic");
}

TEST_CASE("live text is normalised to single spaces without the newline")
{
    CHECK(normalize_live("4096\t131072\t6291456\n") == "4096 131072 6291456");
    CHECK(normalize_live("  1 \n") == "1");
}

TEST_CASE("tabs in the live vector equal the desired spaces")
{
    CHECK(live_equals("4096\t131072\t6291456\n", Value::of_vector({4096, 131072, 6291456})));
    CHECK_FALSE(live_equals("4096\t131072\t6291457\n", Value::of_vector({4096, 131072, 6291456})));
    CHECK_FALSE(live_equals("4096\t131072\n", Value::of_vector({4096, 131072, 6291456})));
    CHECK_FALSE(live_equals("4096 131072 6291456 1\n", Value::of_vector({4096, 131072, 6291456})));
}

TEST_CASE("numbers compare as numbers, not as text")
{
    CHECK(live_equals("0010\n", Value::of_integer(10)));
    CHECK(live_equals("-1\n", Value::of_integer(-1)));
    CHECK_FALSE(live_equals("1\n", Value::of_integer(10)));
    CHECK_FALSE(live_equals("ten\n", Value::of_integer(10)));
    CHECK_FALSE(live_equals("", Value::of_integer(0)));
}

TEST_CASE("strings compare exactly after the trailing newline")
{
    CHECK(live_equals("bbr\n", Value::of_string("bbr")));
    CHECK_FALSE(live_equals("BBR\n", Value::of_string("bbr")));
    CHECK_FALSE(live_equals("bbr2\n", Value::of_string("bbr")));
    // A string list printed with the kernel's own separator is the same list.
    CHECK(live_equals("reno\tcubic\n", Value::of_string("reno cubic")));
    CHECK_FALSE(live_equals("cubic reno\n", Value::of_string("reno cubic")));
}
