// Sekoia's DeviceEnrichmentObject list: {name, value, data}. Its 1.22 SDK requires all three, so
// `data` is always present ({} when there is nothing structured to add), and only Sekoia's
// DeviceDataObject keys go inside it. The array is opened by the first entry, so a device
// without enrichments has no "enrichments" key.
#pragma once

#include <asset_sdk/json_writer.h>

#include <string_view>
#include <vector>

namespace okta_device {

using namespace asset_sdk::json_literals;

class EnrichmentList {
public:
    explicit EnrichmentList(asset_sdk::JsonWriter& w) : w_(w) {}
    ~EnrichmentList() {
        if (open_) w_.end_array();
    }
    EnrichmentList(const EnrichmentList&) = delete;
    EnrichmentList& operator=(const EnrichmentList&) = delete;

    // Opens an entry and its "data" object; the caller fills data and calls end().
    asset_sdk::JsonWriter& begin(std::string_view name, std::string_view value) {
        if (!open_) {
            w_.key("enrichments"_key).begin_array();
            open_ = true;
        }
        return w_.begin_object()
            .field("name"_key, name)
            .field("value"_key, value)
            .key("data"_key)
            .begin_object();
    }
    void end() { w_.end_object().end_object(); }
    void simple(std::string_view name, std::string_view value) {
        begin(name, value);
        end();
    }
    void flag(std::string_view name, bool value) { simple(name, value ? "true" : "false"); }
    // {"name": name, "value": value, "data": {"Users": [labels...]}}
    void users(std::string_view name, std::string_view value,
               const std::vector<std::string_view>& labels) {
        begin(name, value).key("Users"_key).begin_array();
        for (std::string_view l : labels) w_.value(l);
        w_.end_array();
        end();
    }

private:
    asset_sdk::JsonWriter& w_;
    bool open_ = false;
};

}  // namespace okta_device
