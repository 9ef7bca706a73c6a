#include "device_factory.h"

#include <algorithm>
#include <cstdio>

#include "time_format.h"

namespace oktasim {

namespace {

constexpr int64_t kMinute = 60'000;
constexpr int64_t kDay = 86'400'000;

// Salts keep the pseudo-random streams of different attributes independent.
enum Salt : uint64_t {
    kSaltDeviceId = 1,
    kSaltCreated,
    kSaltUpdated,
    kSaltValue,
    kSaltBool,
    kSaltUserPick,
    kSaltLinkCreated,
    kSaltUserId,
    kSaltUserTime,
    kSaltInvalidId,
    kSaltOrg,
};

// Optional profile fields and the prime that drives their presence: for device index i and
// prime p, i % p == p-1 -> the key is present with JSON null, i % p == p-2 -> the key is
// absent, anything else -> present with a value. (README.md, "Data coverage rules".)
struct OptionalField {
    const char* name;
    uint64_t prime;
};
constexpr OptionalField kOptionalFields[] = {
    {"manufacturer", 11},
    {"model", 13},
    {"osVersion", 17},
    {"serialNumber", 19},
    {"imei", 23},
    {"meid", 31},
    {"udid", 37},
    {"sid", 41},
    {"tpmPublicKeyHash", 43},
    {"registered", 47},
    {"secureHardwarePresent", 53},
    {"diskEncryptionType", 59},
    {"integrityJailbreak", 61},
    {"managed", 67},
};

constexpr const char* kStandardPlatforms[] = {"WINDOWS", "MACOS", "IOS", "ANDROID"};
// i % 29 >= 25 selects one of these: values a tolerant client must survive.
constexpr const char* kUnusualPlatforms[] = {"CHROMEOS", "LINUX", "windows", "VISIONOS"};

constexpr const char* kDiskEncryption[] = {"ALL_INTERNAL_VOLUMES", "FULL", "NONE",
                                           "SYSTEM_VOLUME",        "USER", "THIRD_PARTY_VOLUME"};
constexpr const char* kScreenLock[] = {"NONE", "PASSCODE", "BIOMETRIC"};

struct Name {
    const char* display;
    const char* ascii;
};
constexpr Name kFirstNames[] = {{"Alice", "alice"},   {"Zoë", "zoe"},     {"José", "jose"},
                                {"Łukasz", "lukasz"}, {"Bob", "bob"},     {"Amélie", "amelie"},
                                {"李", "li"},         {"Søren", "soren"}, {"Mary-Jane", "maryjane"},
                                {"Nguyễn", "nguyen"}, {"Olu", "olu"}};
constexpr Name kLastNames[] = {
    {"O'Brien", "obrien"},          {"Müller", "muller"}, {"Smith", "smith"},
    {"García", "garcia"},           {"Dubois", "dubois"}, {"Kowalski", "kowalski"},
    {"van der Berg", "vanderberg"}, {"田中", "tanaka"},   {"\"Doc\" Brown", "brown"}};

uint64_t splitmix64(uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

std::string pad5(const char* prefix, uint64_t index) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s-%05llu", prefix, static_cast<unsigned long long>(index));
    return buf;
}

enum class Family { kWindows, kMac, kIos, kAndroid, kChrome, kLinux, kOther };

Family family_of(const std::string& platform) {
    if (platform == "WINDOWS" || platform == "windows") return Family::kWindows;
    if (platform == "MACOS") return Family::kMac;
    if (platform == "IOS") return Family::kIos;
    if (platform == "ANDROID") return Family::kAndroid;
    if (platform == "CHROMEOS") return Family::kChrome;
    if (platform == "LINUX") return Family::kLinux;
    return Family::kOther;
}

std::string status_for(uint64_t i) {
    switch (i % 7) {
        case 0:
        case 1:
        case 2:
            return "ACTIVE";
        case 3:
            return "CREATED";
        case 4:
            return "SUSPENDED";
        case 5:
            return "DEACTIVATED";
        default:
            return (i / 7) % 2 == 0 ? "UNSUSPENDED" : "QUARANTINED";  // the latter: unknown
    }
}

std::string platform_for(uint64_t i) {
    const uint64_t r = i % 29;
    return r < 25 ? kStandardPlatforms[r % 4] : kUnusualPlatforms[r - 25];
}

// Display names: mostly "<kind>-<index>"; every tenth device gets a name built to exercise
// JSON escaping and UTF-8 handling (README.md lists the six kinds).
std::string display_name_for(uint64_t i, Family family) {
    const std::string tag = "#" + std::to_string(i);
    if (i % 10 == 9) {
        switch ((i / 10) % 6) {
            case 0:
                return "Ordinateur de Zoë – 東京 💻 " + tag;
            case 1:
                return "Bob's \"work\" laptop " + tag;
            case 2:
                return "C:\\Users\\bob\\PC\\ " + tag;
            case 3:
                return std::string("tab\there\nnew\x01line\x1f\x7f ") + tag;
            case 4: {
                std::string s = "Long-name-" + tag + "-";
                s.resize(255, 'x');  // profile.displayName maxLength
                return s;
            }
            default:
                return "<script>&amp; {\"a\":1} \u2028 " + tag;
        }
    }
    switch (family) {
        case Family::kWindows:
            return pad5("DESKTOP", i);
        case Family::kMac:
            return pad5("MacBook-Pro", i);
        case Family::kIos:
            return pad5("iPhone", i);
        case Family::kAndroid:
            return pad5("Pixel", i);
        case Family::kChrome:
            return pad5("Chromebook", i);
        case Family::kLinux:
            return pad5("linux-ws", i);
        default:
            return pad5("device", i);
    }
}

template <size_t N>
const char* pick(const char* const (&options)[N], uint64_t h) {
    return options[h % N];
}

}  // namespace

const std::vector<std::string>& profile_field_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> n{"displayName", "platform"};
        for (const auto& f : kOptionalFields) n.emplace_back(f.name);
        return n;
    }();
    return names;
}

