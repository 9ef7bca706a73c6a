#include "delivery/file_destination.h"

#include "common/paths.h"

#include <cerrno>
#include <cstdio>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace asset_host::delivery {

namespace {

std::mutex& stdout_mutex() {
    static std::mutex mu;
    return mu;
}

asset_sdk::Status check_owned_regular_file(int fd, const std::filesystem::path& path) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        return asset_sdk::io_error("cannot inspect " + path.string() + ": " + errno_message(errno));
    }
    if (!S_ISREG(st.st_mode)) {
        return asset_sdk::io_error("refusing to write " + path.string() + ": it is " +
                                   file_kind(st.st_mode) + ", not a regular file");
    }
    if (st.st_uid != ::geteuid()) {
        return asset_sdk::io_error("refusing to append to " + path.string() +
                                   ": it is owned by uid " + std::to_string(st.st_uid) +
                                   ", not by this process (uid " + std::to_string(::geteuid()) +
                                   ")");
    }
    return asset_sdk::Status::ok();
}

}  // namespace

asset_sdk::Result<int> open_private_append(const std::filesystem::path& path, std::string_view what,
                                           bool read_too) {
    const int fd =
        ::open(path.c_str(),
               (read_too ? O_RDWR : O_WRONLY) | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        const int err = errno;
        return asset_sdk::io_error(
            "cannot open " + std::string(what) + " " + path.string() + ": " +
            (err == ELOOP ? std::string("it is a symbolic link (refused)") : errno_message(err)));
    }
    if (auto st = check_owned_regular_file(fd, path); !st.is_ok()) {
        ::close(fd);
        return st;
    }
    return fd;
}

FileDestination::FileDestination(std::filesystem::path path) : path_(std::move(path)) {}

FileDestination::~FileDestination() {
    if (fd_ >= 0) ::close(fd_);
}

asset_sdk::Status FileDestination::open_locked() {
    if (fd_ >= 0) return asset_sdk::Status::ok();
    auto opened = open_private_append(path_, "destination file", /*read_too=*/true);
    if (!opened) return opened.status();
    const int fd = *opened;
    // (Read access only to look at the last byte.) A crash in the middle of a previous write
    // can leave a torn last line; start on a fresh
    // line so every record we append stays parseable.
    struct stat st {};
    if (::fstat(fd, &st) == 0 && st.st_size > 0) {
        char last = '\n';
        if (::pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n') {
            if (const int err = write_all(fd, "\n")) {
                ::close(fd);
                return asset_sdk::io_error("cannot write to " + path_.string() + ": " +
                                           errno_message(err));
            }
        }
    }
    fd_ = fd;
    return asset_sdk::Status::ok();
}

DeliveryResult FileDestination::deliver(const Batch& batch, const asset_sdk::CancelCheck&) {
    DeliveryResult result;
    result.attempts = 1;
    std::lock_guard lock(mu_);
    if (auto st = open_locked(); !st.is_ok()) {
        result.status = st;
        return result;
    }
    buffer_.clear();
    batch.join_into(buffer_, "\n");
    if (!batch.empty()) buffer_.push_back('\n');
    if (const int err = write_all(fd_, buffer_)) {
        result.status =
            asset_sdk::io_error("cannot write to " + path_.string() + ": " + errno_message(err));
        return result;
    }
    // Acknowledged means durable: the checkpoint that follows must not outlive the records.
    if (::fsync(fd_) != 0) {
        result.status =
            asset_sdk::io_error("cannot fsync " + path_.string() + ": " + errno_message(errno));
    }
    return result;
}

DeliveryResult StdoutDestination::deliver(const Batch& batch, const asset_sdk::CancelCheck&) {
    DeliveryResult result;
    result.attempts = 1;
    std::lock_guard lock(stdout_mutex());
    buffer_.clear();
    batch.join_into(buffer_, "\n");
    if (!batch.empty()) buffer_.push_back('\n');
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), stdout) != buffer_.size() ||
        std::fflush(stdout) != 0) {
        result.status = asset_sdk::io_error("cannot write to stdout: " + errno_message(errno));
    }
    return result;
}

}  // namespace asset_host::delivery
