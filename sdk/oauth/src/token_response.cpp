#include <asset_sdk/oauth/token_response.h>
#include <asset_sdk/text.h>

#include <simdjson.h>

#include <cmath>

namespace asset_sdk::oauth {

namespace {

constexpr std::size_t kMaxBody = 64 * 1024;
// expires_in is a number of seconds; some servers send it as a string.
std::optional<Millis> read_expires_in(simdjson::dom::element value) {
    double seconds = -1;
    if (value.is_int64()) {
        seconds = static_cast<double>(value.get_int64().value_unsafe());
    } else if (value.is_uint64()) {
        seconds = static_cast<double>(value.get_uint64().value_unsafe());
    } else if (value.is_double()) {
        seconds = value.get_double().value_unsafe();
    } else if (value.is_string()) {
        const std::string text(value.get_string().value_unsafe().substr(0, 16));
        char* end = nullptr;
        seconds = std::strtod(text.c_str(), &end);
        if (end == text.c_str() || *end != '\0') seconds = -1;
    }
    if (!std::isfinite(seconds) || seconds < 0 || seconds > 10.0 * 365 * 86400) return std::nullopt;
    return Millis(static_cast<std::int64_t>(seconds * 1000));
}

}  // namespace

std::vector<std::string> split_scopes(std::string_view scope) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < scope.size()) {
        while (pos < scope.size() && scope[pos] == ' ') ++pos;
        const std::size_t start = pos;
        while (pos < scope.size() && scope[pos] != ' ') ++pos;
        if (pos > start) out.emplace_back(scope.substr(start, pos - start));
    }
    return out;
}

Result<AccessToken> parse_token_response(std::string_view body) {
    simdjson::dom::parser parser;
    const simdjson::padded_string padded(body.substr(0, kMaxBody));
    simdjson::dom::element root;
    if (parser.parse(padded).get(root) || !root.is_object()) {
        return Status(StatusCode::kProtocol, "the token response is not a JSON object");
    }
    AccessToken token;
    std::string_view text;
    if (root["access_token"].get_string().get(text) || text.empty()) {
        return Status(StatusCode::kProtocol, "the token response has no access_token");
    }
    token.value = std::string(text);
    if (root["token_type"].get_string().get(text)) {
        return Status(StatusCode::kProtocol, "the token response has no token_type");
    }
    if (iequals(text, "DPoP")) {
        token.dpop = true;
    } else if (!iequals(text, "Bearer")) {
        return Status(StatusCode::kProtocol, "the token response has the unsupported token_type '" +
                                                 one_line(text, 32) + "'");
    }
    simdjson::dom::element expires;
    if (!root["expires_in"].get(expires)) token.expires_in = read_expires_in(expires);
    if (!root["scope"].get_string().get(text)) token.scopes = split_scopes(text);
    return token;
}

OAuthErrorBody parse_oauth_error(std::string_view body) {
    OAuthErrorBody out;
    simdjson::dom::parser parser;
    const simdjson::padded_string padded(body.substr(0, kMaxBody));
    simdjson::dom::element root;
    if (parser.parse(padded).get(root) || !root.is_object()) return out;
    std::string_view text;
    if (!root["error"].get_string().get(text)) out.error = scrub_credentials(text, 64);
    if (!root["error_description"].get_string().get(text)) {
        out.description = scrub_credentials(text, 300);
    }
    return out;
}

}  // namespace asset_sdk::oauth
