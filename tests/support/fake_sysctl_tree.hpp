#pragma once
// FakeSysctlTree: an in-memory ports::SysctlTree for unit tests. Keys are
// canonical ("net.ipv4.conf.eth0/100.forwarding"); values are held without
// the kernel's trailing newline and read back with it, as /proc/sys prints
// them. Every write() call is recorded in order (failed ones too), and an
// errno can be injected at the N-th write call or for every write to a key.
// Error messages follow os/proc_sysctl_tree: "cannot write 'V' to 'K': <strerror>".
#include <cerrno>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ports/sysctl_tree.hpp"

namespace sysknob::test {

class FakeSysctlTree final : public ports::SysctlTree {
  public:
    struct Write {
        std::string key;
        std::string value;
        bool ok = false;  // false: refused (injected errno, read-only, absent)
        bool operator==(const Write&) const = default;
    };

    FakeSysctlTree() = default;
    FakeSysctlTree(std::initializer_list<std::pair<const std::string, std::string>> initial) : values(initial) {}

    // --- state a test sets up and inspects --------------------------------
    std::map<std::string, std::string> values;  // key -> value (no trailing newline)
    std::set<std::string> read_only;            // keys that exist but refuse writes (EACCES)
    std::vector<Write> writes;                  // every write() call, in order

    // Keys present with `value` (convenience for tests).
    FakeSysctlTree& set(const std::string& key, std::string value, bool writable = true)
    {
        values[key] = std::move(value);
        if (!writable) read_only.insert(key);
        return *this;
    }

    // The write() call with index `n` (0-based, counting every call) fails with `err`.
    void fail_write(size_t n, int err) { m_fail_at[n] = err; }
    // Every write() to `key` fails with `err`.
    void fail_key(const std::string& key, int err) { m_fail_key[key] = err; }

    // Only the accepted writes, as (key, value).
    std::vector<std::pair<std::string, std::string>> accepted() const
    {
        std::vector<std::pair<std::string, std::string>> out;
        for (const auto& w : writes)
            if (w.ok) out.emplace_back(w.key, w.value);
        return out;
    }

    size_t reads = 0;  // read() calls

    // The kernel's own handler, for tests of coupled keys: called before a
    // write is stored; returns an errno to refuse it, and may change other
    // values (after the write, as a handler's side effect does).
    std::function<int(FakeSysctlTree&, const std::string& key, const std::string& value)> handler;

    // --- ports::SysctlTree ------------------------------------------------
    ports::Access probe(std::string_view key) override
    {
        auto it = values.find(std::string(key));
        if (it == values.end()) return ports::Access::absent;
        return read_only.count(it->first) ? ports::Access::read_only : ports::Access::writable;
    }

    Result<ports::LiveValue> read(std::string_view key, ports::Intent intent) override
    {
        ++reads;
        std::string k(key);
        auto it = values.find(k);
        if (it == values.end()) return fail("'" + k + "' does not exist", ENOENT);
        ports::LiveValue v;
        v.text = it->second + "\n";
        v.writable = intent == ports::Intent::write && !read_only.count(k);
        return v;
    }

    Result<void> write(std::string_view key, std::string_view value) override
    {
        std::string k(key), v(value);
        size_t index = writes.size();
        writes.push_back(Write{k, v, false});
        int err = 0;
        if (auto f = m_fail_at.find(index); f != m_fail_at.end())
            err = f->second;
        else if (auto fk = m_fail_key.find(k); fk != m_fail_key.end())
            err = fk->second;
        else if (!values.count(k))
            err = ENOENT;
        else if (read_only.count(k))
            err = EACCES;
        if (err == 0 && handler) err = handler(*this, k, v);
        if (err != 0) return fail("cannot write '" + v + "' to '" + k + "': " + std::strerror(err), err);
        values[k] = v;
        writes.back().ok = true;
        return {};
    }

    // Direct children of `prefix` (one segment each, canonical form), sorted.
    Result<std::vector<std::string>> list(std::string_view prefix) override
    {
        std::string p = std::string(prefix) + ".";
        std::set<std::string> names;
        for (const auto& [k, v] : values) {
            if (k.compare(0, p.size(), p) != 0) continue;
            auto rest = k.substr(p.size());
            names.insert(rest.substr(0, rest.find('.')));
        }
        if (names.empty()) return fail("cannot list '" + std::string(prefix) + "': " + std::strerror(ENOENT), ENOENT);
        return std::vector<std::string>(names.begin(), names.end());
    }

  private:
    std::map<size_t, int> m_fail_at;
    std::map<std::string, int> m_fail_key;
};

}  // namespace sysknob::test
