#include "item_validation.h"

#include <algorithm>
#include <span>
#include <string_view>

namespace sekoiasim {

namespace {

using nlohmann::json;

// ---- Sekoia's OCSF models (sekoia-automation-sdk, asset_connector/models/ocsf), as a table ----

// The JSON shape of a field (kStrings: list[str]; kObjects: list of a model; kStates: a dict of
// "Enabled"/"Disabled"). kExpectedType below follows this order.
enum class Kind { kString, kInteger, kNumber, kBoolean, kObject, kStrings, kObjects, kStates };

struct Model;
struct Field {
    std::string_view name;
    Kind kind;
    bool required = false;
    const Model* model = nullptr;                // kObject, kObjects
    std::span<const std::string_view> one_of{};  // allowed strings (kString; kStates values)
    std::span<const int> ids{};                  // allowed integers (kInteger)
    std::string_view ids_problem{};              // what an integer outside `ids` is told
    bool non_empty = false;  // stricter than Sekoia: an empty device uid identifies nothing
};
struct Model {
    std::span<const Field> fields;
};

constexpr int kClassUid[] = {5001};  // this simulator accepts Device Inventory Info only
constexpr int kDeviceTypeIds[] = {0, 1, 2, 5, 6, 9, 10, 99};
constexpr std::string_view kDeviceTypes[] = {"Unknown", "Server",   "Desktop", "Mobile",
                                             "Virtual", "Firewall", "Switch",  "Other"};
constexpr int kOsTypeIds[] = {0, 99, 100, 101, 200, 201, 300, 301, 302, 400, 401, 402};
constexpr std::string_view kOsTypes[] = {"unknown", "other",   "windows", "windows mobile",
                                         "linux",   "android", "macos",   "ios",
                                         "ipados",  "solaris", "aix",     "hp-ux"};
constexpr std::string_view kSeverities[] = {"Unknown", "Informational", "Low",   "Medium",
                                            "High",    "Critical",      "Fatal", "Other"};
constexpr int kRiskLevelIds[] = {0, 1, 2, 3, 4, 99};
constexpr std::string_view kRiskLevels[] = {"Info", "Low", "Medium", "High", "Critical", "Other"};
constexpr int kInterfaceTypeIds[] = {0, 1, 2, 3, 4, 99};
constexpr std::string_view kInterfaceTypes[] = {"Unknown", "Wired",  "Wireless",
                                                "Mobile",  "Tunnel", "Other"};
constexpr std::string_view kEnabledDisabled[] = {"Disabled", "Enabled"};

constexpr Field kProductFields[] = {
    {"name", Kind::kString, true}, {"vendor_name", Kind::kString}, {"version", Kind::kString}};
constexpr Model kProduct{kProductFields};
constexpr Field kMetadataFields[] = {{"product", Kind::kObject, true, &kProduct},
                                     {"version", Kind::kString, true}};
constexpr Model kMetadata{kMetadataFields};

constexpr Field kLocationFields[] = {{"city", Kind::kString}, {"country", Kind::kString}};
constexpr Model kLocation{kLocationFields};
// OperatingSystem: name, type and type_id only: os.version is dropped.
constexpr Field kOsFields[] = {{"name", Kind::kString},
                               {.name = "type", .kind = Kind::kString, .one_of = kOsTypes},
                               {.name = "type_id",
                                .kind = Kind::kInteger,
                                .ids = kOsTypeIds,
                                .ids_problem = " is not an OS type id"}};
constexpr Model kOs{kOsFields};
constexpr Field kGroupFields[] = {{"name", Kind::kString, true},
                                  {"desc", Kind::kString},
                                  {"privileges", Kind::kStrings},
                                  {"uid", Kind::kString}};
constexpr Model kGroup{kGroupFields};
constexpr Field kOrgFields[] = {{"name", Kind::kString, true},
                                {"ou_name", Kind::kString},
                                {"ou_uid", Kind::kString},
                                {"uid", Kind::kString}};
constexpr Model kOrg{kOrgFields};
constexpr Field kInterfaceFields[] = {
    {"hostname", Kind::kString},
    {"ip", Kind::kString},
    {"mac", Kind::kString},
    {"name", Kind::kString},
    {.name = "type", .kind = Kind::kString, .one_of = kInterfaceTypes},
    {.name = "type_id",
     .kind = Kind::kInteger,
     .ids = kInterfaceTypeIds,
     .ids_problem = " is not a network interface type id"},
    {"uid", Kind::kString}};
constexpr Model kInterface{kInterfaceFields};

// Device: no owner, no hw_info, no modified_time (all dropped).
constexpr Field kDeviceFields[] = {
    {.name = "type_id",
     .kind = Kind::kInteger,
     .required = true,
     .ids = kDeviceTypeIds,
     .ids_problem = " is not a device type id"},
    {.name = "type", .kind = Kind::kString, .required = true, .one_of = kDeviceTypes},
    {.name = "uid", .kind = Kind::kString, .required = true, .non_empty = true},
    {"hostname", Kind::kString, true},
    {"location", Kind::kObject, false, &kLocation},
    {"os", Kind::kObject, false, &kOs},
    {"autoscale_uid", Kind::kString},
    {"boot_time", Kind::kNumber},
    {"boot_uid", Kind::kString},
    {"created_time", Kind::kNumber},
    {"desc", Kind::kString},
    {"domain", Kind::kString},
    {"eid", Kind::kString},
    {"first_seen_time", Kind::kNumber},
    {"groups", Kind::kObjects, false, &kGroup},
    {"hypervisor", Kind::kString},
    {"iccid", Kind::kString},
    {"imei_list", Kind::kStrings},
    {"ip", Kind::kString},
    {"is_backed_up", Kind::kBoolean},
    {"is_compliant", Kind::kBoolean},
    {"is_managed", Kind::kBoolean},
    {"is_mobile_account_active", Kind::kBoolean},
    {"is_personal", Kind::kBoolean},
    {"is_shared", Kind::kBoolean},
    {"is_supervised", Kind::kBoolean},
    {"is_trusted", Kind::kBoolean},
    {"last_seen_time", Kind::kNumber},
    {"meid", Kind::kString},
    {"model", Kind::kString},
    {"name", Kind::kString},
    {"network_interfaces", Kind::kObjects, false, &kInterface},
    {"org", Kind::kObject, false, &kOrg},
    {"os_machine_uuid", Kind::kString},
    {"region", Kind::kString},
    {.name = "risk_level", .kind = Kind::kString, .one_of = kRiskLevels},
    {.name = "risk_level_id",
     .kind = Kind::kInteger,
     .ids = kRiskLevelIds,
     .ids_problem = " is not a risk level id"},
    {"risk_score", Kind::kInteger},
    {"subnet", Kind::kString},
    {"udid", Kind::kString},
    {"uid_alt", Kind::kString},
    {"vendor_name", Kind::kString}};
constexpr Model kDevice{kDeviceFields};

constexpr Field kEncryptionFields[] = {
    {.name = "partitions", .kind = Kind::kStates, .required = true, .one_of = kEnabledDisabled}};
constexpr Model kEncryption{kEncryptionFields};
constexpr Field kDataFields[] = {
    {.name = "Firewall_status", .kind = Kind::kString, .one_of = kEnabledDisabled},
    {"Storage_encryption", Kind::kObject, false, &kEncryption},
    {"Users", Kind::kStrings},
    {"Full_qualified_domain_name", Kind::kString}};
constexpr Model kData{kDataFields};
constexpr Field kEnrichmentFields[] = {
    {"name", Kind::kString}, {"value", Kind::kString}, {"data", Kind::kObject, false, &kData}};
constexpr Model kEnrichment{kEnrichmentFields};

constexpr Field kItemFields[] = {
    {"activity_id", Kind::kInteger, true},
    {"activity_name", Kind::kString, true},
    {"category_name", Kind::kString, true},
    {"category_uid", Kind::kInteger, true},
    {"class_name", Kind::kString, true},
    {.name = "class_uid",
     .kind = Kind::kInteger,
     .required = true,
     .ids = kClassUid,
     .ids_problem = " is not supported by this simulator (Device Inventory Info is 5001)"},
    {"type_name", Kind::kString, true},
    {"type_uid", Kind::kInteger, true},
    {.name = "severity", .kind = Kind::kString, .one_of = kSeverities},
    {"severity_id", Kind::kInteger},
    {"time", Kind::kNumber, true},
    {"metadata", Kind::kObject, true, &kMetadata},
    {"device", Kind::kObject, true, &kDevice},
    {"enrichments", Kind::kObjects, false, &kEnrichment}};
constexpr Model kItem{kItemFields};

// ---- walking an item along the table ----

const char* type_name(const json& v) {
    if (v.is_null()) return "null";
    if (v.is_boolean()) return "boolean";
    if (v.is_number_integer()) return "integer";
    if (v.is_number()) return "number";
    if (v.is_string()) return "string";
    if (v.is_array()) return "array";
    return "object";
}

// The JSON type a field needs, and whether `v` has it (a boolean is not an integer; an integer
// is a valid float, as pydantic coerces it). Indexed by Kind.
constexpr const char* kExpectedType[] = {"string", "integer", "number", "boolean",
                                         "object", "array",   "array",  "object"};

const char* expected_type(Kind kind) {
    return kExpectedType[static_cast<int>(kind)];
}

bool has_type(const json& v, Kind kind) {
    const std::string_view want = expected_type(kind);
    const std::string_view got = type_name(v);
    return got == want || (want == "number" && got == "integer");
}

std::string list(std::span<const std::string_view> set) {
    std::string out;
    for (auto s : set) out += (out.empty() ? "" : ", ") + std::string(s);
    return out;
}

bool allowed(std::span<const std::string_view> set, const std::string& s) {
    return set.empty() || std::find(set.begin(), set.end(), s) != set.end();
}

// A place in the item: for messages ("enrichments[3].data.") and for the dropped-key counts,
// which do not care which element it was ("enrichments[].data.").
struct Path {
    std::string shown;
    std::string generic;
    Path child(std::string_view name) const {
        return {shown + std::string(name) + ".", generic + std::string(name) + "."};
    }
    Path element(std::string_view name, std::size_t i) const {
        return {shown + std::string(name) + "[" + std::to_string(i) + "].",
                generic + std::string(name) + "[]."};
    }
};

// Checks a value against the table (the first problem is kept: pydantic reports all, one is
// enough here), builds the kept view, lists the dropped keys.
class Walker {
public:
    Walker(std::string prefix, std::vector<std::string>* dropped)
        : prefix_(std::move(prefix)), dropped_(dropped) {}
    std::optional<ValidationError> error;

