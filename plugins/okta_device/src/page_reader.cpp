#include "page_reader.h"

#include <algorithm>

namespace okta_device {

namespace {

using asset_sdk::Status;
using asset_sdk::StatusCode;

Status broken_page(std::string_view what, simdjson::error_code err, int element) {
    return Status(StatusCode::kProtocol,
                  "Okta returned a malformed devices page (" + std::string(what) + " at element " +
                      std::to_string(element) + ": " + simdjson::error_message(err) + ")");
}

std::uint64_t id_hash(std::string_view id) {
    return std::hash<std::string_view>{}(id);
}

}  // namespace

Status PageReader::read(std::string& body, asset_sdk::SystemTime collected_at, bool retry,
                        const EmitFn& emit, const SkipFn& on_skip, PageStats& stats) {
    stats = PageStats{};
    if (!retry) emitted_.clear();
    if (record_.capacity() < 4096) record_.reserve(4096);
    if (body.capacity() < body.size() + simdjson::SIMDJSON_PADDING) {
        body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
    }

    simdjson::ondemand::document doc;
    if (auto err = parser_.iterate(body.data(), body.size(), body.capacity()).get(doc)) {
        return broken_page("not JSON", err, 0);
    }
    simdjson::ondemand::array devices;
    if (auto err = doc.get_array().get(devices)) {
        return broken_page(err == simdjson::INCORRECT_TYPE ? "not a JSON array" : "not JSON", err,
                           0);
    }
    int index = 0;
    for (auto element : devices) {
        simdjson::ondemand::value device;
        if (auto err = element.get(device)) return broken_page("broken JSON", err, index);
        ++stats.elements;
        const MapOutcome outcome = mapper_.map(device, collected_at, record_);
        stats.tolerated += outcome.tolerated;
        if (outcome.fatal) return broken_page("broken JSON", outcome.fatal, index);
        if (outcome.skipped) {
            ++stats.skipped;
            on_skip(index, outcome.id, outcome.skip_reason);
        } else {
            const std::uint64_t h = id_hash(outcome.id);
            if (retry && std::find(emitted_.begin(), emitted_.end(), h) != emitted_.end()) {
                ++stats.already_emitted;
            } else {
                if (!emit(record_)) return asset_sdk::cancelled("the host asked the cycle to stop");
                emitted_.push_back(h);
                ++stats.devices;
                if (outcome.last_updated_ms &&
                    (!stats.max_last_updated_ms ||
                     *outcome.last_updated_ms > *stats.max_last_updated_ms)) {
                    stats.max_last_updated_ms = outcome.last_updated_ms;
                }
            }
        }
        ++index;
    }
    // After the array nothing may follow: current_location() is OUT_OF_BOUNDS only at the end.
    if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS) {
        return Status(StatusCode::kProtocol,
                      "Okta returned a malformed devices page (unexpected content after the "
                      "array)");
    }
    return Status::ok();
}

}  // namespace okta_device
