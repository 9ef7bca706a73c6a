// NDJSON file destination: each batch is appended as one record per line and fsync'ed before
// it counts as acknowledged, so a checkpoint never covers records that a crash could lose.
// Batches are written one at a time (max_concurrency 1) so the file keeps emission order.
#pragma once

#include "delivery/destination.h"

#include <filesystem>
#include <mutex>
#include <string>

namespace asset_host::delivery {

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
