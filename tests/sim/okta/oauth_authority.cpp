// OAuthAuthority: client registry, control API and the token endpoint. The resource-side checks
// are in oauth_resource.cpp. Error codes and descriptions follow Okta's where known (README.md
// "OAuth" says which are documented and which are the simulator's own words).
#include "oauth_authority.h"

#include <random>

#include "oauth_jws.h"
#include "url_codec.h"

namespace oktasim {

namespace {

using asset_sdk::oauth::KeyType;
using asset_sdk::oauth::SigningKey;

constexpr char kJwtBearer[] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
constexpr int64_t kMaxAssertionLifetimeS = 3600;  // Okta: exp at most one hour ahead

std::string string_member(const Json& j, const char* name) {
    const auto it = j.find(name);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Okta's scopes look like okta.<resource>.read / okta.<resource>.manage.
bool known_scope(const std::string& scope) {
    auto ends_with = [&](const char* s) {
        const std::string suffix(s);
        return scope.size() > suffix.size() &&
               scope.compare(scope.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    return scope.rfind("okta.", 0) == 0 && (ends_with(".read") || ends_with(".manage"));
}

std::vector<std::string> split_spaces(const std::string& s) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos < s.size()) {
        const size_t end = std::min(s.find(' ', pos), s.size());
        if (end > pos) out.push_back(s.substr(pos, end - pos));
        pos = end + 1;
    }
    return out;
}

// Drops entries whose expiry has passed.
void purge(std::map<std::string, int64_t>& seen, int64_t now_ms) {
    for (auto it = seen.begin(); it != seen.end();) {
        it = it->second < now_ms ? seen.erase(it) : std::next(it);
    }
}

}  // namespace

std::string OAuthAuthority::register_client(const Json& body) {
    if (!body.is_object()) return "body must be a JSON object";
    const std::string client_id = string_member(body, "client_id");
    if (client_id.empty()) return "client_id (a non-empty string) is required";
    Client client;
    Json keys = body.contains("keys") ? body["keys"] : Json::array();
    if (body.contains("public_key"))
        keys.push_back({{"key", body["public_key"]}, {"kid", body.value("kid", "")}});
    if (!keys.is_array() || keys.empty()) return "keys (or public_key) is required";
    for (const Json& entry : keys) {
        if (!entry.is_object() || !entry.contains("key")) return "each key needs a \"key\"";
        const Json& text = entry["key"];
        auto key =
            SigningKey::load_public(text.is_string() ? text.get<std::string>() : text.dump());
        if (!key) return "key " + key.status().message();
        std::string kid = string_member(entry, "kid");
        if (kid.empty()) kid = key->jwk_kid();
        client.keys.emplace_back(kid, std::move(key).value());
    }
    if (body.contains("scopes")) {
        if (!body["scopes"].is_array()) return "scopes must be an array of strings";
        for (const Json& s : body["scopes"]) {
            if (!s.is_string()) return "scopes must be an array of strings";
            client.scopes.insert(s.get<std::string>());
        }
    }
    if (body.contains("dpop_required")) {
        if (!body["dpop_required"].is_boolean()) return "dpop_required must be true or false";
        client.dpop_required = body["dpop_required"].get<bool>();
    }
    std::lock_guard lock(mu_);
    clients_[client_id] = std::move(client);
    return "";
}

Json OAuthAuthority::clients_json() const {
    std::lock_guard lock(mu_);
    Json out = Json::array();
    for (const auto& [id, client] : clients_) {
        Json keys = Json::array();
        for (const auto& [kid, key] : client.keys) {
            keys.push_back({{"kid", kid},
                            {"kty", key.type() == KeyType::kRsa ? "RSA" : "EC"},
                            {"thumbprint", key.thumbprint()}});
        }
        out.push_back({{"client_id", id},
                       {"scopes", client.scopes},
                       {"dpop_required", client.dpop_required},
                       {"keys", keys}});
    }
    return out;
}

void OAuthAuthority::revoke_tokens() {
    std::lock_guard lock(mu_);
    tokens_.clear();
}

void OAuthAuthority::rotate_nonces() {
    std::lock_guard lock(mu_);
    ++counter_;
    as_nonce_ = "as-nonce-" + std::to_string(counter_) + "-" + new_secret(12);
    rs_nonce_ = "rs-nonce-" + std::to_string(counter_) + "-" + new_secret(12);
}

void OAuthAuthority::clear_stats() {
    std::lock_guard lock(mu_);
    stats_ = Stats{};
}

Json OAuthAuthority::stats_json() const {
    std::lock_guard lock(mu_);
    return Json{{"token_requests", stats_.token_requests},
                {"tokens_issued", stats_.tokens_issued},
                {"dpop_tokens_issued", stats_.dpop_tokens_issued},
                {"tokens_live", tokens_.size()},
                {"resource_bearer_requests", stats_.resource_bearer},
                {"resource_dpop_requests", stats_.resource_dpop},
                {"token_errors", stats_.token_errors},
                {"resource_errors", stats_.resource_errors},
                {"assertion_algs", stats_.assertion_algs},
                {"proof_algs", stats_.proof_algs}};
}

std::string OAuthAuthority::new_secret(size_t length) {
    static const char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    static std::mt19937_64 rng{std::random_device{}()};
    std::string out;
    for (size_t i = 0; i < length; ++i) out.push_back(kAlphabet[rng() % 64]);
    return out;
}

bool OAuthAuthority::remember_proof_jti(const std::string& jti, int64_t now_ms) {
    purge(seen_proof_jti_, now_ms);
    return seen_proof_jti_.emplace(jti, now_ms + 2 * kDpopIatWindowS * 1000).second;
}

HttpAnswer OAuthAuthority::oauth_error(int status, const std::string& error,
                                       const std::string& description) {
    ++stats_.token_errors[error];
    HttpAnswer a;
    a.status = status;
    a.body = Json{{"error", error}, {"error_description", description}}.dump();
    return a;
}

HttpAnswer OAuthAuthority::token(const TokenCall& call) {
    std::lock_guard lock(mu_);
    HttpAnswer answer = token_locked(call);
    answer.headers.emplace_back("Cache-Control", "no-cache, no-store");
    answer.headers.emplace_back("Pragma", "no-cache");
    return answer;
}

HttpAnswer OAuthAuthority::token_locked(const TokenCall& call) {
    ++stats_.token_requests;
    if (call.content_type.rfind("application/x-www-form-urlencoded", 0) != 0) {
        return oauth_error(400, "invalid_request",
                           "The request must be sent as application/x-www-form-urlencoded.");
    }
    const auto params = QueryParams::parse(call.body);
    if (!params) return oauth_error(400, "invalid_request", "The request body is malformed.");
    std::map<std::string, std::string> form;
    for (const auto& [k, v] : params->items()) form.emplace(k, v);
    if (form["grant_type"] != "client_credentials") {
        return oauth_error(400, "unsupported_grant_type",
                           "The authorization grant type is not supported by the authorization "
                           "server. Configured grant types: [client_credentials].");
    }
    std::string client_id;
    if (auto failed = authenticate(form, call, client_id)) return *failed;
    const Client& client = clients_.at(client_id);

    std::string jkt;
    if (call.dpop.empty()) {
        if (client.dpop_required) {
            return oauth_error(400, "invalid_dpop_proof", "The DPoP proof JWT header is missing.");
        }
    } else if (auto failed = check_token_proof(call, jkt)) {
        return *failed;
    }

    const std::vector<std::string> requested = split_spaces(form["scope"]);
    if (requested.empty()) {
        return oauth_error(400, "invalid_scope",
                           "The authorization server resource does not have any configured "
                           "default scopes, 'scope' must be provided.");
    }
    std::set<std::string> granted;
    for (const std::string& s : requested) {
        if (!known_scope(s)) {
            return oauth_error(400, "invalid_scope",
                               "One or more scopes are not configured for the authorization "
                               "server resource.");
        }
        if (client.scopes.count(s)) granted.insert(s);
    }
    if (granted.empty()) {
        return oauth_error(400, "consent_required",
                           "You are not allowed any of the requested scopes.");
    }

    const std::string token = "sim-at." + new_secret(48);
    tokens_[token] = {client_id, granted, jkt, call.now_ms + call.settings.token_lifetime_s * 1000};
    ++stats_.tokens_issued;
    if (!jkt.empty()) ++stats_.dpop_tokens_issued;
    std::string scope;
    for (const std::string& s : granted) scope += (scope.empty() ? "" : " ") + s;
    HttpAnswer ok;
    ok.body = Json{
        {"token_type", jkt.empty() ? "Bearer" : "DPoP"},
        {"expires_in", call.settings.token_lifetime_s},
        {"access_token", token},
        {"scope",
         scope}}.dump();
    return ok;
}

std::optional<HttpAnswer> OAuthAuthority::authenticate(
    const std::map<std::string, std::string>& form, const TokenCall& call, std::string& client_id) {
    auto field = [&](const char* name) {
        const auto it = form.find(name);
        return it == form.end() ? std::string() : it->second;
    };
    if (field("client_assertion_type") != kJwtBearer) {
        return oauth_error(401, "invalid_client",
                           "client_assertion_type must be " + std::string(kJwtBearer) + ".");
    }
    const auto jws = parse_jws(field("client_assertion"));
    if (!jws) return oauth_error(401, "invalid_client", "The client_assertion token is malformed.");
    if (jws->alg != "RS256" && jws->alg != "ES256") {
        return oauth_error(401, "invalid_client",
                           "The client_assertion token has an unsupported signing algorithm.");
    }
    const Json& p = jws->payload;
    client_id = string_member(p, "iss");
    if (client_id.empty() || string_member(p, "sub") != client_id ||
        (!field("client_id").empty() && field("client_id") != client_id)) {
        return oauth_error(401, "invalid_client",
                           "The 'iss' and 'sub' claims of the client_assertion token must both "
                           "be the client_id.");
    }
    const auto found = clients_.find(client_id);
    if (found == clients_.end()) {
        return oauth_error(401, "invalid_client", "Invalid value for 'client_id' parameter.");
    }
    const std::string kid = string_member(jws->header, "kid");
    bool kid_known = kid.empty(), verified = false;
    for (const auto& [key_kid, key] : found->second.keys) {
        if (!kid.empty() && key_kid != kid) continue;
        kid_known = true;
        verified = verified || jws_signature_ok(*jws, key);
    }
    if (!kid_known) {
        return oauth_error(401, "invalid_client",
                           "The client_assertion token has a 'kid' that matches no public key of "
                           "the client.");
    }
    if (!verified)
        return oauth_error(401, "invalid_client", "The client_assertion signature is invalid.");
    ++stats_.assertion_algs[jws->alg];
    if (string_member(p, "aud") != call.origin + "/oauth2/v1/token") {
        return oauth_error(401, "invalid_client",
                           "The audience [aud] claim in the client_assertion token is invalid.");
    }
    const auto exp = p.find("exp");
    const int64_t now_s = call.now_ms / 1000;
    if (exp == p.end() || !exp->is_number_integer() || exp->get<int64_t>() <= now_s) {
        return oauth_error(401, "invalid_client", "The client_assertion token is expired.");
    }
    if (exp->get<int64_t>() > now_s + kMaxAssertionLifetimeS) {
        return oauth_error(401, "invalid_client",
                           "The client_assertion token has an expiration too far into the future.");
    }
    const std::string jti = string_member(p, "jti");
    purge(seen_assertion_jti_, call.now_ms);
    if (!jti.empty() && !seen_assertion_jti_.emplace(jti, exp->get<int64_t>() * 1000).second) {
        return oauth_error(401, "invalid_client",
                           "The client_assertion token has already been used.");
    }
    return std::nullopt;
}

std::optional<HttpAnswer> OAuthAuthority::check_token_proof(const TokenCall& call,
                                                            std::string& jkt) {
    DpopExpectation expect;
    expect.method = "POST";
    expect.htu = call.origin + "/oauth2/v1/token";
    expect.now_s = call.now_ms / 1000;
    const DpopCheck check = check_dpop_proof(call.dpop, expect);
    if (!check.proof) return oauth_error(400, "invalid_dpop_proof", check.error);
    if (call.settings.token_nonce_required && check.proof->nonce != as_nonce_) {
        HttpAnswer a = oauth_error(400, "use_dpop_nonce",
                                   "Authorization server requires nonce in DPoP proof.");
        a.headers.emplace_back("DPoP-Nonce", as_nonce_);
        return a;
    }
    if (!remember_proof_jti(check.proof->jti, call.now_ms)) {
        return oauth_error(400, "invalid_dpop_proof", "The DPoP proof JWT 'jti' was already used.");
    }
    ++stats_.proof_algs[check.proof->alg];
    jkt = check.proof->jkt;
    return std::nullopt;
}

}  // namespace oktasim
