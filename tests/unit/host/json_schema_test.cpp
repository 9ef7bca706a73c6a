// valijson results translated into the messages a manifest author sees.
#include "config/json_schema.h"

#include <doctest/doctest.h>
#include "string_list.h"

using namespace asset_host;
using nlohmann::json;

namespace {

// Shaped like a real connector's schema (the messages of the issue come from it).
const char* kOktaLike = R"({
  "type": "object",
  "additionalProperties": false,
  "required": ["base_url", "api_token"],
  "properties": {
    "base_url": {"type": "string", "pattern": "^https://", "x-pattern-message": "must start with https://"},
    "api_token": {"type": "string", "minLength": 1, "x-secret": true},
    "page_size": {"type": "integer", "minimum": 1, "maximum": 200},
    "expand": {"enum": ["user", "userSummary", "none"]},
    "timeout": {"type": "string"},
    "ratio": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
    "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2, "uniqueItems": true},
    "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
    "proxy": {"$ref": "#/definitions/proxy"}
  },
  "definitions": {
    "proxy": {"type": "object", "additionalProperties": false,
              "properties": {"url": {"type": "string"}, "password": {"type": "string", "x-secret": true}}}
  }
})";

std::shared_ptr<const JsonSchema> schema() {
    auto s = JsonSchema::compile(kOktaLike);
    REQUIRE_MESSAGE(s.is_ok(), s.status().message());
    return *s;
}

std::vector<std::string> messages(const json& doc) {
    std::vector<std::string> out;
    for (const auto& issue : schema()->validate(doc, "config")) out.push_back(issue.str());
    return out;
}

json valid() {
    return {{"base_url", "https://acme.okta.com"}, {"api_token", "t"}};
}

}  // namespace

TEST_CASE("a valid document has no issues") {
    CHECK(messages(valid()).empty());
}

TEST_CASE("required keys, ranges, enums, types") {
    CHECK(messages(json::object()) ==
          std::vector<std::string>{"config.api_token: required key missing",
                                   "config.base_url: required key missing"});
    json d = valid();
    d["page_size"] = 500;
    CHECK(messages(d) == std::vector<std::string>{"config.page_size: must be ≤ 200"});
    d["page_size"] = 0;
    CHECK(messages(d) == std::vector<std::string>{"config.page_size: must be ≥ 1"});
    d = valid();
    d["expand"] = "users";
    CHECK(messages(d) == std::vector<std::string>{
                             R"(config.expand: must be one of "user", "userSummary", "none")"});
    d = valid();
    d["timeout"] = 30;
    CHECK(messages(d) == std::vector<std::string>{"config.timeout: must be a string, got integer"});
    d = valid();
    d["ratio"] = 1.0;
    CHECK(messages(d) == std::vector<std::string>{"config.ratio: must be < 1"});
    d["ratio"] = 0;
    CHECK(messages(d) == std::vector<std::string>{"config.ratio: must be > 0"});
}

TEST_CASE("a wrong type is the only message for its key") {
    json d = valid();
    d["page_size"] = "500";  // wrong type AND (if it were a number) out of range
    CHECK(messages(d) ==
          std::vector<std::string>{"config.page_size: must be an integer, got string"});
    CHECK(schema()->validate(json::array(), "config").front().str() ==
          "config: must be an object, got array");
}

TEST_CASE("every unknown key is reported, with a suggestion when it is a likely typo") {
    json d = valid();
    d["pagesize"] = 10;
    d["Expand"] = "user";
    d["zzz"] = 1;
    CHECK(messages(d) ==
          std::vector<std::string>{"config.Expand: unknown key (did you mean expand?)",
                                   "config.pagesize: unknown key (did you mean page_size?)",
                                   "config.zzz: unknown key"});
}

TEST_CASE("patterns, lengths, arrays and $ref'd objects") {
    json d = valid();
    d["base_url"] = "http://acme.okta.com";
    d["api_token"] = "";
    d["code"] = "abcd";
    d["tags"] = {"a", "a", 3};
    d["proxy"] = {{"url", 5}, {"user", "x"}};
    CHECK(messages(d) == std::vector<std::string>{"config.api_token: must not be empty",
                                                  "config.base_url: must start with https://",
                                                  "config.code: must match the pattern ^[A-Z]{3}$",
                                                  "config.proxy.url: must be a string, got integer",
                                                  "config.proxy.user: unknown key",
                                                  "config.tags: must have at most 2 items",
                                                  "config.tags: must not contain duplicate items",
                                                  "config.tags[2]: must be a string, got integer"});
}