DeviceFactory::DeviceFactory(uint64_t seed, std::string origin, int64_t anchor_ms,
                             size_t device_count)
    : seed_(seed), origin_(std::move(origin)), anchor_ms_(anchor_ms) {
    const size_t pool = std::max<size_t>(16, device_count / 2 + 1);
    users_.reserve(pool);
    for (size_t u = 0; u < pool; ++u) users_.push_back(make_user(u));
}

uint64_t stable_mix(uint64_t seed, uint64_t a, uint64_t b) {
    return splitmix64(splitmix64(splitmix64(seed) ^ a) ^ (b * 0x9e3779b97f4a7c15ULL + 1));
}

std::string stable_alnum(uint64_t seed, uint64_t a, uint64_t b, size_t len) {
    static constexpr char kChars[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::string s;
    s.reserve(len);
    for (size_t k = 0; k < len; ++k) s.push_back(kChars[stable_mix(seed, a, b * 131 + k) % 62]);
    return s;
}

uint64_t DeviceFactory::mix(uint64_t a, uint64_t b) const {
    return stable_mix(seed_, a, b);
}

std::string DeviceFactory::alnum(uint64_t a, uint64_t b, size_t len) const {
    return stable_alnum(seed_, a, b, len);
}

std::string DeviceFactory::make_id(uint64_t index) const {
    return "guo" + alnum(index, kSaltDeviceId, 17);
}

int64_t DeviceFactory::created_ms(uint64_t i) const {
    // 30 to ~730 days before the anchor.
    return anchor_ms_ - 30 * kDay - static_cast<int64_t>(mix(i, kSaltCreated) % (700 * kDay));
}

int64_t DeviceFactory::last_updated_ms(uint64_t i) const {
    if (i % 16 == 15) return last_updated_ms(i - 1);  // twins: same millisecond as device i-1
    const int64_t created = created_ms(i);
    if (status_for(i) == "CREATED") return created;
    const int64_t span = anchor_ms_ - kMinute - created;
    return created + static_cast<int64_t>(mix(i, kSaltUpdated) % static_cast<uint64_t>(span));
}

Json DeviceFactory::make_profile(uint64_t i, const std::string& platform) const {
    const Family family = family_of(platform);
    Json profile;
    profile["displayName"] = display_name_for(i, family);
    profile["platform"] = platform;
    for (const auto& field : kOptionalFields) {
        const uint64_t r = i % field.prime;
        const std::string name = field.name;
        if (r == field.prime - 2) continue;  // absent
        if (r == field.prime - 1) {
            profile[name] = nullptr;
            continue;
        }
        const uint64_t h = mix(i, kSaltValue * 1000 + field.prime);
        const bool flag = mix(i, kSaltBool * 1000 + field.prime) % 2 == 0;
        if (name == "manufacturer") {
            static constexpr const char* kWin[] = {"Dell Inc.", "LENOVO", "HP",
                                                   "Microsoft Corporation"};
            static constexpr const char* kAndroid[] = {"Google", "samsung", "OnePlus"};
            static constexpr const char* kOther[] = {"Acer", "ASUSTeK COMPUTER INC.", "Framework"};
            profile[name] = family == Family::kWindows                         ? pick(kWin, h)
                            : family == Family::kMac || family == Family::kIos ? "Apple Inc."
                            : family == Family::kAndroid                       ? pick(kAndroid, h)
                                                                               : pick(kOther, h);
        } else if (name == "model") {
            static constexpr const char* kWin[] = {"Latitude 7440", "ThinkPad X1 Carbon Gen 11",
                                                   "VMware7,1", "Surface Laptop 5"};
            static constexpr const char* kMac[] = {"MacBookPro18,3", "Mac14,2", "Mac15,6"};
            static constexpr const char* kIos[] = {"iPhone15,2", "iPad13,4", "iPhone16,1"};
            static constexpr const char* kAndroid[] = {"Pixel 6", "SM-S918B", "CPH2449"};
            static constexpr const char* kOther[] = {"Chromebook Spin 714", "Framework Laptop 13",
                                                     "Generic Device"};
            profile[name] = family == Family::kWindows   ? pick(kWin, h)
                            : family == Family::kMac     ? pick(kMac, h)
                            : family == Family::kIos     ? pick(kIos, h)
                            : family == Family::kAndroid ? pick(kAndroid, h)
                                                         : pick(kOther, h);
        } else if (name == "osVersion") {
            static constexpr const char* kWin[] = {"10.0.19045", "10.0.22631.3447", "10.0.26100"};
            static constexpr const char* kMac[] = {"14.4.1", "13.6.6", "15.0"};
            static constexpr const char* kIos[] = {"17.5", "16.7.8", "18.0.1"};
            // Android reports "<version>:<security patch date>" (the spec's own example).
            static constexpr const char* kAndroid[] = {"13:2023-05-05", "14:2024-04-01", "12"};
            static constexpr const char* kOther[] = {"120.0.6099.235", "6.1.0-18-amd64", "1.0"};
            profile[name] = family == Family::kWindows   ? pick(kWin, h)
                            : family == Family::kMac     ? pick(kMac, h)
                            : family == Family::kIos     ? pick(kIos, h)
                            : family == Family::kAndroid ? pick(kAndroid, h)
                                                         : pick(kOther, h);
        } else if (name == "serialNumber") {
            if (h % 4 == 0) {  // VMware-style, with spaces and a dash, as in the spec example
                std::string s;
                for (int k = 0; k < 16; ++k) {
                    char b[4];
                    std::snprintf(b, sizeof b, "%02x",
                                  static_cast<unsigned>(mix(i, 500 + k) % 256));
                    if (k > 0) s += (k == 8 ? "-" : " ");
                    s += b;
                }
                profile[name] = s;
            } else {
                std::string s = alnum(i, 600, 12);
                std::transform(s.begin(), s.end(), s.begin(),
                               [](char c) { return static_cast<char>(std::toupper(c)); });
                profile[name] = s;
            }
        } else if (name == "imei") {
            std::string s;
            const size_t len = 14 + i % 4;  // 14..17 characters (spec minLength/maxLength)
            for (size_t k = 0; k < len; ++k)
                s.push_back(static_cast<char>('0' + mix(i, 700 + k) % 10));
            profile[name] = s;
        } else if (name == "meid") {
            static constexpr char kHex[] = "0123456789ABCDEF";
            std::string s;
            for (size_t k = 0; k < 14; ++k) s.push_back(kHex[mix(i, 800 + k) % 16]);
            profile[name] = s;
        } else if (name == "udid") {
            static constexpr char kHex[] = "0123456789ABCDEF";
            std::string s;
            for (size_t k = 0; k < 32; ++k) {
                if (k == 8 || k == 12 || k == 16 || k == 20) s.push_back('-');
                s.push_back(kHex[mix(i, 900 + k) % 16]);
            }
            profile[name] = s;
        } else if (name == "sid") {
            profile[name] = "S-1-5-21-" + std::to_string(1000000000 + mix(i, 1001) % 999999999) +
                            "-" + std::to_string(1000000000 + mix(i, 1002) % 999999999) + "-" +
                            std::to_string(1000000000 + mix(i, 1003) % 999999999) + "-" +
                            std::to_string(1000 + i % 500);
        } else if (name == "tpmPublicKeyHash") {
            static constexpr char kHex[] = "0123456789abcdef";
            std::string s;
            for (size_t k = 0; k < 64; ++k) s.push_back(kHex[mix(i, 1100 + k) % 16]);
            profile[name] = s;
        } else if (name == "registered") {
            profile[name] = h % 5 != 0;  // mostly registered
        } else if (name == "secureHardwarePresent" || name == "managed") {
            profile[name] = flag;
        } else if (name == "diskEncryptionType") {
            profile[name] = kDiskEncryption[i % 6];  // five spec values + one unknown
        } else if (name == "integrityJailbreak") {
            profile[name] = h % 7 == 0;
        }
    }
    return profile;
}

std::vector<DeviceUserLink> DeviceFactory::make_links(uint64_t i, const std::string& status,
                                                      int64_t created, int64_t updated) const {
    std::vector<DeviceUserLink> links;
    if (status == "DEACTIVATED") return links;  // Okta: deactivation removes device-user links
    const uint64_t count = i % 3 == 0 ? 0 : i % 3 == 1 ? 1 : 2 + (i / 3) % 2;
    std::vector<size_t> chosen;
    for (uint64_t j = 0; j < count; ++j) {
        size_t u = mix(i, kSaltUserPick * 100 + j) % users_.size();
        while (std::find(chosen.begin(), chosen.end(), u) != chosen.end())
            u = (u + 1) % users_.size();
        chosen.push_back(u);
        DeviceUserLink link;
        link.user_index = u;
        link.management_status = (i + j) % 2 == 0 ? "MANAGED" : "NOT_MANAGED";
        link.screen_lock_type = kScreenLock[(i / 3 + j) % 3];
        const int64_t span = updated - created + 1;
        link.created =
            iso8601_ms(created + static_cast<int64_t>(mix(i, kSaltLinkCreated * 100 + j) %
                                                      static_cast<uint64_t>(span > 0 ? span : 1)));
        links.push_back(std::move(link));
    }
    return links;
}

Device DeviceFactory::make_device(uint64_t i) const {
    Device d;
    d.index = i;
    const std::string id = make_id(i);
    const std::string status = status_for(i);
    const std::string platform = platform_for(i);
    const int64_t updated = last_updated_ms(i);
    const int64_t created = std::min(created_ms(i), updated);
    d.sort_key = id;
    d.last_updated_ms = updated;
    Json profile = make_profile(i, platform);
    d.doc["id"] = id;
    d.doc["status"] = status;
    d.doc["created"] = iso8601_ms(created);
    d.doc["lastUpdated"] = iso8601_ms(updated);
    d.doc["profile"] = profile;
    d.doc["resourceType"] = "UDDevice";
    d.doc["resourceDisplayName"] = {{"value", profile["displayName"]}, {"sensitive", i % 8 == 5}};
    d.doc["resourceAlternateId"] = nullptr;
    d.doc["resourceId"] = id;
    d.users = make_links(i, status, created, updated);
    serialize(d);
    return d;
}

Device DeviceFactory::make_added_device(uint64_t index, int64_t now_ms) const {
    Device d = make_device(index);
    const std::string stamp = iso8601_ms(now_ms);
    d.last_updated_ms = now_ms;
    d.doc["created"] = stamp;
    d.doc["lastUpdated"] = stamp;
    for (auto& link : d.users) link.created = stamp;
    serialize(d);
    return d;
}

Device DeviceFactory::make_invalid_device(uint64_t k) const {
    // Based on an ordinary device far outside the normal index range, then broken.
    Device d = make_device(1'000'000'000ULL + k);
    d.valid = false;
    d.users.clear();
    d.sort_key = "guo" + alnum(k, kSaltInvalidId, 17);
    d.doc["id"] = d.sort_key;
    d.doc["resourceId"] = d.sort_key;
    switch (k % 5) {
        case 0:  // no id at all
            d.doc.erase("id");
            d.doc.erase("resourceId");
            break;
        case 1:  // id: null
            d.doc["id"] = nullptr;
            d.doc["resourceId"] = nullptr;
            break;
        case 2:  // no displayName
            d.doc["profile"].erase("displayName");
            d.doc.erase("resourceDisplayName");
            break;
        case 3:  // displayName: null
            d.doc["profile"]["displayName"] = nullptr;
            d.doc["resourceDisplayName"]["value"] = nullptr;
            break;
        default:  // no profile object at all
            d.doc.erase("profile");
            d.doc.erase("resourceDisplayName");
            break;
    }
    serialize(d);
    return d;
}

void DeviceFactory::serialize(Device& d) const {
    const auto status_it = d.doc.find("status");
    const std::string status =
        status_it != d.doc.end() && status_it->is_string() ? status_it->get<std::string>() : "";
    if (status == "DEACTIVATED") d.users.clear();

    d.doc.erase("_links");
    const auto id_it = d.doc.find("id");
    if (id_it != d.doc.end() && id_it->is_string()) {
        // Without an id there is nothing to link to; leaving _links out keeps "lacking id"
        // unambiguous (a client cannot recover the id from a self href).
        const std::string self = origin_ + "/api/v1/devices/" + id_it->get<std::string>();
        auto hint = [](std::initializer_list<const char*> methods) {
            Json allow = Json::array();
            for (const char* m : methods) allow.push_back(m);
            return Json{{"allow", allow}};
        };
        Json links;
        links["self"] = {{"href", self}, {"hints", hint({"GET", "PATCH", "PUT"})}};
        links["users"] = {{"href", self + "/users"}, {"hints", hint({"GET"})}};
        auto lifecycle = [&](const char* action) {
            links[action] = {{"href", self + "/lifecycle/" + action}, {"hints", hint({"POST"})}};
        };
        if (status == "ACTIVE" || status == "UNSUSPENDED") {
            lifecycle("suspend");
            lifecycle("deactivate");
        } else if (status == "CREATED" || status == "DEACTIVATED") {
            lifecycle("activate");
        } else if (status == "SUSPENDED") {
            lifecycle("unsuspend");
            lifecycle("deactivate");
        }
        d.doc["_links"] = links;
    }
    d.json_plain = d.doc.dump();

    auto users_array = [&](bool full) {
        std::string out = "[";
        for (size_t k = 0; k < d.users.size(); ++k) {
            const auto& link = d.users[k];
            if (k > 0) out += ',';
            out += "{\"created\":" + Json(link.created).dump() +
                   ",\"managementStatus\":" + Json(link.management_status).dump() +
                   ",\"screenLockType\":" + Json(link.screen_lock_type).dump() + ",\"user\":";
            const auto& user = users_[link.user_index];
            out += full ? user.full_json : user.summary_json;
            out += '}';
        }
        out += ']';
        return out;
    };
    d.users_full_json = users_array(true);
    d.users_summary_json = users_array(false);
}

UserRecord DeviceFactory::make_user(size_t u) const {
    const Name& first = kFirstNames[u % std::size(kFirstNames)];
    const Name& last = kLastNames[(u / std::size(kFirstNames) + u) % std::size(kLastNames)];
    const std::string id = "00u" + alnum(u, kSaltUserId, 17);
    const std::string realm = "guo" + alnum(0, kSaltOrg * 7, 17);
    const std::string login =
        std::string(first.ascii) + "." + last.ascii + std::to_string(u) + "@example.com";
    const int64_t created =
        anchor_ms_ - 800 * kDay + static_cast<int64_t>(mix(u, kSaltUserTime) % (60 * kDay));
    const int64_t changed =
        created + static_cast<int64_t>(mix(u, kSaltUserTime + 1) % (600 * kDay));
    const int64_t login_at =
        changed + static_cast<int64_t>(mix(u, kSaltUserTime + 2) % (100 * kDay));

    // Profile variants (README.md): u % 11 == 4 -> no names; u % 11 == 7 -> lastName null;
    // u % 7 == 3 -> no email; u % 7 == 5 -> email null.
    Json profile;
    Json summary_profile;
    if (u % 11 != 4) {
        profile["firstName"] = first.display;
        profile["lastName"] = u % 11 == 7 ? Json(nullptr) : Json(last.display);
    }
    summary_profile = profile;
    profile["mobilePhone"] = nullptr;
    profile["secondEmail"] = nullptr;
    profile["login"] = login;
    summary_profile["login"] = login;
    if (u % 7 != 3) {
        const Json email = u % 7 == 5 ? Json(nullptr) : Json(login);
        profile["email"] = email;
        summary_profile["email"] = email;
    }

    const std::string self = origin_ + "/api/v1/users/" + id;
    const std::string type_id = "oty" + alnum(0, kSaltOrg * 11, 17);
    Json full;
    full["id"] = id;
    full["status"] = u % 13 == 12 ? "SUSPENDED" : "ACTIVE";
    full["created"] = iso8601_ms(created);
    full["activated"] = u % 5 == 2 ? Json(nullptr) : Json(iso8601_ms(created));
    full["statusChanged"] = iso8601_ms(changed);
    full["lastLogin"] = iso8601_ms(login_at);
    full["lastUpdated"] = iso8601_ms(changed);
    full["passwordChanged"] = iso8601_ms(created);
    full["type"] = {{"id", type_id}};
    full["profile"] = profile;
    full["credentials"] = {{"password", Json::object()},
                           {"provider", {{"type", "OKTA"}, {"name", "OKTA"}}}};
    full["_links"] = {
        {"suspend", {{"href", self + "/lifecycle/suspend"}, {"method", "POST"}}},
        {"schema",
         {{"href", origin_ + "/api/v1/meta/schemas/user/osc" + alnum(0, kSaltOrg * 13, 17)}}},
        {"self", {{"href", self}}},
        {"type", {{"href", origin_ + "/api/v1/meta/types/user/" + type_id}}},
        {"deactivate", {{"href", self + "/lifecycle/deactivate"}, {"method", "POST"}}},
    };

    Json summary;
    summary["id"] = id;
    summary["realmId"] = realm;
    summary["profile"] = summary_profile;
    summary["_links"] = {{"self", {{"href", self}}}};
    return {full.dump(), summary.dump()};
}

}  // namespace oktasim
