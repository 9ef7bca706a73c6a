// Helpers shared by the delivery unit tests: valid OCSF device records, and in-process
// Destination implementations whose behaviour per batch is scripted (delays, failures, gates),
// which record what they acknowledged so tests can check the checkpoint invariant.
#pragma once

#include "delivery/destination.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace deliverytest {

// A Device Inventory Info record that Sekoia's model (and sekoia-sim) accepts; device.uid is
// "dev-<n>" (zero-padded).
std::string device_record(std::uint64_t n);
std::string device_uid(std::uint64_t n);

// The sequence number of a device_record() (parsed back from its uid), or 0.
std::uint64_t record_number(std::string_view record);

// What a ScriptedDestination does with one batch (by batch index).
struct BatchScript {
    std::chrono::milliseconds delay{0};
    asset_sdk::Status status;  // returned after the delay (ok by default)
    int attempts = 1;
    bool wait_for_abort = false;  // block until the pipeline aborts the delivery
};

class ScriptedDestination final : public asset_host::delivery::Destination {
public:
    // `script(index)` decides each batch's fate; default: ack at once.
    explicit ScriptedDestination(std::function<BatchScript(std::uint64_t index)> script = {},
                                 int max_concurrency = 1 << 10)
        : script_(std::move(script)), max_concurrency_(max_concurrency) {}

    int max_concurrency() const override { return max_concurrency_; }
    asset_host::delivery::DeliveryResult deliver(const asset_host::delivery::Batch& batch,
                                                 const asset_sdk::CancelCheck& abort) override;

    // Blocks every delivery until open_gate() (back-pressure tests).
    void close_gate();
    void open_gate();

    // Every record number acknowledged so far.
    std::set<std::uint64_t> acked() const;
    bool all_acked_up_to(std::uint64_t n) const;
    int max_concurrent() const { return max_concurrent_; }
    int deliveries() const { return deliveries_; }
    int aborted() const { return aborted_; }
    std::vector<std::uint64_t> batch_sizes() const;

private:
    std::function<BatchScript(std::uint64_t)> script_;
    int max_concurrency_;
    mutable std::mutex mu_;
    std::condition_variable gate_cv_;
    bool gate_closed_ = false;
    std::set<std::uint64_t> acked_;
    std::vector<std::uint64_t> batch_sizes_;
    std::atomic<int> concurrent_{0};
    std::atomic<int> max_concurrent_{0};
    std::atomic<int> deliveries_{0};
    std::atomic<int> aborted_{0};
};

}  // namespace deliverytest