TEST_CASE("messages never quote the checked value") {
    json d = valid();
    d["api_token"] = 123456789;
    d["code"] = "SECRETVALUE";
    for (const auto& m : messages(d)) {
        CHECK(m.find("123456789") == std::string::npos);
        CHECK(m.find("SECRETVALUE") == std::string::npos);
    }
}

TEST_CASE("secrets are found by x-secret, through nested objects and $ref") {
    json d = valid();
    d["api_token"] = "tok";
    d["proxy"] = {{"url", "http://p"}, {"password", "pw"}};
    const auto secrets = schema()->secrets(d, "config");
    REQUIRE(secrets.size() == 2);
    CHECK(secrets[0].path == "config.api_token");
    CHECK(secrets[0].value == "tok");
    CHECK(secrets[1].path == "config.proxy.password");
    CHECK(secrets[1].value == "pw");
}

TEST_CASE("schemas that cannot be used are refused with a reason") {
    const std::string not_json = JsonSchema::compile("{not json").status().message();
    INFO(not_json);
    CHECK(not_json.rfind("config schema is not valid JSON: parse error at line 1, column 3: ", 0) ==
          0);
    CHECK(JsonSchema::compile("[1]").status().message() == "config schema must be a JSON object");
    CHECK(JsonSchema::compile(R"({"$ref": "http://example.com/remote.json"})")
              .status()
              .message()
              .rfind("config schema is not a usable JSON Schema: ", 0) == 0);
    CHECK(JsonSchema::compile(R"({"type": 5})")
              .status()
              .message()
              .rfind("config schema is not a usable JSON Schema: ", 0) == 0);
}

TEST_CASE("closest_key suggests only plausible typos") {
    CHECK(closest_key("pagesize", {"page_size", "expand"}) == "page_size");
    CHECK(closest_key("Page-Size", {"page_size"}) == "page_size");
    CHECK(closest_key("timout", {"timeout"}) == "timeout");
    CHECK(closest_key("zzz", {"page_size", "expand"}).empty());
}

TEST_CASE("x-composite-message: one readable line for 'exactly one of' instead of branch noise") {
    auto s = JsonSchema::compile(R"({
      "type": "object",
      "required": ["base_url"],
      "properties": {"base_url": {"type": "string"}, "api_token": {"type": "string"},
                     "oauth": {"type": "object", "required": ["client_id"],
                               "properties": {"client_id": {"type": "string"}}}},
      "oneOf": [{"required": ["api_token"]}, {"required": ["oauth"]}],
      "x-composite-message": "set exactly one of api_token or oauth"
    })");
    REQUIRE(s.is_ok());
    auto issues = [&](const json& doc) {
        std::vector<std::string> out;
        for (const auto& issue : (*s)->validate(doc, "config")) out.push_back(issue.str());
        return out;
    };
    CHECK(issues({{"base_url", "x"}, {"api_token", "t"}}).empty());
    CHECK(issues({{"base_url", "x"}, {"oauth", {{"client_id", "c"}}}}).empty());
    CHECK(issues({{"base_url", "x"}}) ==
          std::vector<std::string>{"config: set exactly one of api_token or oauth"});
    CHECK(issues({{"base_url", "x"}, {"api_token", "t"}, {"oauth", {{"client_id", "c"}}}}) ==
          std::vector<std::string>{"config: set exactly one of api_token or oauth"});
    // Other problems are still listed, each once.
    CHECK(issues(json::object()) ==
          std::vector<std::string>{"config: set exactly one of api_token or oauth",
                                   "config.base_url: required key missing"});
    CHECK(issues({{"base_url", "x"}, {"oauth", json::object()}}) ==
          std::vector<std::string>{"config.oauth.client_id: required key missing"});
}

TEST_CASE("a failed 'not' without a custom message gets plain words") {
    auto s = JsonSchema::compile(R"({"type": "object", "not": {"required": ["a"]}})");
    REQUIRE(s.is_ok());
    const auto issues = (*s)->validate(json{{"a", 1}}, "config");
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].str() == "config: matches a form that is not allowed");
}
