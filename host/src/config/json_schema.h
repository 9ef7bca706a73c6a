// JSON Schema (draft-07) validation with messages a person can act on. valijson does the
// validation; its results are translated here, leaf errors only, into path-qualified messages:
//   config.page_size: must be ≤ 200
//   config.expand: must be one of "user", "userSummary", "none"
//   config.base_url: required key missing
//   config.pagesize: unknown key (did you mean page_size?)
//   config.timeout: must be a string, got integer
// Messages never contain the value that was checked (it may be a secret); they may contain what
// the schema allows (enum members, bounds, patterns).
//
// Extensions understood in schemas:
//   "x-secret": true          the string value is a secret (redacted, warned about when inline)
//   "x-pattern-message": "…"  replaces "must match the pattern …" for a failed "pattern"
//   "x-composite-message": "…" on an object schema: replaces the generic message of its failed
//                             oneOf / anyOf / allOf / not / if-then-else, and the "required key
//                             missing" issues of keys those branches require are not listed
//                             (e.g. "set exactly one of api_token or oauth")
#pragma once

#include <asset_sdk/status.h>

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace valijson {
class Schema;
}

namespace asset_host {

struct SchemaIssue {
    std::string path;     // "config.page_size"; empty for the document itself
    std::string message;  // "must be ≤ 200"
    std::string str() const { return path.empty() ? message : path + ": " + message; }
};

struct SecretValue {
    std::string path;   // "config.api_token"
    std::string value;  // the resolved value
};

class JsonSchema {
public:
    // Parses and compiles a schema. Fails with a message when the text is not JSON, not an
    // object, or not a schema valijson can use (e.g. a remote $ref).
    static asset_sdk::Result<std::shared_ptr<const JsonSchema>> compile(std::string_view text);
    static asset_sdk::Result<std::shared_ptr<const JsonSchema>> compile_document(
        nlohmann::json schema);
    ~JsonSchema();

    // Every problem found in `doc`, paths prefixed with `prefix` (e.g. "config"). Empty: valid.
    std::vector<SchemaIssue> validate(const nlohmann::json& doc, const std::string& prefix) const;

    // The string values of `doc` that the schema marks "x-secret": true (nested objects and
    // arrays included), with their paths under `prefix`.
    std::vector<SecretValue> secrets(const nlohmann::json& doc, const std::string& prefix) const;

    JsonSchema(const JsonSchema&) = delete;
    JsonSchema& operator=(const JsonSchema&) = delete;

private:
    JsonSchema() = default;
    nlohmann::json doc_;
    std::unique_ptr<valijson::Schema> compiled_;
};

// "did you mean …?" helper: the candidate closest to `key` when it is plausibly a typo.
std::string closest_key(const std::string& key, const std::vector<std::string>& candidates);

}  // namespace asset_host
