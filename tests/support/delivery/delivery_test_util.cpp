#include "delivery_test_util.h"

#include <cstdio>

namespace deliverytest {

std::string device_uid(std::uint64_t n) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "dev-%07llu", static_cast<unsigned long long>(n));
    return buf;
}

std::string device_record(std::uint64_t n) {
    nlohmann::json record = {
        {"activity_id", 2},
        {"activity_name", "Collect"},
        {"category_name", "Discovery"},
        {"category_uid", 5},
        {"class_name", "Device Inventory Info"},
        {"class_uid", 5001},
        {"type_name", "Device Inventory Info: Collect"},
        {"type_uid", 500102},
        {"severity", "Informational"},
        {"severity_id", 1},
        {"time", 1672531200.0 + static_cast<double>(n)},
        {"metadata",
         {{"product", {{"name", "Test"}, {"vendor_name", "Test"}}}, {"version", "1.6.0"}}},
        {"device",
         {{"type_id", 2},
          {"type", "Desktop"},
          {"uid", device_uid(n)},
          {"hostname", "host-" + std::to_string(n)},
          {"os", {{"name", "Windows"}, {"type", "windows"}, {"type_id", 100}}},
          {"is_managed", true}}}};
    return record.dump();
}

std::uint64_t record_number(std::string_view record) {
    const auto pos = record.find("\"uid\":\"dev-");
    if (pos == std::string_view::npos) return 0;
    return std::stoull(std::string(record.substr(pos + 11, 7)));
}

asset_host::delivery::Batch make_batch(std::uint64_t first, std::uint64_t count,
                                       std::uint64_t index) {
    asset_host::delivery::Batch b;
    for (std::uint64_t i = first; i < first + count; ++i) b.append(device_record(i));
    b.index = index;
    b.first_seq = first;
    b.last_seq = first + count - 1;
    return b;
}

std::vector<asset_host::CheckResult> run_checks(const asset_host::DestinationSpec& spec, bool* ok) {
    std::vector<asset_host::CheckResult> checks;
    const bool result = asset_host::delivery::destination_checks(
        spec, [&](const asset_host::CheckResult& c) { checks.push_back(c); });
    if (ok) *ok = result;
    return checks;
}

const asset_host::CheckResult* find_check(const std::vector<asset_host::CheckResult>& checks,
                                          const std::string& name) {
    for (const auto& c : checks) {
        if (c.name == name) return &c;
    }
    return nullptr;
}

asset_host::delivery::DeliveryResult ScriptedDestination::deliver(
    const asset_host::delivery::Batch& batch, const asset_sdk::CancelCheck& abort) {
    const int now = ++concurrent_;
    int seen = max_concurrent_.load();
    while (now > seen && !max_concurrent_.compare_exchange_weak(seen, now)) {
    }
    ++deliveries_;
    {
        // The abort check cannot notify: look at it between short waits.
        std::unique_lock lock(mu_);
        while (gate_closed_ && !(abort && abort())) {
            gate_cv_.wait_for(lock, std::chrono::milliseconds(5));
        }
    }
    BatchScript script = script_ ? script_(batch.index) : BatchScript{};
    asset_host::delivery::DeliveryResult result;
    result.attempts = script.attempts;
    const auto until = std::chrono::steady_clock::now() + script.delay;
    bool aborted = false;
    while (script.wait_for_abort || std::chrono::steady_clock::now() < until) {
        if (abort && abort()) {
            aborted = true;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (aborted) {
        ++aborted_;
        result.status = asset_sdk::cancelled("aborted");
    } else {
        result.status = script.status;
    }
    if (result.status.is_ok()) {
        std::lock_guard lock(mu_);
        // Recorded before returning: the pipeline may persist a marker right after.
        for (std::size_t i = 0; i < batch.size(); ++i)
            acked_.insert(record_number(batch.record(i)));
        batch_sizes_.push_back(batch.size());
    }
    --concurrent_;
    return result;
}

void ScriptedDestination::close_gate() {
    std::lock_guard lock(mu_);
    gate_closed_ = true;
}

void ScriptedDestination::open_gate() {
    {
        std::lock_guard lock(mu_);
        gate_closed_ = false;
    }
    gate_cv_.notify_all();
}

std::set<std::uint64_t> ScriptedDestination::acked() const {
    std::lock_guard lock(mu_);
    return acked_;
}

bool ScriptedDestination::all_acked_up_to(std::uint64_t n) const {
    std::lock_guard lock(mu_);
    for (std::uint64_t i = 1; i <= n; ++i) {
        if (acked_.count(i) == 0) return false;
    }
    return true;
}

std::vector<std::uint64_t> ScriptedDestination::batch_sizes() const {
    std::lock_guard lock(mu_);
    return batch_sizes_;
}

}  // namespace deliverytest
