// The OCSF envelope writer: the exact bytes both shipped plugins produce, the derived type_uid
// and type_name, and the two time units.
#include <asset_sdk/json_writer.h>
#include <asset_sdk/ocsf.h>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

namespace ocsf = asset_sdk::ocsf;

namespace {

std::string envelope_only(const ocsf::Envelope& envelope, std::int64_t time_ms) {
    std::string out;
    asset_sdk::JsonWriter w(out);
    envelope.begin(w, time_ms);
    w.end_object();
    return out;
}

ocsf::EnvelopeSpec device_inventory(ocsf::TimeUnit unit) {
    return {ocsf::kDeviceInventoryInfo,
            ocsf::kActivityCollect,
            ocsf::Severity::kInformational,
            {"asset-host example", "asset-host", ""},
            "1.6.0",
            unit};
}

}  // namespace

TEST_CASE("the envelope of a Device Inventory Info record, byte for byte") {
    const ocsf::Envelope envelope(device_inventory(ocsf::TimeUnit::kSeconds));
    std::string out;
    asset_sdk::JsonWriter w(out);
    envelope.begin(w, 1'700'000'000'000);
    w.key("device").begin_object().field("uid", "d-1").end_object();
    w.end_object();
    CHECK(out ==
          R"({"activity_id":2,"activity_name":"Collect","category_name":"Discovery",)"
          R"("category_uid":5,"class_name":"Device Inventory Info","class_uid":5001,)"
          R"("type_name":"Device Inventory Info: Collect","type_uid":500102,)"
          R"("severity":"Informational","severity_id":1,"time":1700000000,)"
          R"("metadata":{"product":{"name":"asset-host example","vendor_name":"asset-host"},)"
          R"("version":"1.6.0"},"device":{"uid":"d-1"}})");
    CHECK(envelope.type_uid() == 500102);
    CHECK(envelope.type_name() == "Device Inventory Info: Collect");
}

TEST_CASE("type_uid and type_name follow OCSF's rule for any class and activity") {
    const ocsf::Envelope envelope({{3002, "Authentication", 3, "Identity & Access Management"},
                                   {1, "Logon"},
                                   ocsf::Severity::kHigh,
                                   {"Product", "Vendor", "2.1"},
                                   "1.3.0",
                                   ocsf::TimeUnit::kMilliseconds});
    const auto j = nlohmann::json::parse(envelope_only(envelope, 1'700'000'000'123));
    CHECK(j["type_uid"] == 300201);
    CHECK(j["type_name"] == "Authentication: Logon");
    CHECK(j["category_name"] == "Identity & Access Management");
    CHECK(j["severity"] == "High");
    CHECK(j["severity_id"] == 4);
    CHECK(j["time"] == 1'700'000'000'123);  // OCSF's timestamp_t: milliseconds
    CHECK(j["metadata"]["product"]["version"] == "2.1");
    CHECK(j["metadata"]["version"] == "1.3.0");
}

TEST_CASE("seconds keep the milliseconds as a fraction, and are whole when there are none") {
    const ocsf::Envelope envelope(device_inventory(ocsf::TimeUnit::kSeconds));
    std::string out;
    asset_sdk::JsonWriter w(out);
    w.begin_object();
    envelope.write_time(w, "whole", 1'700'000'000'000);
    envelope.write_time(w, "fraction", 1'700'000'000'250);
    ocsf::write_timestamp(w, "ms", 1'700'000'000'250, ocsf::TimeUnit::kMilliseconds);
    w.end_object();
    CHECK(out == R"({"whole":1700000000,"fraction":1700000000.25,"ms":1700000000250})");
}

TEST_CASE("every severity has its OCSF name") {
    CHECK(ocsf::severity_name(ocsf::Severity::kUnknown) == "Unknown");
    CHECK(ocsf::severity_name(ocsf::Severity::kInformational) == "Informational");
    CHECK(ocsf::severity_name(ocsf::Severity::kCritical) == "Critical");
    CHECK(ocsf::severity_name(ocsf::Severity::kFatal) == "Fatal");
    CHECK(ocsf::severity_name(ocsf::Severity::kOther) == "Other");
}

namespace {

// The envelope as begin() wrote it field by field before it copied members written once by the
// constructor: the new begin() must write the same bytes for any spec.
void reference_begin(asset_sdk::JsonWriter& w, const ocsf::EnvelopeSpec& spec, std::int64_t ms) {
    const std::string type_name =
        std::string(spec.event_class.name) + ": " + std::string(spec.activity.name);
    w.begin_object();
    w.field("activity_id", spec.activity.id).field("activity_name", spec.activity.name);
    w.field("category_name", spec.event_class.category_name)
        .field("category_uid", spec.event_class.category_uid);
    w.field("class_name", spec.event_class.name).field("class_uid", spec.event_class.uid);
    w.field("type_name", std::string_view(type_name))
        .field("type_uid",
               static_cast<std::int64_t>(spec.event_class.uid) * 100 + spec.activity.id);
    w.field("severity", ocsf::severity_name(spec.severity))
        .field("severity_id", static_cast<int>(spec.severity));
    ocsf::write_timestamp(w, "time", ms, spec.time_unit);
    w.key("metadata").begin_object();
    w.key("product").begin_object();
    w.field("name", spec.product.name);
    w.field("vendor_name", spec.product.vendor_name);
    if (!spec.product.version.empty()) w.field("version", spec.product.version);
    w.end_object();
    w.field("version", spec.schema_version);
    w.end_object();
}

}  // namespace

TEST_CASE("the envelope writes the same bytes as writing its fields one by one") {
    const ocsf::EnvelopeSpec specs[] = {
        device_inventory(ocsf::TimeUnit::kSeconds),
        device_inventory(ocsf::TimeUnit::kMilliseconds),
        {{3002, "Authentication", 3, "Identity & Access Management"},
         {1, "Logon"},
         ocsf::Severity::kHigh,
         {"Pro\"duct\\", "Vendor\n\xC3\xA9\xFF", "2.1"},  // escapes, UTF-8, an invalid byte
         "1.3.0",
         ocsf::TimeUnit::kMilliseconds},
        {{0, "", 0, ""},
         {0, ""},
         ocsf::Severity::kOther,
         {"", "", ""},
         "",
         ocsf::TimeUnit::kSeconds},
    };
    for (const auto& spec : specs) {
        const ocsf::Envelope envelope(spec);
        for (const std::int64_t ms :
             {std::int64_t{1'700'000'000'000}, std::int64_t{1'700'000'000'250},
              std::int64_t{-1'500}, std::int64_t{0}}) {
            // In an array after another element (the comma), with the class's own field after it.
            std::string expected, actual;
            asset_sdk::JsonWriter e(expected), a(actual);
            e.begin_array().value(1);
            a.begin_array().value(1);
            reference_begin(e, spec, ms);
            envelope.begin(a, ms);
            e.field("device", "d").end_object().end_array();
            a.field("device", "d").end_object().end_array();
            CHECK(actual == expected);
            CHECK(nlohmann::json::parse(actual).size() == 2);
        }
    }
}
