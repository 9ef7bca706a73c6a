// The README is part of the contract: every config key of the schema is documented in it, and
// every Okta device field the mapper reads appears in its mapping table.
#include "config_schema.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <string>

namespace {

std::string readme() {
    std::ifstream in(std::string(ASSET_HOST_SOURCE_DIR) + "/plugins/okta_device/README.md");
    REQUIRE(in.good());
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

TEST_CASE("the config schema is valid JSON, closed, and marks the token secret") {
    const auto schema = nlohmann::json::parse(okta_device::kConfigSchema);
    CHECK(schema["additionalProperties"] == false);
    CHECK(schema["properties"]["api_token"]["x-secret"] == true);
    CHECK(schema["properties"]["oauth"]["properties"]["private_key"]["x-secret"] == true);
    CHECK(schema["properties"]["oauth"]["additionalProperties"] == false);
    CHECK(schema["required"] == nlohmann::json::array({"base_url"}));
    CHECK(schema["oneOf"] ==
          nlohmann::json::parse(R"([{"required": ["api_token"]}, {"required": ["oauth"]}])"));
    for (const auto& [key, prop] : schema["properties"].items()) {
        CAPTURE(key);
        CHECK(prop.contains("description"));
    }
}

TEST_CASE("every config key is documented in the README's config table") {
    const auto schema = nlohmann::json::parse(okta_device::kConfigSchema);
    const std::string text = readme();
    for (const auto& [key, prop] : schema["properties"].items()) {
        CAPTURE(key);
        CHECK(text.find("| `" + key + "` |") != std::string::npos);
    }
    for (const auto& [key, prop] : schema["properties"]["oauth"]["properties"].items()) {
        CAPTURE(key);
        CHECK(text.find("| `oauth." + key + "` |") != std::string::npos);
    }
}

TEST_CASE("every Okta device field the mapper reads is in the README's mapping table") {
    const std::string text = readme();
    for (const char* field : {"id",
                              "status",
                              "created",
                              "lastUpdated",
                              "profile.displayName",
                              "profile.platform",
                              "profile.manufacturer",
                              "profile.model",
                              "profile.osVersion",
                              "profile.serialNumber",
                              "profile.imei",
                              "profile.meid",
                              "profile.udid",
                              "profile.sid",
                              "profile.tpmPublicKeyHash",
                              "profile.registered",
                              "profile.secureHardwarePresent",
                              "profile.diskEncryptionType",
                              "profile.integrityJailbreak",
                              "profile.managed",
                              "_embedded.users[].managementStatus",
                              "_embedded.users[].screenLockType",
                              "_embedded.users[].user.id",
                              "_embedded.users[].user.profile.login",
                              "_embedded.users[].user.profile.email",
                              "resourceDisplayName",
                              "_links"}) {
        CAPTURE(field);
        CHECK(text.find("| `" + std::string(field) + "`") != std::string::npos);
    }
}
