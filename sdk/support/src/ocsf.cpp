#include "asset_sdk/ocsf.h"

namespace asset_sdk::ocsf {

namespace {

// The value of a timestamp field (TimeUnit says how).
void write_time_value(JsonWriter& w, std::int64_t epoch_ms, TimeUnit unit) {
    if (unit == TimeUnit::kMilliseconds) {
        w.value(epoch_ms);
    } else if (epoch_ms % 1000 == 0) {
        w.value(static_cast<std::int64_t>(epoch_ms / 1000));
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
    : class_uid_(spec.event_class.uid),
      category_uid_(spec.event_class.category_uid),
      activity_id_(spec.activity.id),
      class_name_(spec.event_class.name),
      category_name_(spec.event_class.category_name),
      activity_name_(spec.activity.name),
      severity_(spec.severity),
      product_name_(spec.product.name),
      product_vendor_(spec.product.vendor_name),
      product_version_(spec.product.version),
      schema_version_(spec.schema_version),
      time_unit_(spec.time_unit),
      type_uid_(static_cast<std::int64_t>(class_uid_) * 100 + activity_id_),
      type_name_(class_name_ + ": " + activity_name_) {}

void Envelope::begin(JsonWriter& w, std::int64_t time_epoch_ms) const {
    w.begin_object();
    w.field("activity_id", activity_id_).field("activity_name", std::string_view(activity_name_));
    w.field("category_name", std::string_view(category_name_)).field("category_uid", category_uid_);
    w.field("class_name", std::string_view(class_name_)).field("class_uid", class_uid_);
    w.field("type_name", std::string_view(type_name_)).field("type_uid", type_uid_);
    w.field("severity", severity_name(severity_)).field("severity_id", static_cast<int>(severity_));
    write_time(w, "time", time_epoch_ms);
    w.key("metadata").begin_object();
    w.key("product").begin_object();
    w.field("name", std::string_view(product_name_));
    w.field("vendor_name", std::string_view(product_vendor_));
    if (!product_version_.empty()) w.field("version", std::string_view(product_version_));
    w.end_object();
    w.field("version", std::string_view(schema_version_));
    w.end_object();
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
