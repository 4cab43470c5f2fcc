#pragma once
// A sorted vector of (key, value) strings with the part of std::map's
// interface that the per-key path uses (key -> value of the state file, the
// baseline, our keys for the shadow checks). One allocation for the array
// instead of one node per key: with a glob over thousands of interfaces the
// maps of the state were a third of the peak memory of a no-op apply, and
// walking them chased a pointer per key (bench/, W4).
//
// Inserting in key order appends; inserting out of order moves the tail,
// which the callers avoid (their keys come sorted). append() + sort_unique()
// build one from unsorted input in O(n log n).
#include <algorithm>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sysknob::util {

class StringMap {
  public:
    using value_type = std::pair<std::string, std::string>;
    using iterator = std::vector<value_type>::iterator;
    using const_iterator = std::vector<value_type>::const_iterator;

    StringMap() = default;
    StringMap(std::initializer_list<value_type> items) : m_items(items) { sort_unique(); }

    const_iterator begin() const { return m_items.begin(); }
    const_iterator end() const { return m_items.end(); }
    iterator begin() { return m_items.begin(); }
    iterator end() { return m_items.end(); }
    auto rbegin() const { return m_items.rbegin(); }
    auto rend() const { return m_items.rend(); }
    size_t size() const { return m_items.size(); }
    bool empty() const { return m_items.empty(); }
    void clear() { m_items.clear(); }
    void reserve(size_t n) { m_items.reserve(n); }

    const_iterator find(std::string_view key) const
    {
        auto it = lower(key);
        return it != m_items.end() && it->first == key ? it : m_items.end();
    }
    iterator find(std::string_view key)
    {
        auto it = lower(key);
        return it != m_items.end() && it->first == key ? it : m_items.end();
    }
    // Like std::map::at: throws std::out_of_range for a missing key.
    const std::string& at(std::string_view key) const
    {
        auto it = find(key);
        if (it == end()) throw std::out_of_range("StringMap::at: no key '" + std::string(key) + "'");
        return it->second;
    }
    size_t count(std::string_view key) const { return find(key) != end() ? 1 : 0; }
    bool contains(std::string_view key) const { return find(key) != end(); }

    // Like std::map::emplace: an existing key keeps its value.
    std::pair<iterator, bool> emplace(std::string key, std::string value)
    {
        if (m_items.empty() || m_items.back().first < key) {
            m_items.emplace_back(std::move(key), std::move(value));
            return {m_items.end() - 1, true};
        }
        auto it = lower(key);
        if (it != m_items.end() && it->first == key) return {it, false};
        return {m_items.emplace(it, std::move(key), std::move(value)), true};
    }
    // The hint is ignored: appending at the end is the fast case anyway.
    iterator emplace_hint(const_iterator, std::string key, std::string value)
    {
        return emplace(std::move(key), std::move(value)).first;
    }
    std::pair<iterator, bool> insert_or_assign(std::string key, std::string value)
    {
        auto [it, inserted] = emplace(std::move(key), std::string());
        it->second = std::move(value);
        return {it, inserted};
    }
    iterator insert_or_assign(const_iterator, std::string key, std::string value)
    {
        return insert_or_assign(std::move(key), std::move(value)).first;
    }

    // Unsorted input: append everything, then sort_unique() once. Of equal
    // keys the one appended last stays (as with repeated insert_or_assign).
    void append(std::string key, std::string value) { m_items.emplace_back(std::move(key), std::move(value)); }
    void sort_unique()
    {
        if (std::is_sorted(m_items.begin(), m_items.end(), less) &&
            std::adjacent_find(m_items.begin(), m_items.end(), same_key) == m_items.end())
            return;
        std::stable_sort(m_items.begin(), m_items.end(), less);
        // Keep the last of each run of equal keys.
        std::vector<value_type> out;
        out.reserve(m_items.size());
        for (size_t i = 0; i < m_items.size(); ++i)
            if (i + 1 == m_items.size() || m_items[i + 1].first != m_items[i].first)
                out.push_back(std::move(m_items[i]));
        m_items = std::move(out);
    }

    // Takes `items`, which must be sorted by key without repeats (a reader
    // that checked so).
    void assign_sorted(std::vector<value_type>&& items) { m_items = std::move(items); }

    bool operator==(const StringMap&) const = default;

  private:
    static bool less(const value_type& a, const value_type& b) { return a.first < b.first; }
    static bool same_key(const value_type& a, const value_type& b) { return a.first == b.first; }
    const_iterator lower(std::string_view key) const
    {
        return std::lower_bound(m_items.begin(), m_items.end(), key,
                                [](const value_type& e, std::string_view k) { return e.first < k; });
    }
    iterator lower(std::string_view key)
    {
        return std::lower_bound(m_items.begin(), m_items.end(), key,
                                [](const value_type& e, std::string_view k) { return e.first < k; });
    }
    std::vector<value_type> m_items;
};

}  // namespace sysknob::util
