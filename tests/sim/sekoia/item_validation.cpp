#include "item_validation.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace sekoiasim {

namespace {

using nlohmann::json;

// The enumerations of the SDK's OCSF models (sekoia_automation/asset_connector/models/ocsf).
constexpr std::array<int, 8> kDeviceTypeIds = {0, 1, 2, 5, 6, 9, 10, 99};
constexpr std::array<std::string_view, 8> kDeviceTypes = {
    "Unknown", "Server", "Desktop", "Mobile", "Virtual", "Firewall", "Switch", "Other"};
constexpr std::array<int, 12> kOsTypeIds = {0,   99,  100, 101, 200, 201,
                                            300, 301, 302, 400, 401, 402};
constexpr std::array<std::string_view, 12> kOsTypes = {
    "unknown", "other", "windows", "windows mobile", "linux", "android",
    "macos",   "ios",   "ipados",  "solaris",        "aix",   "hp-ux"};
constexpr std::array<std::string_view, 8> kSeverities = {
    "Unknown", "Informational", "Low", "Medium", "High", "Critical", "Fatal", "Other"};
constexpr std::array<std::string_view, 6> kRiskLevels = {"Info", "Low",      "Medium",
                                                         "High", "Critical", "Other"};
constexpr std::array<std::string_view, 2> kEnabledDisabled = {"Disabled", "Enabled"};

// Optional Device fields by JSON type (the SDK's Device model).
constexpr std::array<std::string_view, 8> kDeviceBools = {
    "is_backed_up", "is_compliant", "is_managed",    "is_mobile_account_active",
    "is_personal",  "is_shared",    "is_supervised", "is_trusted"};
constexpr std::array<std::string_view, 4> kDeviceTimes = {"boot_time", "created_time",
                                                          "first_seen_time", "last_seen_time"};
constexpr std::array<std::string_view, 17> kDeviceStrings = {
    "autoscale_uid", "boot_uid", "desc", "domain",  "eid",        "hypervisor",
    "iccid",         "ip",       "meid", "model",   "name",       "os_machine_uuid",
    "region",        "subnet",   "udid", "uid_alt", "vendor_name"};

template <typename T, std::size_t N, typename V>
bool one_of(const std::array<T, N>& set, const V& v) {
    return std::find(set.begin(), set.end(), v) != set.end();
}

template <std::size_t N>
std::string list(const std::array<std::string_view, N>& set) {
    std::string out;
    for (auto s : set) {
        if (!out.empty()) out += ", ";
        out += s;
    }
    return out;
}

const char* type_name(const json& v) {
    if (v.is_null()) return "null";
    if (v.is_boolean()) return "boolean";
    if (v.is_number_integer()) return "integer";
    if (v.is_number()) return "number";
    if (v.is_string()) return "string";
    if (v.is_array()) return "array";
    return "object";
}

// Checks run in order; the first problem wins (pydantic reports all, one is enough for us).
class Checker {
public:
    explicit Checker(std::string prefix) : prefix_(std::move(prefix)) {}
    std::optional<ValidationError> error;

