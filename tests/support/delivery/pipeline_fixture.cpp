#include "pipeline_fixture.h"

#include <asset_sdk/clock.h>

#include <nlohmann/json.hpp>

namespace deliverytest {

asset_sdk::Status PersistRecorder::save(std::string_view marker) {
    const auto n = nlohmann::json::parse(marker)["next"].get<std::uint64_t>();
    std::lock_guard lock(mu_);
    if (!dest_.all_acked_up_to(n)) ++violations_;
    if (!saved_.empty() && n < saved_.back()) ++violations_;  // must never go backwards
    saved_.push_back(n);
    if (!fail_.is_ok()) return fail_;
    return asset_sdk::Status::ok();
}

std::vector<std::uint64_t> PersistRecorder::saved() const {
    std::lock_guard lock(mu_);
    return saved_;
}

std::uint64_t PersistRecorder::last() const {
    std::lock_guard lock(mu_);
    return saved_.empty() ? 0 : saved_.back();
}

int PersistRecorder::violations() const {
    std::lock_guard lock(mu_);
    return violations_;
}

void PersistRecorder::fail_with(asset_sdk::Status s) {
    std::lock_guard lock(mu_);
    fail_ = std::move(s);
}

asset_host::delivery::DeliveryPipeline& PipelineFixture::start(
    const asset_host::delivery::PipelineOptions& options, ScriptedDestination::Script script,
    int max_concurrency) {
    dest.set_script(std::move(script), max_concurrency);
    return pipeline_.emplace(dest, persist.fn(), cancel.token(),
                             clock ? *clock : asset_sdk::SystemClock::instance(), options);
}

}  // namespace deliverytest
