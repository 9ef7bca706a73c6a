#include "asset_sdk/ocsf.h"

#include <charconv>
#include <cstdint>

namespace asset_sdk::ocsf {

namespace {

using namespace json_literals;

// Milliseconds from which (exclusive) and below which seconds_text() writes the same text as
// std::to_chars(double(ms) / 1000.0); outside, the double path writes them.
inline constexpr std::int64_t kDecimalSecondsFrom = 1'000;
inline constexpr std::int64_t kDecimalSecondsBelow = 1'000'000'000'000'000;  // 10^15

// `epoch_ms` in seconds, as the decimal "<seconds>.<ms>" without trailing zeros: 1700000000.25.
// Why not to_chars(double): it was 2.3 k of the plugin's ~35 k instructions per device (five
// times per record), and for kDecimalSecondsFrom < ms < kDecimalSecondsBelow with a fraction it
// writes exactly this text. ms / 1000.0 is the double nearest to this decimal (IEEE division
// rounds correctly; both operands are exact); the decimal has at most 15 significant digits, and
// two decimals of at most 15 digits (DBL_DIG) never round to the same double, so no shorter
// string parses back to it; and with a whole part of 1 or more and a fraction, the fixed form is
// shorter than the scientific one ("1.5" against "1.5e+00"), which to_chars picks (a tie would
// go to fixed too). tests/unit/sdk/ocsf_test.cpp compares both over millions of values.
char* seconds_text(char* out, std::int64_t epoch_ms) {
    const auto whole = static_cast<std::uint64_t>(epoch_ms / 1000);
    auto fraction = static_cast<unsigned>(epoch_ms % 1000);
    out = std::to_chars(out, out + 20, whole).ptr;
    *out++ = '.';
    *out++ = static_cast<char>('0' + fraction / 100);
    fraction %= 100;
    if (fraction == 0) return out;
    *out++ = static_cast<char>('0' + fraction / 10);
    fraction %= 10;
    if (fraction == 0) return out;
    *out++ = static_cast<char>('0' + fraction);
    return out;
}

// The value of a timestamp field (TimeUnit says how).
void write_time_value(JsonWriter& w, std::int64_t epoch_ms, TimeUnit unit) {
    if (unit == TimeUnit::kMilliseconds) {
        w.value(epoch_ms);
    } else if (epoch_ms % 1000 == 0) {
        w.value(static_cast<std::int64_t>(epoch_ms / 1000));
    } else if (epoch_ms > kDecimalSecondsFrom && epoch_ms < kDecimalSecondsBelow) {
        char buf[32];
        w.raw(std::string_view(buf, static_cast<std::size_t>(seconds_text(buf, epoch_ms) - buf)));
    } else {
        w.value(static_cast<double>(epoch_ms) / 1000.0);
    }
}

}  // namespace

std::string_view severity_name(Severity severity) {
    switch (severity) {
        case Severity::kUnknown:
            return "Unknown";
        case Severity::kInformational:
            return "Informational";
        case Severity::kLow:
            return "Low";
        case Severity::kMedium:
            return "Medium";
        case Severity::kHigh:
            return "High";
        case Severity::kCritical:
            return "Critical";
        case Severity::kFatal:
            return "Fatal";
        case Severity::kOther:
            return "Other";
    }
    return "Unknown";
}

Envelope::Envelope(const EnvelopeSpec& spec)
    : time_unit_(spec.time_unit),
      type_uid_(static_cast<std::int64_t>(spec.event_class.uid) * 100 + spec.activity.id),
      type_name_(std::string(spec.event_class.name) + ": " + std::string(spec.activity.name)) {
    // Each part is written as the members of an object whose '{' is then dropped.
    {
        JsonWriter w(head_);
        w.begin_object();
        w.field("activity_id", spec.activity.id).field("activity_name", spec.activity.name);
        w.field("category_name", spec.event_class.category_name)
            .field("category_uid", spec.event_class.category_uid);
        w.field("class_name", spec.event_class.name).field("class_uid", spec.event_class.uid);
        w.field("type_name", std::string_view(type_name_)).field("type_uid", type_uid_);
        w.field("severity", severity_name(spec.severity))
            .field("severity_id", static_cast<int>(spec.severity));
        head_.erase(0, 1);
    }
    JsonWriter w(metadata_);
    w.begin_object();
    w.key("metadata").begin_object();
    w.key("product").begin_object();
    w.field("name", spec.product.name);
    w.field("vendor_name", spec.product.vendor_name);
    if (!spec.product.version.empty()) w.field("version", spec.product.version);
    w.end_object();
    w.field("version", spec.schema_version);
    w.end_object();
    metadata_.erase(0, 1);
}

void Envelope::begin(JsonWriter& w, std::int64_t time_epoch_ms) const {
    w.begin_object();
    w.members(head_);
    write_time(w, "time"_key, time_epoch_ms);
    w.members(metadata_);
}

void Envelope::write_time(JsonWriter& w, std::string_view key, std::int64_t epoch_ms) const {
    write_timestamp(w, key, epoch_ms, time_unit_);
}

void Envelope::write_time(JsonWriter& w, JsonKey key, std::int64_t epoch_ms) const {
    write_timestamp(w, key, epoch_ms, time_unit_);
}

void write_timestamp(JsonWriter& w, std::string_view key, std::int64_t epoch_ms, TimeUnit unit) {
    w.key(key);
    write_time_value(w, epoch_ms, unit);
}

void write_timestamp(JsonWriter& w, JsonKey key, std::int64_t epoch_ms, TimeUnit unit) {
    w.key(key);
    write_time_value(w, epoch_ms, unit);
}

}  // namespace asset_sdk::ocsf
