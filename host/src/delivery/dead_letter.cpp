#include "delivery/dead_letter.h"

#include "common/paths.h"
#include "delivery/file_destination.h"

#include <asset_sdk/json_writer.h>
#include <asset_sdk/text.h>
#include <asset_sdk/time_util.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace asset_host::delivery {

namespace {
constexpr std::size_t kExcerptBytes = 200;
}  // namespace

std::filesystem::path dead_letter_path(const std::filesystem::path& state_dir,
                                       std::string_view connector) {
    return state_dir / (std::string(connector) + ".rejected.ndjson");
}

DeadLetterFile::DeadLetterFile(std::filesystem::path path, std::string connector,
                               asset_sdk::Clock& clock, std::size_t max_bytes)
    : path_(std::move(path)),
      connector_(std::move(connector)),
      clock_(clock),
      max_bytes_(max_bytes) {}

DeadLetterFile::~DeadLetterFile() {
    if (fd_ >= 0) ::close(fd_);
}

std::string DeadLetterFile::line(const Rejection& r, std::string_view connector,
                                 asset_sdk::SystemTime time) {
    std::string out;
    asset_sdk::JsonWriter w(out);
    w.begin_object();
    w.field("time", asset_sdk::format_iso8601_ms(time));
    w.field("connector", connector);
    w.field("status", r.status);
    w.field("reason", std::string_view(r.reason));
    if (r.omit_record) {
        w.key("record").null();
        w.field("record_bytes", static_cast<std::uint64_t>(r.record.size()));
        w.field("excerpt", asset_sdk::one_line(r.record.substr(0, kExcerptBytes), kExcerptBytes));
    } else {
        w.key("record").raw(r.record);  // checked to be one JSON object before it got here
    }
    w.end_object();
    // A record with raw line breaks between its tokens stays on one line (same meaning).
    for (char& c : out) {
        if (c == '\n' || c == '\r') c = ' ';
    }
    return out;
}

asset_sdk::Status DeadLetterFile::open_locked() {
    if (fd_ >= 0) return asset_sdk::Status::ok();
    auto opened = open_private_append(path_, "the dead-letter file");
    if (!opened) return opened.status();
    const int fd = *opened;
    struct stat st {};
    ::fstat(fd, &st);
    size_ = static_cast<std::size_t>(st.st_size);
    fd_ = fd;
    return asset_sdk::Status::ok();
}

asset_sdk::Status DeadLetterFile::rotate_locked() {
    ::close(fd_);
    fd_ = -1;
    std::filesystem::path older = path_;
    older += ".1";
    if (::rename(path_.c_str(), older.c_str()) != 0) {
        return asset_sdk::io_error("cannot rotate the dead-letter file " + display_path(path_) +
                                   ": " + errno_message(errno));
    }
    return open_locked();
}

asset_sdk::Status DeadLetterFile::reject(const Rejection& rejection) {
    std::string text = line(rejection, connector_, clock_.now());
    text.push_back('\n');
    std::lock_guard lock(mu_);
    if (auto st = open_locked(); !st.is_ok()) return st;
    if (size_ > 0 && size_ + text.size() > max_bytes_) {
        if (auto st = rotate_locked(); !st.is_ok()) return st;
    }
    if (const int err = write_all(fd_, text); err != 0 || ::fsync(fd_) != 0) {
        const int e = err != 0 ? err : errno;
        return asset_sdk::io_error("cannot write the dead-letter file " + display_path(path_) +
                                   ": " + errno_message(e));
    }
    size_ += text.size();
    return asset_sdk::Status::ok();
}

}  // namespace asset_host::delivery
