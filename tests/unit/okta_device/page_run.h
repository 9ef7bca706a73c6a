// Runs the Okta page reader over a body and keeps what it emitted and skipped (unit tests).
#pragma once

#include "page_reader.h"

#include <asset_sdk/time_util.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace oktatest {

inline const asset_sdk::SystemTime kCollected = *asset_sdk::parse_iso8601("2024-06-01T00:00:00Z");

struct PageRun {
    asset_sdk::Status status;
    std::vector<nlohmann::json> records;
    std::vector<std::string> raw;
    std::vector<std::string> skips;  // "index:id:reason"
    okta_device::PageStats stats;
};

inline PageRun read_page(okta_device::PageReader& reader, std::string body, bool retry = false) {
    PageRun run;
    run.status = reader.read(
        body, kCollected, retry,
        [&](std::string_view record) {
            run.raw.emplace_back(record);
            run.records.push_back(nlohmann::json::parse(record));
            return true;
        },
        [&](int index, std::string_view id, std::string_view reason) {
            run.skips.push_back(std::to_string(index) + ":" + std::string(id) + ":" +
                                std::string(reason));
        },
        run.stats);
    return run;
}

inline PageRun read_page(std::string body) {
    okta_device::PageReader reader;
    return read_page(reader, std::move(body));
}

}  // namespace oktatest
