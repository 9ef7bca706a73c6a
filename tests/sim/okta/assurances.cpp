#include "assurances.h"

#include "device_model.h"

namespace oktasim {

namespace {

Json policy(const char* id, const char* name, const char* platform) {
    Json p;
    p["id"] = id;
    p["name"] = name;
    p["lastUpdate"] = "2022-01-01T00:00:00.000Z";
    p["createdDate"] = "2022-01-01T00:00:00.000Z";
    p["lastUpdatedBy"] = "00u217pyf72CdUrBt1c5";
    p["createdBy"] = "00u217pyf72CdUrBt1c5";
    p["platform"] = platform;
    return p;
}

void add_self(Json& p, const std::string& origin) {
    p["_links"] = {{"self",
                    {{"href", origin + "/api/v1/device-assurances/" + p["id"].get<std::string>()},
                     {"hints", {{"allow", {"DELETE", "GET", "PUT"}}}}}}};
}

}  // namespace

std::string device_assurances_json(const std::string& origin) {
    Json all = Json::array();

    Json windows = policy("dae3m8o4rWhwReDeM1c5", "Device assurance Windows", "WINDOWS");
    windows["osVersion"] = {{"minimum", "12.4.5.9"}};
    windows["diskEncryptionType"] = {{"include", {"ALL_INTERNAL_VOLUMES"}}};
    windows["screenLockType"] = {{"include", {"PASSCODE", "BIOMETRIC"}}};
    windows["secureHardwarePresent"] = true;
    add_self(windows, origin);
    all.push_back(windows);

    Json mac = policy("dae3m8o4rWhwReDeM1c6", "Device assurance macOS", "MACOS");
    mac["osVersion"] = {{"minimum", "12.4.5"}};
    mac["diskEncryptionType"] = {{"include", {"ALL_INTERNAL_VOLUMES"}}};
    mac["screenLockType"] = {{"include", {"PASSCODE", "BIOMETRIC"}}};
    mac["secureHardwarePresent"] = true;
    add_self(mac, origin);
    all.push_back(mac);

    Json ios = policy("dae3m8o4rWhwReDeM1c7", "Device assurance iOS", "IOS");
    ios["osVersion"] = {{"minimum", "12.4.5.9"}};
    ios["jailbreak"] = false;
    ios["screenLockType"] = {{"include", {"BIOMETRIC"}}};
    add_self(ios, origin);
    all.push_back(ios);

    Json android = policy("dae3m8o4rWhwReDeM1c8", "Device assurance Android", "ANDROID");
    android["osVersion"] = {{"minimum", "12.4.5"}};
    android["diskEncryptionType"] = {{"include", {"USER", "FULL"}}};
    android["jailbreak"] = false;
    android["screenLockType"] = {{"include", {"BIOMETRIC"}}};
    android["secureHardwarePresent"] = true;
    android["gracePeriod"] = {{"type", "BY_DURATION"}, {"expiry", "P7D"}};
    android["displayRemediationMode"] = "SHOW";
    add_self(android, origin);
    all.push_back(android);

    Json chrome = policy("dae3m8o4rWhwReDeM1c9", "Device assurance ChromeOS", "CHROMEOS");
    chrome["thirdPartySignalProviders"] = {{"dtc",
                                            {{"osVersion", {{"minimum", "10.0.19041.1110"}}},
                                             {"diskEncrypted", true},
                                             {"osFirewall", true},
                                             {"screenLockSecured", true},
                                             {"keyTrustLevel", "CHROME_OS_VERIFIED_MODE"}}}};
    add_self(chrome, origin);
    all.push_back(chrome);

    return all.dump();
}

}  // namespace oktasim
