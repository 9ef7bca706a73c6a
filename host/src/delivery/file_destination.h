// NDJSON file destination: each batch is appended as one record per line and fsync'ed before
// it counts as acknowledged, so a checkpoint never covers records that a crash could lose.
// The file is opened without following a symlink, must be a regular file owned by us, and is
// created 0600.
// Batches are written one at a time (max_concurrency 1) so the file keeps emission order.
#pragma once

#include "delivery/destination.h"

#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>

namespace asset_host::delivery {

// Opens `path` to append records (people's names and e-mails) to it: created 0600, never
// through a symbolic link (a link planted there must not make a root-run host write elsewhere),
// and only a regular file owned by this process's user (not a device, a FIFO or another user's
// file). `what` names the file in errors ("destination file"). `read_too`: O_RDWR.
asset_sdk::Result<int> open_private_append(const std::filesystem::path& path, std::string_view what,
                                           bool read_too = false);

class FileDestination final : public Destination {
public:
    explicit FileDestination(std::filesystem::path path);
    ~FileDestination() override;

    DeliveryResult deliver(const Batch& batch, const asset_sdk::CancelCheck& abort) override;
    int max_concurrency() const override { return 1; }

    const std::filesystem::path& path() const { return path_; }

private:
    asset_sdk::Status open_locked();

    std::filesystem::path path_;
    std::mutex mu_;
    int fd_ = -1;
    std::string buffer_;  // reused between batches
};

// stdout destination: each batch written as NDJSON and flushed. Batches of every connector
// of the process are written whole, one at a time.
class StdoutDestination final : public Destination {
public:
    DeliveryResult deliver(const Batch& batch, const asset_sdk::CancelCheck& abort) override;
    int max_concurrency() const override { return 1; }

private:
    std::string buffer_;  // guarded by the process-wide stdout mutex
};

}  // namespace asset_host::delivery
