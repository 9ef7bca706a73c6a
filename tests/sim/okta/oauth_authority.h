// The simulated org authorization server for OAuth service apps: registered clients (public keys,
// granted scopes, DPoP requirement), POST /oauth2/v1/token (client credentials with a
// private_key_jwt assertion, DPoP with nonces), and the access checks /api/v1/* makes on
// `Authorization: Bearer|DPoP <token>`. Thread-safe (one lock). Never returns or logs a token,
// an assertion or a proof through the control API or stats. README.md "OAuth" documents it.
#pragma once

#include <asset_sdk/oauth/signing_key.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "device_model.h"

namespace oktasim {

struct OAuthSettings {
    int64_t token_lifetime_s = 3600;       // Okta: fixed at one hour
    bool token_nonce_required = true;      // token requests with a proof must carry our nonce
    bool resource_nonce_required = false;  // /api/v1/* proofs must carry our nonce
};

struct HttpAnswer {
    int status = 200;
    std::string body;  // JSON, or "" for an empty body
    std::vector<std::pair<std::string, std::string>> headers;
};

struct TokenCall {
    std::string content_type;
    std::string body;    // form-encoded
    std::string dpop;    // DPoP header ("" when absent)
    std::string origin;  // scheme://host as the client addressed us
    int64_t now_ms = 0;  // simulated clock
    OAuthSettings settings;
};

struct ResourceCall {
    std::string scheme;  // "Bearer" or "DPoP"
    std::string token;
    std::string dpop;  // DPoP header
    std::string method;
    std::string origin;
    std::string path;
    std::string required_scope;  // e.g. okta.devices.read ("" = any token will do)
    int64_t now_ms = 0;
    OAuthSettings settings;
};

struct ResourceVerdict {
    bool ok = false;
    // When !ok: the answer, except that `okta_invalid_token` asks for Okta's E0000011 body.
    HttpAnswer answer;
    bool okta_invalid_token = false;
};

class OAuthAuthority {
public:
    // Control API. Errors are messages for a 400.
    std::string register_client(const Json& body);
    Json clients_json() const;
    void revoke_tokens();
    void rotate_nonces();
    void clear_stats();
    Json stats_json() const;

    HttpAnswer token(const TokenCall& call);
    ResourceVerdict check_resource(const ResourceCall& call);

private:
    struct Client {
        std::vector<std::pair<std::string, asset_sdk::oauth::SigningKey>> keys;  // kid, key
        std::set<std::string> scopes;
        bool dpop_required = false;
    };
    struct Issued {
        std::string client_id;
        std::set<std::string> scopes;
        std::string jkt;  // "" = Bearer
        int64_t expires_ms = 0;
    };
    struct Stats {
        uint64_t token_requests = 0;
        uint64_t tokens_issued = 0;
        uint64_t dpop_tokens_issued = 0;
        uint64_t resource_bearer = 0;
        uint64_t resource_dpop = 0;
        std::map<std::string, uint64_t> token_errors;     // OAuth error -> count
        std::map<std::string, uint64_t> resource_errors;  // error -> count
        std::map<std::string, uint64_t> assertion_algs;   // RS256 / ES256 -> count
        std::map<std::string, uint64_t> proof_algs;
    };

    HttpAnswer token_locked(const TokenCall& call);
    HttpAnswer oauth_error(int status, const std::string& error, const std::string& description);
    // Checks the client assertion; sets `client_id` or returns the error answer.
    std::optional<HttpAnswer> authenticate(const std::map<std::string, std::string>& form,
                                           const TokenCall& call, std::string& client_id);
    std::optional<HttpAnswer> check_token_proof(const TokenCall& call, std::string& jkt);
    ResourceVerdict resource_locked(const ResourceCall& call);
    // The DPoP proof of a resource request; nullopt when it is acceptable.
    std::optional<ResourceVerdict> check_resource_proof(const ResourceCall& call,
                                                        const std::string& bound_jkt);
    ResourceVerdict resource_error(const ResourceCall& call, int status, const std::string& scheme,
                                   const std::string& params, const std::string& error);
    std::string new_secret(size_t length);
    // Records a proof's jti (kept for twice the iat window); false when it was already used.
    bool remember_proof_jti(const std::string& jti, int64_t now_ms);

    mutable std::mutex mu_;
    std::map<std::string, Client> clients_;
    std::map<std::string, Issued> tokens_;
    std::map<std::string, int64_t> seen_assertion_jti_;  // jti -> expiry (ms)
    std::map<std::string, int64_t> seen_proof_jti_;
    std::string as_nonce_ = "as-nonce-0";
    std::string rs_nonce_ = "rs-nonce-0";
    uint64_t counter_ = 0;
    Stats stats_;
};

}  // namespace oktasim
