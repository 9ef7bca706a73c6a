#include "state/state_lock.h"

#include "common/paths.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <string>
#include <system_error>

namespace asset_host {

namespace {

// The pid the holder wrote, when the file holds one.
std::string holder_pid(int fd) {
    char buf[32] = {};
    const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    long pid = 0;
    if (n <= 0 || std::from_chars(buf, buf + n, pid).ec != std::errc() || pid <= 0) return {};
    return std::to_string(pid);
}

asset_sdk::Status write_pid(int fd) {
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) != 0) return asset_sdk::io_error(errno_message(errno));
    if (::lseek(fd, 0, SEEK_SET) < 0) return asset_sdk::io_error(errno_message(errno));
    if (const int err = write_all(fd, pid)) return asset_sdk::io_error(errno_message(err));
    return asset_sdk::Status::ok();
}

}  // namespace

std::filesystem::path StateDirLock::lock_path(const std::filesystem::path& state_dir) {
    return state_dir / ".lock";
}

asset_sdk::Result<StateDirLock> StateDirLock::acquire(const std::filesystem::path& state_dir) {
    const std::string dir = display_path(state_dir);
    std::error_code ec;
    std::filesystem::create_directories(state_dir, ec);
    if (ec)
        return asset_sdk::io_error("cannot create state directory " + dir + ": " + ec.message());
    const std::filesystem::path file = lock_path(state_dir);
    // O_NOFOLLOW: a symlink planted in a shared state directory must not make us create or
    // truncate a file elsewhere.
    const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        return asset_sdk::io_error("cannot open the lock file " + display_path(file) + ": " +
                                   errno_message(errno));
    }
    StateDirLock lock(fd);
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR) continue;
        if (errno != EWOULDBLOCK) {
            return asset_sdk::io_error("cannot lock " + display_path(file) + ": " +
                                       errno_message(errno));
        }
        const std::string pid = holder_pid(fd);
        return asset_sdk::invalid_argument(
            "state directory " + dir + " is in use by " +
            (pid.empty() ? std::string("another asset-host process") : "asset-host pid " + pid) +
            " (one asset-host per state directory; stop it or use another --state-dir)");
    }
    if (auto st = write_pid(fd); !st.is_ok()) {
        return asset_sdk::io_error("cannot write " + display_path(file) + ": " + st.message());
    }
    return lock;
}

StateDirLock::StateDirLock(StateDirLock&& other) noexcept : fd_(other.fd_) {
    other.fd_ = -1;
}

StateDirLock& StateDirLock::operator=(StateDirLock&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

StateDirLock::~StateDirLock() {
    if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

}  // namespace asset_host
