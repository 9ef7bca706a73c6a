#include "state/atomic_file.h"

#include "common/paths.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <string>
#include <system_error>

namespace asset_host {

namespace fs = std::filesystem;

asset_sdk::Status fsync_dir(const fs::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return asset_sdk::io_error(errno_message(errno));
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0) return asset_sdk::io_error(errno_message(err));
    return asset_sdk::Status::ok();
}

asset_sdk::Status write_file_atomically(const fs::path& file, std::string_view content,
                                        std::string_view what) {
    const fs::path dir = file.parent_path().empty() ? fs::path(".") : file.parent_path();
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        return asset_sdk::io_error("cannot create state directory " + display_path(dir) + ": " +
                                   ec.message());
    }
    // Unique temp name in the same directory (same filesystem, so rename is atomic).
    static std::atomic<unsigned> counter{0};
    // Appended piecewise: GCC 12 at -O3 reports a false -Wstringop-overflow inside
    // "." + std::string (the string's inlined insert at offset 0).
    std::string tmp_name(1, '.');
    tmp_name += file.filename().string();
    tmp_name += ".tmp.";
    tmp_name += std::to_string(::getpid());
    tmp_name += '.';
    tmp_name += std::to_string(counter++);
    const fs::path tmp = dir / tmp_name;
    const std::string where = display_path(file) + ": cannot write " + std::string(what) + ": ";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return asset_sdk::io_error(where + errno_message(errno));
    asset_sdk::Status st;
    if (const int err = write_all(fd, content)) st = asset_sdk::io_error(errno_message(err));
    if (st.is_ok() && ::fsync(fd) != 0) st = asset_sdk::io_error(errno_message(errno));
    if (::close(fd) != 0 && st.is_ok()) st = asset_sdk::io_error(errno_message(errno));
    if (st.is_ok() && ::rename(tmp.c_str(), file.c_str()) != 0) {
        st = asset_sdk::io_error(errno_message(errno));
    }
    if (!st.is_ok()) {
        ::unlink(tmp.c_str());  // nothing half-written is left behind
        return asset_sdk::io_error(where + st.message());
    }
    // Make the rename itself durable.
    st = fsync_dir(dir);
    if (!st.is_ok()) {
        return asset_sdk::io_error(display_path(file) +
                                   ": cannot sync state directory: " + st.message());
    }
    return asset_sdk::Status::ok();
}

}  // namespace asset_host
