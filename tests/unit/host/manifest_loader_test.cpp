// Whole manifests: every bad one with the exact lines a user sees, and the typed Manifest of the
// good ones (destinations, schedule, secrets).
#include "config/manifest_loader.h"
#include "common/redactor.h"

#include "temp_dir.h"

#include <doctest/doctest.h>
#include "string_list.h"

#include <map>

using namespace asset_host;
using nlohmann::json;

namespace {

const char* kPluginSchema = R"({
  "type": "object",
  "additionalProperties": false,
  "required": ["base_url", "api_token"],
  "properties": {
    "base_url": {"type": "string"},
    "api_token": {"type": "string", "x-secret": true},
    "page_size": {"type": "integer", "minimum": 1, "maximum": 200},
    "expand": {"enum": ["user", "userSummary", "none"]},
    "timeout": {"type": "string"}
  }
})";

PluginSchemaLookup lookup() {
    auto schema = JsonSchema::compile(kPluginSchema);
    REQUIRE(schema.is_ok());
    std::shared_ptr<const JsonSchema> s = *schema;
    return [s](const std::string& id) -> asset_sdk::Result<std::shared_ptr<const JsonSchema>> {
        if (id == "okta_like") return s;
        return asset_sdk::not_found("unknown plugin \"" + id + "\" (plugins in p: okta_like)");
    };
}

