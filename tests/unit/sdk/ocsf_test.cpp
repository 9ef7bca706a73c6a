// The OCSF envelope writer: the exact bytes both shipped plugins produce, the derived type_uid
// and type_name, and the two time units.
#include <asset_sdk/json_writer.h>
#include <asset_sdk/ocsf.h>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

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

namespace {

// A time in seconds as the writer wrote it before it formatted the decimal itself: whole seconds
// as an integer, else the double's shortest round-trip text (std::to_chars).
std::string seconds_by_double(std::int64_t epoch_ms) {
    char buf[64];
    const auto end = epoch_ms % 1000 == 0
                         ? std::to_chars(buf, buf + sizeof buf, epoch_ms / 1000).ptr
                         : std::to_chars(buf, buf + sizeof buf, epoch_ms / 1000.0).ptr;
    return std::string(buf, end);
}

std::string seconds_written(std::int64_t epoch_ms) {
    std::string out;
    asset_sdk::JsonWriter w(out);
    w.begin_object();
    ocsf::write_timestamp(w, "t", epoch_ms, ocsf::TimeUnit::kSeconds);
    return out.substr(5);  // after {"t":
}

}  // namespace

TEST_CASE("seconds are the same text as the shortest double, over every length of time") {
    std::vector<std::int64_t> times;
    // Every value around the ends of the decimal path (1,000 ms and 10^15 ms), around every power
    // of ten between, and small and negative ones (the double path).
    for (std::int64_t ms = -5'000; ms <= 200'000; ++ms) times.push_back(ms);
    for (std::int64_t p = 10'000; p <= 100'000'000'000'000'000; p *= 10) {
        for (std::int64_t d = -2'000; d <= 2'000; ++d) times.push_back(p + d);
    }
    // Random times of every length, and times with each of the 1,000 fractions.
    std::mt19937_64 rng(20261202);
    for (std::int64_t lo = 1'000; lo < 1'000'000'000'000'000'000; lo *= 10) {
        std::uniform_int_distribution<std::int64_t> pick(lo, lo * 10 - 1);
        for (int i = 0; i < 40'000; ++i) times.push_back(pick(rng));
    }
    std::uniform_int_distribution<std::int64_t> seconds(1, 999'999'999'999);
    for (int i = 0; i < 300; ++i) {
        const std::int64_t s = seconds(rng) * 1000;
        for (std::int64_t f = 0; f < 1000; ++f) times.push_back(s + f);
    }
    times.push_back(INT64_MAX);
    times.push_back(INT64_MIN + 1);

    std::size_t differ = 0;
    for (const std::int64_t ms : times) {
        const std::string written = seconds_written(ms);
        const std::string expected = seconds_by_double(ms);
        if (written != expected && ++differ <= 5) {
            CHECK_MESSAGE(written == expected, ms << " ms: " << written << " vs " << expected);
        }
    }
    CHECK(differ == 0);
    CHECK(times.size() > 1'000'000);
    CHECK(seconds_written(1'700'000'000'005) == "1700000000.005");
    CHECK(seconds_written(1'700'000'000'050) == "1700000000.05");
    CHECK(seconds_written(1'001) == "1.001");
    CHECK(seconds_written(999'999'999'999'999) == "999999999999.999");
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
