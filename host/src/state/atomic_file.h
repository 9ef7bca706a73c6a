// Replacing a small file so that a crash leaves the old or the new content, never a torn one:
// a temporary file in the same directory, write, fsync, rename over the file, fsync of the
// directory. Used for checkpoints and last-cycle records.
#pragma once

#include <asset_sdk/status.h>

#include <filesystem>
#include <string_view>

namespace asset_host {

// Writes `content` to `file` (mode 0600) atomically, creating its directory when missing.
// Errors name the file and `what` it is ("cannot write checkpoint: ...").
asset_sdk::Status write_file_atomically(const std::filesystem::path& file, std::string_view content,
                                        std::string_view what);

// fsync of a directory: makes a rename or an unlink in it durable.
asset_sdk::Status fsync_dir(const std::filesystem::path& dir);

}  // namespace asset_host
