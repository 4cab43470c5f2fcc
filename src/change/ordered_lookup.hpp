#pragma once
// Look-ups in a sorted map (std::map, util::StringMap) by keys that mostly come in the map's own order:
// the plan's items are in key order within each write rank, the old
// baseline is a map by key. A cursor that steps forward answers those in
// amortised O(1); any other key falls back to find(). The one fast path
// prepare keeps: with a glob over 10,000 interfaces find() cost about
// 650 ns a key against about 80 for the cursor (a standalone measure of
// the two over keys "net.ipv4.conf.vethNNNNN.rp_filter", -O2). The unit
// test holds it to find() for any order of keys.
#include <map>
#include <string>

namespace sysknob::change {

template <typename Map> class OrderedLookup {
  public:
    explicit OrderedLookup(const Map& map) : m_map(map), m_cursor(map.begin()) {}

    // map.find(key), the same result.
    template <typename Key> typename Map::const_iterator find(const Key& key)
    {
        // A few steps forward cover the keys of ours that the map lacks
        // between two it has; a longer way (a new write rank starts back at
        // the beginning) is a find(), which also moves the cursor there.
        for (int step = 0; step < k_max_steps && m_cursor != m_map.end() && m_cursor->first < key; ++step)
            ++m_cursor;
        if (m_cursor != m_map.end() && m_cursor->first == key) return m_cursor;
        auto it = m_map.find(key);
        if (it != m_map.end()) m_cursor = it;
        return it;
    }
    void rewind() { m_cursor = m_map.begin(); }

  private:
    static constexpr int k_max_steps = 4;
    const Map& m_map;
    typename Map::const_iterator m_cursor;
};

}  // namespace sysknob::change
