#pragma once
// FakeFileStore: an in-memory ports::FileStore for unit tests. Files and
// snapshots are maps; every atomic write passes the steps "before-rename"
// (nothing changed yet) and "after-rename" (the new content is in place),
// as os/atomic_file does, through a StepCounter that can "crash" the
// change there (throws test::Crash, which nothing in change/ catches: like
// SIGKILL, no cleanup runs). Errors can be injected per path.
#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "persist/paths.hpp"
#include "ports/file_store.hpp"

namespace sysknob::test {

// Thrown at the chosen step: the process "dies" there.
struct Crash {
    std::string step;
};

// Counts the steps a change passes (os/fault's names) and crashes at the
// `crash_at`-th one (1-based; 0 = never).
struct StepCounter {
    int crash_at = 0;
    int count = 0;
    std::vector<std::string> seen;
    void step(const char* name)
    {
        seen.emplace_back(name);
        if (++count == crash_at) throw Crash{name};
    }
    void reset(int at)
    {
        crash_at = at;
        count = 0;
        seen.clear();
    }
};

class FakeFileStore final : public ports::FileStore {
  public:
    explicit FakeFileStore(StepCounter& steps) : m_steps(steps) {}

    std::map<std::string, ports::FileState> files;  // path (no root) -> state
    std::map<int, std::string> snapshots;           // id -> text of N.json
    std::map<int, std::string> pending_snapshots;   // id -> text of N.pending.json (wins over N.json)
    std::vector<int> unsynced_commits;              // commit renames no fsync has made durable yet
    std::map<std::string, int> fail_write;          // path -> errno for write()
    std::vector<std::string> stale_removed;         // remove_stale_temporary() calls

    Result<ports::FileState> read(const std::string& path) override
    {
        auto it = files.find(path);
        if (it == files.end()) return ports::FileState{};
        return it->second;
    }
    Result<void> check_owned(const std::string&) override { return {}; }
    Result<void> write(const std::string& path, const std::string& content, unsigned mode) override
    {
        if (auto f = fail_write.find(path); f != fail_write.end())
            return fail("cannot write '" + path + "': " + std::strerror(f->second), f->second);
        m_steps.step("before-rename");
        files[path] = ports::FileState{true, content, mode, {}};
        m_steps.step("after-rename");
        return {};
    }
    Result<void> remove(const std::string& path) override
    {
        files.erase(path);
        return {};
    }
    Result<void> move(const std::string& from, const std::string& to) override
    {
        auto it = files.find(from);
        if (it == files.end()) return fail("cannot move '" + from + "': " + std::strerror(ENOENT), ENOENT);
        if (files.count(to)) return fail("cannot move '" + from + "' to '" + to + "': it exists", EEXIST);
        files[to] = it->second;
        files.erase(from);
        return {};
    }
    Result<void> symlink(const std::string& target, const std::string& path) override
    {
        if (files.count(path)) return fail("cannot link '" + path + "': it exists", EEXIST);
        files[path] = ports::FileState{true, "", 0777, target};
        return {};
    }
    // Exact entries: the same map, with owners on the side (0:0 unless set).
    std::map<std::string, std::pair<unsigned, unsigned>> owners;
    Result<snapshot::Entry> read_entry(const std::string& path) override
    {
        auto it = files.find(path);
        if (it == files.end()) return snapshot::Entry{};
        auto [uid, gid] = owners.count(path) ? owners.at(path) : std::pair<unsigned, unsigned>{0, 0};
        if (!it->second.link_target.empty())
            return snapshot::Entry{snapshot::EntryKind::symlink, it->second.link_target, 0644, uid, gid};
        return snapshot::Entry{snapshot::EntryKind::file, it->second.content, it->second.mode, uid, gid};
    }
    Result<void> set_entry(const std::string& path, const snapshot::Entry& e) override
    {
        if (auto f = fail_write.find(path); f != fail_write.end())
            return fail("cannot write '" + path + "': " + std::strerror(f->second), f->second);
        if (e.kind == snapshot::EntryKind::absent) {
            files.erase(path);
            owners.erase(path);
            return {};
        }
        m_steps.step("before-rename");
        files[path] = e.kind == snapshot::EntryKind::symlink ? ports::FileState{true, "", 0777, e.content}
                                                             : ports::FileState{true, e.content, e.mode, {}};
        owners[path] = {e.uid, e.gid};
        m_steps.step("after-rename");
        return {};
    }
    void remove_stale_temporary(const std::string& path) override { stale_removed.push_back(path); }
    std::string display(const std::string& path) const override { return "ROOT" + path; }

    Result<std::optional<std::string>> read_state() override
    {
        auto it = files.find(std::string(persist::k_state_file));
        if (it == files.end()) return std::optional<std::string>{};
        return std::optional<std::string>(it->second.content);
    }
    bool state_hidden() override { return false; }

    Result<void> check_snapshot_dirs() override { return {}; }
    Result<std::vector<int>> snapshot_ids() override
    {
        std::set<int> ids;
        for (const auto& [id, text] : snapshots)
            ids.insert(id);
        for (const auto& [id, text] : pending_snapshots)
            ids.insert(id);
        return std::vector<int>(ids.begin(), ids.end());
    }
    Result<ports::SnapshotText> read_snapshot(int id) override
    {
        if (auto p = pending_snapshots.find(id); p != pending_snapshots.end()) return ports::SnapshotText{p->second, true};
        auto it = snapshots.find(id);
        if (it == snapshots.end()) return fail("no snapshot " + std::to_string(id), ENOENT);
        return ports::SnapshotText{it->second, false};
    }
    Result<void> write_pending_snapshot(int id, const std::string& text) override
    {
        if (auto f = fail_write.find(snapshot_path(id, true)); f != fail_write.end())
            return fail("cannot write '" + snapshot_path(id, true) + "': " + std::strerror(f->second), f->second);
        m_steps.step("before-rename");
        pending_snapshots[id] = text;
        unsynced_commits.clear();  // the directory's fsync makes every earlier rename durable
        m_steps.step("after-rename");
        return {};
    }
    Result<void> commit_snapshot(int id) override
    {
        auto it = pending_snapshots.find(id);
        if (it == pending_snapshots.end()) return fail("cannot commit snapshot " + std::to_string(id), ENOENT);
        m_steps.step("before-rename");
        snapshots[id] = it->second;
        pending_snapshots.erase(it);
        unsynced_commits.push_back(id);
        m_steps.step("after-rename");
        return {};
    }
    Result<void> write_snapshot(int id, const std::string& text) override
    {
        if (auto f = fail_write.find(snapshot_path(id)); f != fail_write.end())
            return fail("cannot write '" + snapshot_path(id) + "': " + std::strerror(f->second), f->second);
        m_steps.step("before-rename");
        snapshots[id] = text;
        unsynced_commits.clear();
        m_steps.step("after-rename");
        pending_snapshots.erase(id);
        return {};
    }
    Result<void> remove_snapshot(int id) override
    {
        snapshots.erase(id);
        return {};
    }
    std::string snapshot_path(int id, bool pending = false) const override
    {
        return "ROOT" + std::string(persist::k_snapshots_dir) + "/" + std::to_string(id) +
               (pending ? ".pending.json" : ".json");
    }
    // A power cut: the commits (renames without fsync) since the last
    // fsync of the snapshot directory are lost, their pending names back.
    void lose_unsynced_commits()
    {
        for (int id : unsynced_commits) {
            pending_snapshots[id] = snapshots.at(id);
            snapshots.erase(id);
        }
        unsynced_commits.clear();
    }

  private:
    StepCounter& m_steps;
};

}  // namespace sysknob::test
