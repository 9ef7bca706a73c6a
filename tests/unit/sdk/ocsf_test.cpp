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