    // A required field with a JSON type; returns the value or nullptr (error recorded).
    const json* require(const json& obj, std::string_view key, std::string_view type) {
        if (error) return nullptr;
        auto it = obj.find(std::string(key));
        if (it == obj.end() || it->is_null()) {
            fail(std::string(key), "field required");
            return nullptr;
        }
        if (!has_type(*it, type)) {
            fail(std::string(key), "expected " + std::string(type) + ", got " + type_name(*it));
            return nullptr;
        }
        return &*it;
    }
    // An optional field; absent or null is fine. Returns the value when present.
    const json* optional(const json& obj, std::string_view key, std::string_view type) {
        if (error) return nullptr;
        auto it = obj.find(std::string(key));
        if (it == obj.end() || it->is_null()) return nullptr;
        if (!has_type(*it, type)) {
            fail(std::string(key), "expected " + std::string(type) + ", got " + type_name(*it));
            return nullptr;
        }
        return &*it;
    }
    void fail(const std::string& field, const std::string& problem) {
        if (!error) error = ValidationError{"VALIDATION_ERROR", prefix_ + field + ": " + problem};
    }
    Checker nested(const std::string& field) const { return Checker(prefix_ + field + "."); }
    void adopt(Checker& inner) {
        if (!error && inner.error) error = inner.error;
    }

private:
    static bool has_type(const json& v, std::string_view type) {
        if (type == "integer") return v.is_number_integer();  // booleans are not integers
        if (type == "number") return v.is_number();           // ints coerce to float
        if (type == "string") return v.is_string();
        if (type == "boolean") return v.is_boolean();
        if (type == "object") return v.is_object();
        if (type == "array") return v.is_array();
        return false;
    }
    std::string prefix_;
};

void check_metadata(const json& metadata, Checker& c) {
    Checker m = c.nested("metadata");
    if (const json* product = m.require(metadata, "product", "object")) {
        Checker p = m.nested("product");
        p.require(*product, "name", "string");
        p.optional(*product, "vendor_name", "string");
        p.optional(*product, "version", "string");
        m.adopt(p);
    }
    m.require(metadata, "version", "string");
    c.adopt(m);
}

void check_os(const json& os, Checker& c) {
    Checker o = c.nested("os");
    o.optional(os, "name", "string");
    if (const json* type = o.optional(os, "type", "string")) {
        if (!one_of(kOsTypes, type->get<std::string>())) {
            o.fail("type", "'" + type->get<std::string>() + "' is not one of " + list(kOsTypes));
        }
    }
    if (const json* type_id = o.optional(os, "type_id", "integer")) {
        if (!one_of(kOsTypeIds, type_id->get<long long>())) {
            o.fail("type_id", std::to_string(type_id->get<long long>()) + " is not an OS type id");
        }
    }
    c.adopt(o);
}

void check_device(const json& device, Checker& c) {
    Checker d = c.nested("device");
    if (const json* type_id = d.require(device, "type_id", "integer")) {
        if (!one_of(kDeviceTypeIds, type_id->get<long long>())) {
            d.fail("type_id",
                   std::to_string(type_id->get<long long>()) + " is not a device type id");
        }
    }
    if (const json* type = d.require(device, "type", "string")) {
        if (!one_of(kDeviceTypes, type->get<std::string>())) {
            d.fail("type",
                   "'" + type->get<std::string>() + "' is not one of " + list(kDeviceTypes));
        }
    }
    if (const json* uid = d.require(device, "uid", "string")) {
        // Stricter than Sekoia: an empty uid cannot identify a device (and we count by uid).
        if (uid->get_ref<const std::string&>().empty()) d.fail("uid", "must not be empty");
    }
    d.require(device, "hostname", "string");
    for (auto key : kDeviceBools) d.optional(device, key, "boolean");
    for (auto key : kDeviceTimes) d.optional(device, key, "number");
    for (auto key : kDeviceStrings) d.optional(device, key, "string");
    d.optional(device, "risk_score", "integer");
    if (const json* level = d.optional(device, "risk_level", "string")) {
        if (!one_of(kRiskLevels, level->get<std::string>())) {
            d.fail("risk_level",
                   "'" + level->get<std::string>() + "' is not one of " + list(kRiskLevels));
        }
    }
    if (const json* imei = d.optional(device, "imei_list", "array")) {
        for (const auto& v : *imei) {
            if (!v.is_string()) d.fail("imei_list", "expected an array of strings");
        }
    }
    if (const json* os = d.optional(device, "os", "object")) check_os(*os, d);
    d.optional(device, "location", "object");
    d.optional(device, "org", "object");
    d.optional(device, "groups", "array");
    d.optional(device, "network_interfaces", "array");
    c.adopt(d);
}

void check_enrichments(const json& enrichments, Checker& c) {
    for (std::size_t i = 0; i < enrichments.size(); ++i) {
        const std::string field = "enrichments[" + std::to_string(i) + "]";
        const json& e = enrichments[i];
        if (!e.is_object()) {
            c.fail(field, "expected object, got " + std::string(type_name(e)));
            return;
        }
        Checker ec = c.nested(field);
        ec.optional(e, "name", "string");
        ec.optional(e, "value", "string");
        if (const json* data = ec.optional(e, "data", "object")) {
            Checker dc = ec.nested("data");
            if (const json* fw = dc.optional(*data, "Firewall_status", "string")) {
                if (!one_of(kEnabledDisabled, fw->get<std::string>())) {
                    dc.fail("Firewall_status", "must be Enabled or Disabled");
                }
            }
            if (const json* se = dc.optional(*data, "Storage_encryption", "object")) {
                Checker sc = dc.nested("Storage_encryption");
                if (const json* parts = sc.require(*se, "partitions", "object")) {
                    for (const auto& [name, state] : parts->items()) {
                        if (!state.is_string() ||
                            !one_of(kEnabledDisabled, state.get<std::string>())) {
                            sc.fail("partitions." + name, "must be \"Enabled\" or \"Disabled\"");
                        }
                    }
                }
                dc.adopt(sc);
            }
            if (const json* users = dc.optional(*data, "Users", "array")) {
                for (const auto& u : *users) {
                    if (!u.is_string()) dc.fail("Users", "expected an array of strings");
                }
            }
            dc.optional(*data, "Full_qualified_domain_name", "string");
            ec.adopt(dc);
        }
        c.adopt(ec);
    }
}

}  // namespace

