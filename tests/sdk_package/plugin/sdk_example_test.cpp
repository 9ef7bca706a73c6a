// The plugin's unit test: DevicesPlugin driven by a RecordingHost (no host process, no ABI).
#include "sdk_example.hpp"

#include <asset_host/recording_host.hpp>

#include <cstdio>

#define EXPECT(condition)                                                                 \
    do {                                                                                  \
        if (!(condition)) {                                                               \
            std::fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #condition); \
            return 1;                                                                     \
        }                                                                                 \
    } while (0)

int main() {
    asset_host::RecordingHost host;
    auto plugin = sdk_example::DevicesPlugin::create(R"({"records": 3})", host);
    EXPECT(plugin.is_ok());
    EXPECT((*plugin)->fetch({}).is_ok());
    EXPECT(host.records.size() == 3);
    EXPECT(host.records[0].find(R"("class_uid":5001)") != std::string::npos);
    EXPECT(host.records[2].find(R"("uid":"sdk-2")") != std::string::npos);
    EXPECT(host.markers.back() == R"({"next":3})");
    EXPECT(host.gauge_value("cycle_mode", {{"mode", "full"}}) == 1);
    EXPECT(host.refused_statistics.empty());

    // Resumed from a stored marker.
    asset_host::RecordingHost resumed;
    auto again = sdk_example::DevicesPlugin::create(R"({"records": 3})", resumed);
    asset_host::FetchRequest request;
    request.checkpoint = R"({"next":2})";
    EXPECT((*again)->fetch(request).is_ok());
    EXPECT(resumed.records.size() == 1);

    // The host stops the cycle after the first record because delivery failed.
    asset_host::RecordingHost failing;
    failing.stop_after_records = 1;
    failing.stop_with = AH_STOP_DELIVERY_FAILED;
    auto stopped = sdk_example::DevicesPlugin::create(R"({"records": 3})", failing);
    EXPECT((*stopped)->fetch({}).code() == asset_sdk::StatusCode::kCancelled);
    EXPECT(failing.all_logs() == "stopped: the host could not deliver the records\n");

    std::puts("sdk_example_test: ok");
    return 0;
}