    void object(const json& obj, const Model& model, const Path& at, json& kept) {
        for (const Field& f : model.fields) {
            const auto it = obj.find(std::string(f.name));
            if (it == obj.end() || it->is_null()) {
                if (f.required) fail(at.shown + std::string(f.name), "field required");
                continue;
            }
            json child;
            value(*it, f, at, child);
            if (!child.is_null()) kept[std::string(f.name)] = std::move(child);
        }
        if (dropped_ == nullptr) return;
        for (const auto& [key, v] : obj.items()) {
            const bool known = std::any_of(model.fields.begin(), model.fields.end(),
                                           [&](const Field& f) { return f.name == key; });
            if (!known && !v.is_null()) dropped_->push_back(at.generic + key);
        }
    }

private:
    void fail(const std::string& field, const std::string& problem) {
        if (!error) error = ValidationError{"VALIDATION_ERROR", prefix_ + field + ": " + problem};
    }

    void value(const json& v, const Field& f, const Path& at, json& kept) {
        const std::string shown = at.shown + std::string(f.name);
        if (!has_type(v, f.kind)) {
            return fail(shown,
                        std::string("expected ") + expected_type(f.kind) + ", got " + type_name(v));
        }
        if (f.kind == Kind::kObject) {
            kept = json::object();
            return object(v, *f.model, at.child(f.name), kept);
        }
        if (f.kind == Kind::kObjects) return objects(v, f, at, kept);
        kept = v;
        if (f.kind == Kind::kString && !allowed(f.one_of, v.get<std::string>())) {
            fail(shown, "'" + v.get<std::string>() + "' is not one of " + list(f.one_of));
        } else if (f.kind == Kind::kString && f.non_empty &&
                   v.get_ref<const std::string&>().empty()) {
            fail(shown, "must not be empty");
        } else if (f.kind == Kind::kInteger && !f.ids.empty() &&
                   std::find(f.ids.begin(), f.ids.end(), v.get<long long>()) == f.ids.end()) {
            fail(shown, std::to_string(v.get<long long>()) + std::string(f.ids_problem));
        } else if (f.kind == Kind::kStrings &&
                   !std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_string(); })) {
            fail(shown, "expected an array of strings");
        } else if (f.kind == Kind::kStates) {
            for (const auto& [name, state] : v.items()) {
                if (!state.is_string() || !allowed(f.one_of, state.get<std::string>())) {
                    fail(shown + "." + name, "must be \"Enabled\" or \"Disabled\"");
                }
            }
        }
    }

