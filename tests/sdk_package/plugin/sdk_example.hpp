// A connector plugin built outside the asset-host tree with find_package(AssetHostSDK): `records`
// synthetic devices as OCSF Device Inventory Info events, a checkpoint marker {"next": n} after
// each, resumed from the stored marker. The class is in a header so that its unit test
// (sdk_example_test.cpp) drives it with a RecordingHost; sdk_example.cpp exports it.
#pragma once

#include <asset_sdk/json_writer.h>
#include <asset_sdk/ocsf.h>
#include <asset_host/plugin.hpp>

#include <charconv>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace sdk_example {

inline constexpr const char* kSchema = R"({
  "type": "object", "additionalProperties": false,
  "properties": {"records": {"type": "integer", "minimum": 0, "maximum": 1000, "default": 3}}
})";

// The integer after "<key>": in a small JSON object (the host validated it against kSchema; a
// real plugin would use a JSON library).
inline long read_int(std::string_view json, std::string_view key, long fallback) {
    const std::string quoted = "\"" + std::string(key) + "\":";
    const auto at = json.find(quoted);
    if (at == std::string_view::npos) return fallback;
    std::string_view rest = json.substr(at + quoted.size());
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    long value = fallback;
    std::from_chars(rest.data(), rest.data() + rest.size(), value);
    return value;
}

class DevicesPlugin final : public asset_host::Plugin {
public:
    static asset_sdk::Result<std::unique_ptr<DevicesPlugin>> create(std::string_view config,
                                                                    asset_host::Host& host) {
        return std::unique_ptr<DevicesPlugin>(
            new DevicesPlugin(read_int(config, "records", 3), host));
    }

    asset_sdk::Status test(asset_host::CheckReporter& report) override {
        report.ok("source", "synthetic devices are always reachable");
        return asset_sdk::Status::ok();
    }

    asset_sdk::Status fetch(const asset_host::FetchRequest& request) override {
        const long first =
            request.checkpoint && !request.full ? read_int(*request.checkpoint, "next", 0) : 0;
        const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        for (long n = first; n < records_; ++n) {
            if (host_.cancelled()) return stopped();
            record_.clear();
            asset_sdk::JsonWriter w(record_);
            envelope_.begin(w, now);
            w.key("device").begin_object();
            w.field("uid", "sdk-" + std::to_string(n)).field("type", "Server").field("type_id", 1);
            w.end_object();
            w.end_object();
            if (!host_.emit(record_)) return stopped();
            // The cycle summary's mode= and skipped= (reported with each marker).
            host_.cycle_mode(first == 0 ? "full" : "resumed");
            host_.records_skipped(0);
            if (!host_.checkpoint("{\"next\":" + std::to_string(n + 1) + "}")) return stopped();
        }
        return asset_sdk::Status::ok();
    }

private:
    DevicesPlugin(long records, asset_host::Host& host)
        : records_(records),
          host_(host),
          envelope_({asset_sdk::ocsf::kDeviceInventoryInfo,
                     asset_sdk::ocsf::kActivityCollect,
                     asset_sdk::ocsf::Severity::kInformational,
                     {"SDK example", "Example Corp", "0.1.0"},
                     "1.6.0",
                     asset_sdk::ocsf::TimeUnit::kMilliseconds}) {}

    // The host said stop: say why, and return "cancelled" (never an error: the host knows).
    asset_sdk::Status stopped() {
        host_.info("stopped: " + std::string(asset_host::describe(host_.stop_reason())));
        return asset_sdk::cancelled();
    }

    long records_;
    asset_host::Host& host_;
    asset_sdk::ocsf::Envelope envelope_;
    std::string record_;  // reused for every record
};

}  // namespace sdk_example