ManifestLoadOptions env(std::map<std::string, std::string> vars) {
    ManifestLoadOptions o;
    o.env = [vars](const std::string& n) -> std::optional<std::string> {
        const auto it = vars.find(n);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
    return o;
}

const std::string kHead =
    "name: okta\nplugin: okta_like\nconfig:\n  base_url: https://acme.okta.com\n"
    "  api_token: ${env:OKTA_API_TOKEN}\n";

struct Fixture {
    testsupport::TempDir dir;
    std::filesystem::path file = dir / "manifests/okta.yaml";
    ManifestLoad load(const std::string& yaml,
                      std::map<std::string, std::string> vars = {{"OKTA_API_TOKEN", "tok-123"}}) {
        file = dir.write("manifests/okta.yaml", yaml);
        return load_manifest(file, lookup(), env(std::move(vars)));
    }
    std::string at(const std::string& rest) const { return file.string() + ": " + rest; }
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "a minimal manifest gets the documented defaults") {
    const ManifestLoad r = load(kHead);
    REQUIRE_MESSAGE(r.ok(), (r.errors.empty() ? "" : r.errors[0]));
    const Manifest& m = *r.manifest;
    CHECK(m.name == "okta");
    CHECK(m.plugin == "okta_like");
    CHECK(m.enabled);
    CHECK(m.schedule.every == std::chrono::minutes(20));
    CHECK(m.destination.type == DestinationSpec::Type::kStdout);
    CHECK(m.config == json({{"base_url", "https://acme.okta.com"}, {"api_token", "tok-123"}}));
    CHECK(m.secret_values == std::vector<std::string>{"tok-123"});
    CHECK(Redactor::global().redact("x tok-123 y") == "x *** y");
    CHECK(r.warnings.empty());
}

TEST_CASE_FIXTURE(Fixture, "a sekoia destination is parsed, checked and its key registered") {
    const ManifestLoad r =
        load(kHead +
                 "enabled: false\nschedule: {every: 1h30m}\n"
                 "destination:\n  type: sekoia\n  base_url: https://api.example.test/\n"
                 "  api_key: ${env:SEKOIA_API_KEY}\n"
                 "  connector_uuid: 0123abcd-0000-4000-8000-00000000abcd\n"
                 "  batch_size: 500\n  max_in_flight: 8\n  request_timeout: 45s\n"
                 "  retry_budget: 2m\n",
             {{"OKTA_API_TOKEN", "tok-123"}, {"SEKOIA_API_KEY", "sek-456"}});
    REQUIRE_MESSAGE(r.ok(), (r.errors.empty() ? "" : r.errors[0]));
    const Manifest& m = *r.manifest;
    CHECK_FALSE(m.enabled);
    CHECK(m.schedule.every == std::chrono::minutes(90));
    CHECK(m.destination.type == DestinationSpec::Type::kSekoia);
    CHECK(m.destination.sekoia.base_url == "https://api.example.test");
    CHECK(m.destination.sekoia.api_key == "sek-456");
    CHECK(m.destination.sekoia.connector_uuid == "0123abcd-0000-4000-8000-00000000abcd");
    CHECK(m.destination.batch_size == 500);
    CHECK(m.destination.max_in_flight == 8);
    CHECK(m.destination.sekoia.request_timeout == std::chrono::seconds(45));
    CHECK(m.destination.sekoia.retry_budget == std::chrono::minutes(2));
    CHECK_FALSE(m.destination.sekoia.allow_insecure_http);
    CHECK(Redactor::global().redact("sek-456") == "***");
}

TEST_CASE_FIXTURE(Fixture, "sekoia defaults, and http only with allow_insecure_http") {
    const std::string dest =
        "destination:\n  type: sekoia\n  api_key: ${env:K}\n"
        "  connector_uuid: 00000000-0000-0000-0000-000000000000\n";
    ManifestLoad r = load(kHead + dest, {{"OKTA_API_TOKEN", "t"}, {"K", "k"}});
    REQUIRE(r.ok());
    CHECK(r.manifest->destination.sekoia.base_url == "https://api.sekoia.io");
    CHECK(r.manifest->destination.batch_size == 100);
    CHECK(r.manifest->destination.max_in_flight == 4);

    r = load(kHead + dest + "  base_url: http://127.0.0.1:8080\n",
             {{"OKTA_API_TOKEN", "t"}, {"K", "k"}});
    CHECK(r.errors == std::vector<std::string>{at(
                          "destination.base_url: must use https:// (allow_insecure_http: true is "
                          "only for a loopback test simulator)")});
    r = load(kHead + dest + "  base_url: http://127.0.0.1:8080\n  allow_insecure_http: true\n",
             {{"OKTA_API_TOKEN", "t"}, {"K", "k"}});
    REQUIRE(r.ok());
    CHECK(r.manifest->destination.sekoia.base_url == "http://127.0.0.1:8080");
}

TEST_CASE_FIXTURE(Fixture, "a file destination's path is relative to the manifest") {
    const ManifestLoad r = load(kHead + "destination: {type: file, path: out/records.ndjson}\n");
    REQUIRE(r.ok());
    CHECK(r.manifest->destination.type == DestinationSpec::Type::kFile);
    CHECK(r.manifest->destination.file.path == dir / "manifests" / "out/records.ndjson");
}

TEST_CASE_FIXTURE(Fixture, "bad destinations: every problem on its own line") {
    const ManifestLoad r = load(kHead +
                                "destination:\n  type: sekoia\n  base_url: ftp://x\n"
                                "  api_key: inline-key\n  connector_uuid: 1234\n  batch_size: 0\n"
                                "  max_in_flight: 65\n  request_timeout: soon\n  ca_file: ca.pem\n"
                                "  bacth_size: 10\n");
    CHECK(r.errors == std::vector<std::string>{
                          at("destination.bacth_size: unknown key (did you mean batch_size?)"),
                          at("destination.batch_size: must be ≥ 1"),
                          at("destination.connector_uuid: must be a string, got integer"),
                          at("destination.max_in_flight: must be ≤ 64"),
                          at("destination.base_url: must be an absolute https:// URL without "
                             "user:password@ (e.g. https://api.sekoia.io)"),
                          at("destination.request_timeout: must be a duration such as 30s, 20m, "
                             "1h or 1d (a bare number means seconds)"),
                          at("destination.ca_file: cannot read file " +
                             (dir / "manifests/ca.pem").string() + ": No such file or directory")});
    CHECK(r.warnings == std::vector<std::string>{
                            at("destination.api_key: secret written inline in the manifest; prefer "
                               "${env:NAME} or ${file:PATH}")});
    CHECK(Redactor::global().redact("inline-key") == "***");

    const ManifestLoad t = load(kHead + "destination: {type: kafka}\n");
    CHECK(t.errors == std::vector<std::string>{
                          at(R"(destination.type: must be one of "sekoia", "file", "stdout")")});
    const ManifestLoad u = load(kHead + "destination: {type: sekoia, connector_uuid: abc}\n");
    CHECK(u.errors == std::vector<std::string>{
                          at("destination.api_key: required key missing"),
                          at("destination.connector_uuid: must be a UUID (8-4-4-4-12 hexadecimal "
                             "digits, e.g. 00000000-0000-0000-0000-000000000000)")});
}

TEST_CASE_FIXTURE(Fixture, "the issue's examples, exactly") {
    CHECK(load(kHead + "  page_size: 500\n").errors ==
          std::vector<std::string>{at("config.page_size: must be ≤ 200")});
    CHECK(load(kHead + "  expand: users\n").errors ==
          std::vector<std::string>{
              at(R"(config.expand: must be one of "user", "userSummary", "none")")});
    CHECK(load("name: okta\nplugin: okta_like\nconfig:\n  api_token: x\n").errors ==
          std::vector<std::string>{at("config.base_url: required key missing")});
    CHECK(load(kHead + "  pagesize: 10\n").errors ==
          std::vector<std::string>{at("config.pagesize: unknown key (did you mean page_size?)")});
    CHECK(load(kHead + "  timeout: 30\n").errors ==
          std::vector<std::string>{at("config.timeout: must be a string, got integer")});
    CHECK(load(kHead, {}).errors ==
          std::vector<std::string>{at("config.api_token: environment variable OKTA_API_TOKEN is "
                                      "not set (referenced as ${env:OKTA_API_TOKEN})")});
}

TEST_CASE_FIXTURE(Fixture, "all errors of a manifest are reported together") {
    const ManifestLoad r = load(
        "name: okta\nplugin: okta_like\nextra: 1\nconfig:\n  api_token: ${file:token.txt}\n"
        "  page_size: 0\n  timeout: 5\n");
    CHECK(r.errors ==
          std::vector<std::string>{
              at("config.api_token: cannot read file " + (dir / "manifests/token.txt").string() +
                 ": No such file or directory (referenced as ${file:token.txt})"),
              at("extra: unknown key"), at("config.base_url: required key missing"),
              at("config.page_size: must be ≥ 1"),
              at("config.timeout: must be a string, got integer")});
    CHECK_FALSE(r.manifest.has_value());
    CHECK(r.name == "okta");
}

TEST_CASE_FIXTURE(Fixture, "top-level problems") {
    CHECK(load("").errors == std::vector<std::string>{
                                 at("the manifest is empty (it needs at least name and plugin; see "
                                    "manifests/README.md)")});
    CHECK(load("- a\n").errors ==
          std::vector<std::string>{at("the manifest must be a mapping (name: ..., plugin: ..., "
                                      "config: ...)")});
    CHECK(load("plugin: okta_like\n").errors ==
          std::vector<std::string>{at("name: required key missing"),
                                   at("config.api_token: required key missing"),
                                   at("config.base_url: required key missing")});
    CHECK(
        load("name: okta\nplugin: nope\n").errors ==
        std::vector<std::string>{at(R"(plugin: unknown plugin "nope" (plugins in p: okta_like))")});
    CHECK(load("name: Okta Devices\nplugin: okta_like\nschedule: {every: 0s}\nconfig:\n"
               "  base_url: x\n  api_token: y\n")
              .errors == std::vector<std::string>{
                             at("name: must be 1 to 64 lower-case letters, digits, '-' or '_', "
                                "starting with a letter or digit"),
                             at("schedule.every: must be at least 1s")});
    const std::string bad_yaml = load("name: okta\nconfig: [1,\n").errors.at(0);
    CHECK(bad_yaml.rfind(file.string() + ":3:1: invalid YAML: ", 0) == 0);
}

TEST_CASE_FIXTURE(Fixture, "inline secrets are accepted with a warning; referenced ones are not") {
    ManifestLoad r =
        load("name: okta\nplugin: okta_like\nconfig:\n  base_url: b\n  api_token: inline-tok\n");
    REQUIRE(r.ok());
    CHECK(r.warnings == std::vector<std::string>{
                            at("config.api_token: secret written inline in the manifest; prefer "
                               "${env:NAME} or ${file:PATH}")});
    CHECK(Redactor::global().redact("inline-tok") == "***");
    r = load(kHead);
    CHECK(r.warnings.empty());
}

TEST_CASE_FIXTURE(Fixture, "`config:` with nothing under it is an empty config") {
    const ManifestLoad r = load("name: okta\nplugin: okta_like\nconfig:\n");
    CHECK(r.errors == std::vector<std::string>{at("config.api_token: required key missing"),
                                               at("config.base_url: required key missing")});
}
