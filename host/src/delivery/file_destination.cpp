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

}  // namespace

FileDestination::FileDestination(std::filesystem::path path) : path_(std::move(path)) {}

FileDestination::~FileDestination() {
    if (fd_ >= 0) ::close(fd_);
}

asset_sdk::Status FileDestination::open_locked() {
    if (fd_ >= 0) return asset_sdk::Status::ok();
    const int fd = ::open(path_.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
        return asset_sdk::io_error("cannot open destination file " + path_.string() + ": " +
                                   errno_message(errno));
    }
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
