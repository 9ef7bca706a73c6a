// A HostIo for tests: keeps every log line, record and checkpoint marker in memory, and can
// cancel the cycle after N records or when told.
#pragma once

#include "host_io.h"

#include <atomic>
#include <string>
#include <vector>

namespace okta_device::testing {

struct LogLine {
    ah_log_level level;
    std::string text;
};

class CollectingIo final : public HostIo {
public:
    void log(ah_log_level level, std::string_view message) override {
        logs.push_back({level, std::string(message)});
    }
    bool emit(std::string_view record) override {
        records.emplace_back(record);
        if (stop_after_records >= 0 && static_cast<long>(records.size()) >= stop_after_records) {
            return false;
        }
        return true;
    }
    bool checkpoint(std::string_view marker) override {
        markers.emplace_back(marker);
        return true;
    }
    bool cancelled() override { return cancel.load(); }

    // Every log line joined, for "the token appears nowhere" checks.
    std::string all_logs() const {
        std::string out;
        for (const auto& l : logs) out += l.text + "\n";
        return out;
    }
    int count(ah_log_level level) const {
        int n = 0;
        for (const auto& l : logs) n += l.level == level;
        return n;
    }

    std::vector<LogLine> logs;
    std::vector<std::string> records;
    std::vector<std::string> markers;
    std::atomic<bool> cancel{false};
    long stop_after_records = -1;
};

}  // namespace okta_device::testing
