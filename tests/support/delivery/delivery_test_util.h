// Helpers shared by the delivery tests: valid OCSF device records and batches of them, a
// destination's checks as a list, and an in-process Destination whose behaviour per batch is
// scripted (delays, failures, gates), which records what it acknowledged so tests can check
// the checkpoint invariant.
#pragma once

#include "delivery/batch.h"
#include "delivery/destination.h"
#include "delivery/destination_factory.h"

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

// A batch of device_record(first) .. device_record(first + count - 1).
asset_host::delivery::Batch make_batch(std::uint64_t first, std::uint64_t count,
                                       std::uint64_t index = 0);

// What destination_checks() reports for `spec`, in order; whether they passed goes to *ok.
std::vector<asset_host::CheckResult> run_checks(const asset_host::DestinationSpec& spec,
                                                bool* ok = nullptr);
// The check called `name`, or nullptr.
const asset_host::CheckResult* find_check(const std::vector<asset_host::CheckResult>& checks,
                                          const std::string& name);

// What a ScriptedDestination does with one batch (by batch index).
struct BatchScript {
    std::chrono::milliseconds delay{0};
    asset_sdk::Status status;  // returned after the delay (ok by default)
    int attempts = 1;
    bool wait_for_abort = false;  // block until the pipeline aborts the delivery
};

class ScriptedDestination final : public asset_host::delivery::Destination {
public:
    using Script = std::function<BatchScript(std::uint64_t index)>;
    static constexpr int kUnbounded = 1 << 10;

    // `script(index)` decides each batch's fate; default: ack at once.
    explicit ScriptedDestination(Script script = {}, int max_concurrency = kUnbounded)
        : script_(std::move(script)), max_concurrency_(max_concurrency) {}
    // The same, set before any delivery (a fixture's destination is built first).
    void set_script(Script script, int max_concurrency = kUnbounded) {
        script_ = std::move(script);
        max_concurrency_ = max_concurrency;
    }

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
    Script script_;
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
