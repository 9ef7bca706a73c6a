// Small path helpers shared by the CLI and the loaders.
#pragma once

#include <asset_sdk/status.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace asset_host {

// How a path is shown in messages: as the user gave it, normalised ("./manifests/a.yaml" ->
// "manifests/a.yaml"), never made absolute behind their back.
std::string display_path(const std::filesystem::path& p);

// "a directory", "a FIFO (named pipe)", "a symbolic link", ... for st_mode `mode` (lstat/fstat).
const char* file_kind(unsigned mode);

// Directory holding the running executable (from /proc/self/exe); empty if unknown.
std::filesystem::path executable_dir();

// The whole content of a regular file (symlinks followed), at most `max_bytes`. A FIFO, device
// or socket is refused without blocking. On failure the Status message is the reason only
// ("Permission denied", "not a regular file (it is a FIFO (named pipe))", "larger than 1048576
// bytes"): callers add the path.
asset_sdk::Result<std::string> read_small_file(const std::filesystem::path& file,
                                               std::size_t max_bytes);

// Writes all of `data` to `fd` (write(2) may be partial or interrupted by a signal). Returns 0,
// or the errno of the failed write (callers word it: EPIPE means different things to them).
int write_all(int fd, std::string_view data);

// strerror(errno) as a std::string, thread-safe.
std::string errno_message(int err);

}  // namespace asset_host
