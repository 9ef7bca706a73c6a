// The OCSF envelope of a record: what every OCSF event carries whatever its class —
// classification (class, category, activity, type), severity, time and metadata (product,
// schema version) — written with JsonWriter at the start of the event object. The plugin then
// writes its class's own fields and closes the object:
//
//   static const asset_sdk::ocsf::Envelope kEnvelope({
//       asset_sdk::ocsf::kDeviceInventoryInfo, asset_sdk::ocsf::kActivityCollect,
//       asset_sdk::ocsf::Severity::kInformational, {"My Source", "My Vendor", ""}, "1.6.0",
//       asset_sdk::ocsf::TimeUnit::kMilliseconds});
//   asset_sdk::JsonWriter w(out);
//   kEnvelope.begin(w, collected_at_ms);   // {"activity_id":2,...,"metadata":{...}
//   w.key("device").begin_object() ... .end_object();
//   w.end_object();
//
// Building the envelope once and reusing it keeps a record's cost to the fields it writes (no
// allocation). Vendor-neutral: nothing here knows a source or a destination.
#pragma once

#include <asset_sdk/json_writer.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace asset_sdk::ocsf {

// An event class and its category, e.g. Device Inventory Info (5001) in Discovery (5).
struct EventClass {
    int uid;
    std::string_view name;
    int category_uid;
    std::string_view category_name;
};

// An activity of the class, e.g. Collect (2).
struct Activity {
    int id;
    std::string_view name;
};

inline constexpr EventClass kDeviceInventoryInfo{5001, "Device Inventory Info", 5, "Discovery"};
inline constexpr Activity kActivityCollect{2, "Collect"};

// OCSF severity_id; its name is written as "severity".
enum class Severity {
    kUnknown = 0,
    kInformational = 1,
    kLow = 2,
    kMedium = 3,
    kHigh = 4,
    kCritical = 5,
    kFatal = 6,
    kOther = 99,
};
std::string_view severity_name(Severity severity);

// How timestamps are written. OCSF's timestamp_t is epoch milliseconds (an integer); some
// consumers expect epoch seconds, where the milliseconds become the fraction (an integer when
// there are none).
enum class TimeUnit { kMilliseconds, kSeconds };

// metadata.product. An empty version is left out.
struct Product {
    std::string_view name;
    std::string_view vendor_name;
    std::string_view version;
};

struct EnvelopeSpec {
    EventClass event_class;
    Activity activity;
    Severity severity = Severity::kInformational;
    Product product;
    std::string_view schema_version;  // metadata.version, the OCSF version, e.g. "1.6.0"
    TimeUnit time_unit = TimeUnit::kMilliseconds;
};

class Envelope {
public:
    // Writes what it will copy into every event from `spec`, and derives type_uid (class_uid * 100
    // + activity_id) and type_name ("<class name>: <activity name>") as OCSF defines them.
    explicit Envelope(const EnvelopeSpec& spec);

    // Opens the event object and writes, in this order: activity_id, activity_name,
    // category_name, category_uid, class_name, class_uid, type_name, type_uid, severity,
    // severity_id, time, metadata {product {name, vendor_name[, version]}, version}.
    void begin(JsonWriter& w, std::int64_t time_epoch_ms) const;

    // `key`: a timestamp in this envelope's time unit (for the class's other time fields).
    void write_time(JsonWriter& w, std::string_view key, std::int64_t epoch_ms) const;
    void write_time(JsonWriter& w, JsonKey key, std::int64_t epoch_ms) const;  // "created_time"_key

    std::int64_t type_uid() const { return type_uid_; }
    const std::string& type_name() const { return type_name_; }

private:
    TimeUnit time_unit_;
    std::int64_t type_uid_;
    std::string type_name_;
    // The envelope's members are the same for every event but `time`: written once, here, with
    // JsonWriter (so escaped as any value), and copied into each record by begin() instead of
    // being written field by field (tests/bench/README.md, "Issue 14, session 7").
    std::string head_;      // "activity_id":2,...,"severity_id":1 — the members before `time`
    std::string metadata_;  // "metadata":{...} — the member after it
};

// A timestamp in `unit` (see TimeUnit).
void write_timestamp(JsonWriter& w, std::string_view key, std::int64_t epoch_ms, TimeUnit unit);
void write_timestamp(JsonWriter& w, JsonKey key, std::int64_t epoch_ms, TimeUnit unit);

}  // namespace asset_sdk::ocsf
