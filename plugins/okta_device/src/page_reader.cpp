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

// Errors of a text simdjson cannot decode, as opposed to a broken structure.
bool is_decoding_error(simdjson::error_code err) {
    return err == simdjson::UTF8_ERROR || err == simdjson::UNESCAPED_CHARS ||
           err == simdjson::STRING_ERROR;
}

std::uint64_t id_hash(std::string_view id) {
    return std::hash<std::string_view>{}(id);
}

void keep_padding(std::string& text) {
    if (text.capacity() < text.size() + simdjson::SIMDJSON_PADDING) {
        text.reserve(text.size() + simdjson::SIMDJSON_PADDING);
    }
}

}  // namespace

Status PageReader::read(std::string& body, asset_sdk::SystemTime collected_at, bool retry,
                        const EmitFn& emit, const SkipFn& on_skip, PageStats& stats) {
    stats = PageStats{};
    if (!retry) emitted_.clear();
    attempt_start_ = emitted_.size();
    next_skip_to_report_ = 0;
    if (record_.capacity() < 4096) record_.reserve(4096);
    keep_padding(body);

    const Status first = read_devices(body, collected_at, retry, emit, on_skip, stats);
    if (first.is_ok() || !undecodable_ || !asset_sdk::json_structure_complete(body)) return first;
    // Complete but undecodable: reading it again as it is would fail the same way forever.
    stats.repairs = asset_sdk::repair_json_strings(body, repaired_);
    if (stats.repairs.total() == 0) return first;  // nothing to repair: the structure is bad
    keep_padding(repaired_);
    // Counted again by the second pass, which reads the whole page (devices are not: those sent
    // by the first pass are skipped silently).
    stats.skipped = stats.tolerated = stats.elements = stats.already_emitted = 0;
    return read_devices(repaired_, collected_at, /*dedup=*/true, emit, on_skip, stats);
}

Status PageReader::read_devices(std::string& text, asset_sdk::SystemTime collected_at, bool dedup,
                                const EmitFn& emit, const SkipFn& on_skip, PageStats& stats) {
    undecodable_ = false;
    auto broken = [this](std::string_view what, simdjson::error_code err, int element) {
        undecodable_ = is_decoding_error(err);
        return broken_page(what, err, element);
    };
    simdjson::ondemand::document doc;
    if (auto err = parser_.iterate(text.data(), text.size(), text.capacity()).get(doc)) {
        return broken("not JSON", err, 0);
    }
    simdjson::ondemand::array devices;
    if (auto err = doc.get_array().get(devices)) {
        return broken(err == simdjson::INCORRECT_TYPE ? "not a JSON array" : "not JSON", err, 0);
    }
    int index = 0;
    for (auto element : devices) {
        simdjson::ondemand::value device;
        if (auto err = element.get(device)) return broken("broken JSON", err, index);
        ++stats.elements;
        const MapOutcome outcome = mapper_.map(device, collected_at, record_);
        stats.tolerated += outcome.tolerated;
        if (outcome.fatal) return broken("broken JSON", outcome.fatal, index);
        if (outcome.skipped) {
            ++stats.skipped;
            if (index >= next_skip_to_report_) on_skip(index, outcome.id, outcome.skip_reason);
            next_skip_to_report_ = std::max(next_skip_to_report_, index + 1);
        } else if (!deliver(outcome, dedup, emit, stats)) {
            return asset_sdk::cancelled("the host asked the cycle to stop");
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

bool PageReader::deliver(const MapOutcome& outcome, bool dedup, const EmitFn& emit,
                         PageStats& stats) {
    const std::uint64_t h = id_hash(outcome.id);
    if (dedup) {
        const auto found = std::find(emitted_.begin(), emitted_.end(), h);
        if (found != emitted_.end()) {
            // Sent by an earlier attempt (counted), or by this attempt before a repair.
            if (static_cast<std::size_t>(found - emitted_.begin()) < attempt_start_) {
                ++stats.already_emitted;
            }
            return true;
        }
    }
    if (!emit(record_)) return false;
    emitted_.push_back(h);
    ++stats.devices;
    if (outcome.last_updated_ms &&
        (!stats.max_last_updated_ms || *outcome.last_updated_ms > *stats.max_last_updated_ms)) {
        stats.max_last_updated_ms = outcome.last_updated_ms;
    }
    return true;
}

}  // namespace okta_device