    void objects(const json& v, const Field& f, const Path& at, json& kept) {
        kept = json::array();
        for (std::size_t i = 0; i < v.size(); ++i) {
            const Path element = at.element(f.name, i);
            if (!v[i].is_object()) {
                fail(element.shown.substr(0, element.shown.size() - 1),
                     std::string("expected object, got ") + type_name(v[i]));
                continue;
            }
            json& kept_element = kept.emplace_back(json::object());
            object(v[i], *f.model, element, kept_element);
        }
    }

    std::string prefix_;
    std::vector<std::string>* dropped_;
};

}  // namespace

std::optional<ValidationError> validate_item(const json& item, std::size_t index,
                                             std::vector<std::string>* dropped) {
    const std::string prefix = "items[" + std::to_string(index) + "]";
    if (!item.is_object()) {
        return ValidationError{"VALIDATION_ERROR",
                               prefix + ": expected object, got " + type_name(item)};
    }
    Walker walker(prefix + ".", dropped);
    json kept = json::object();
    walker.object(item, kItem, Path{}, kept);
    return walker.error;
}

json kept_view(const json& item) {
    json kept = json::object();
    if (!item.is_object()) return kept;
    Walker walker("", nullptr);
    walker.object(item, kItem, Path{}, kept);
    return kept;
}

std::optional<ValidationError> validate_body(const json& body,
                                             std::vector<std::vector<std::string>>* dropped) {
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
    if (dropped) dropped->assign(items->size(), {});
    for (std::size_t i = 0; i < items->size(); ++i) {
        if (auto error = validate_item((*items)[i], i, dropped ? &(*dropped)[i] : nullptr)) {
            return error;
        }
    }
    return std::nullopt;
}

}  // namespace sekoiasim