std::optional<ValidationError> validate_item(const json& item, std::size_t index) {
    const std::string prefix = "items[" + std::to_string(index) + "]";
    if (!item.is_object()) {
        return ValidationError{"VALIDATION_ERROR",
                               prefix + ": expected object, got " + type_name(item)};
    }
    Checker c(prefix + ".");
    c.require(item, "activity_id", "integer");
    c.require(item, "activity_name", "string");
    c.require(item, "category_name", "string");
    c.require(item, "category_uid", "integer");
    c.require(item, "class_name", "string");
    if (const json* class_uid = c.require(item, "class_uid", "integer")) {
        if (class_uid->get<long long>() != 5001) {
            c.fail("class_uid", std::to_string(class_uid->get<long long>()) +
                                    " is not supported by this simulator (Device Inventory "
                                    "Info is 5001)");
        }
    }
    c.require(item, "type_name", "string");
    c.require(item, "type_uid", "integer");
    if (const json* severity = c.optional(item, "severity", "string")) {
        if (!one_of(kSeverities, severity->get<std::string>())) {
            c.fail("severity",
                   "'" + severity->get<std::string>() + "' is not one of " + list(kSeverities));
        }
    }
    c.optional(item, "severity_id", "integer");
    c.require(item, "time", "number");
    if (const json* metadata = c.require(item, "metadata", "object")) check_metadata(*metadata, c);
    if (const json* device = c.require(item, "device", "object")) check_device(*device, c);
    if (const json* enrichments = c.optional(item, "enrichments", "array")) {
        check_enrichments(*enrichments, c);
    }
    return c.error;
}

std::optional<ValidationError> validate_body(const json& body) {
    if (!body.is_object()) {
        return ValidationError{"INVALID_BODY",
                               std::string("body: expected a JSON object, got ") + type_name(body)};
    }
    auto version = body.find("version");
    if (version == body.end() || version->is_null()) {
        return ValidationError{"INVALID_BODY", "version: field required"};
    }
    if (!version->is_number_integer() || version->get<long long>() != 1) {
        return ValidationError{"INVALID_BODY",
                               "version: must be the integer 1, got " + version->dump()};
    }
    auto items = body.find("items");
    if (items == body.end()) return std::nullopt;  // the SDK model defaults items to []
    if (!items->is_array()) {
        return ValidationError{"INVALID_BODY",
                               std::string("items: expected an array, got ") + type_name(*items)};
    }
    for (std::size_t i = 0; i < items->size(); ++i) {
        if (auto error = validate_item((*items)[i], i)) return error;
    }
    return std::nullopt;
}

}  // namespace sekoiasim
