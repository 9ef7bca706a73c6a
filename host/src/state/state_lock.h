// One asset-host at a time per state directory: an exclusive flock(2) on <state-dir>/.lock,
// held by the commands that deliver or change state (run, a delivering fetch, state reset,
// replay) for as long as they run. Two instances on one directory would both sync everything
// (every record sent twice, the source's rate limit spent twice) and race on the checkpoints.
//
// flock is released by the kernel when the holder exits, however it exits (kill -9 included),
// so a stale lock never blocks. The holder writes its pid into the file after taking the lock;
// a refused instance reads it for its message. Read-only commands (validate, test, state show,
// state rejected, fetch --output) never take the lock.
#pragma once

#include <asset_sdk/status.h>

#include <filesystem>
#include <string>

namespace asset_host {

class StateDirLock {
public:
    // Creates `state_dir` when missing, then takes the lock without waiting. When another
    // process holds it: kInvalidArgument (a usage error: exit 2), "state directory <dir> is in
    // use by asset-host pid N". When the directory or the lock file cannot be made: kIo.
    static asset_sdk::Result<StateDirLock> acquire(const std::filesystem::path& state_dir);

    StateDirLock(StateDirLock&& other) noexcept;
    StateDirLock& operator=(StateDirLock&& other) noexcept;
    StateDirLock(const StateDirLock&) = delete;
    StateDirLock& operator=(const StateDirLock&) = delete;
    ~StateDirLock();  // releases the lock (the file stays: removing it would race a new holder)

    static std::filesystem::path lock_path(const std::filesystem::path& state_dir);

private:
    explicit StateDirLock(int fd) : fd_(fd) {}
    int fd_ = -1;
};

}  // namespace asset_host
