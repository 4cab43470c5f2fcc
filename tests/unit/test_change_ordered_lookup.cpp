// OrderedLookup (prepare's cursor over the old baseline) against
// std::map::find: the same answer for keys in order, out of order, absent,
// and in several sorted runs (the write ranks).
#include <algorithm>
#include <doctest/doctest.h>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "change/ordered_lookup.hpp"

using namespace sysknob;

TEST_CASE("OrderedLookup finds what std::map::find finds, in any order")
{
    std::map<std::string, std::string> m;
    std::vector<std::string> keys;
    for (int i = 0; i < 300; ++i) {
        std::string k = "net.ipv4.conf.veth" + std::to_string(1000 + i) + ".rp_filter";
        keys.push_back(k);
        if (i % 3 != 1) m.emplace(k, std::to_string(i));  // every third key absent
    }
    keys.push_back("a.first");
    keys.push_back("z.last");
    std::mt19937 rng(18);
    for (int round = 0; round < 6; ++round) {
        std::vector<std::string> order = keys;
        if (round == 1) std::sort(order.begin(), order.end());
        if (round == 2) std::sort(order.rbegin(), order.rend());
        if (round >= 3) std::shuffle(order.begin(), order.end(), rng);
        if (round == 5) {
            // Sorted runs, each starting over (write ranks).
            std::sort(order.begin(), order.begin() + 100);
            std::sort(order.begin() + 100, order.end());
        }
        change::OrderedLookup lookup(m);
        for (const auto& k : order) {
            CAPTURE(k);
            CHECK(lookup.find(k) == m.find(k));
        }
        lookup.rewind();
        for (const auto& k : order)
            CHECK(lookup.find(k) == m.find(k));
    }
}
