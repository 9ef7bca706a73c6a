// OAuth 2.0 client credentials with `private_key_jwt` client authentication (RFC 6749 §4.4,
// RFC 7523) and optional DPoP (RFC 9449), for a service calling an API:
//  - POST token_url: grant_type=client_credentials, scope, client_assertion_type=jwt-bearer,
//    client_assertion = a fresh signed JWT per request (unique jti);
//  - DPoP: `always`, `never`, or `auto` = start without, switch (for the provider's life) when
//    the token endpoint answers `invalid_dpop_proof` to a request that carried no proof;
//  - nonces: a 400 `use_dpop_nonce` with a `DPoP-Nonce` header from the token endpoint, or a
//    `WWW-Authenticate: DPoP error="use_dpop_nonce"` from the resource server, is retried once
//    with the nonce; a `DPoP-Nonce` header on any answer updates the nonce for the next proof;
//  - the access token is cached until shortly before it expires; a 401 from the resource
//    server drops it and the request is retried once with a new one.
// The DPoP key is separate from the client key (an authorization server binds tokens to it,
// not to the client's registered key): a P-256 key generated in memory unless one is given.
// Not thread-safe: one provider per client, used from one thread at a time. It never logs;
// its messages never contain the private key, an assertion, a proof or a token.
#pragma once

#include <asset_sdk/clock.h>
#include <asset_sdk/http_client.h>
#include <asset_sdk/oauth/signing_key.h>
#include <asset_sdk/oauth/token_response.h>
#include <asset_sdk/status.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace asset_sdk::oauth {

enum class DpopMode { kAuto, kAlways, kNever };

struct ClientCredentialsConfig {
    std::string token_url;  // absolute; also the assertion's `aud`
    std::string client_id;
    std::string key_id;  // JWS `kid` of the assertion; empty: the JWK's kid, if any
    std::vector<std::string> scopes;
    DpopMode dpop = DpopMode::kAuto;
    Millis assertion_lifetime{5 * 60'000};
    // Renew a cached token this long before it expires (at most half its lifetime).
    Millis refresh_before_expiry{60'000};
    Millis timeout{30'000};  // per token request
    std::string user_agent;  // empty: the HTTP client's default
};

// Why no token could be obtained.
enum class TokenFailure {
    kTransport,      // no HTTP answer (DNS, TLS, timeout...): see `transport`
    kInvalidClient,  // client authentication failed: unknown client, wrong key or kid
    kScope,          // a requested scope is unknown or not granted to the client
    kDpopRequired,   // the client must use DPoP but dpop is `never`
    kDpopRejected,   // the server refused the DPoP proof (clock skew, key, nonce)
    kRateLimited,    // 429
    kServerError,    // 5xx
    kRejected,       // another error answer (unauthorized_client, invalid_request, ...)
    kProtocol,       // a 200 the client cannot use
    kCancelled,
    kInternal,  // signing failed
};

struct TokenError {
    TokenFailure kind = TokenFailure::kInternal;
    TransportError transport = TransportError::kNone;
    std::string transport_message;  // libcurl's words
    long http_status = 0;
    std::string error;        // the OAuth `error` code, if any
    std::string description;  // its error_description, scrubbed
    std::vector<std::string> requested_scopes;

    // Worth retrying later: a transient transport failure, 429 or 5xx.
    bool transient() const;
    // "token endpoint: invalid_client (The client_assertion signature is invalid.)".
    std::string message() const;
};

// What a resource request through the provider produced.
struct AuthorizedResult {
    HttpResult http;                        // meaningful when !token_error
    std::optional<TokenError> token_error;  // set when no token could be obtained
    int auth_retries = 0;                   // requests re-sent for a nonce or a new token
};

class TokenProvider {
public:
    // `client_key`: the private key registered (as its public half) with the authorization
    // server; shared, so a configuration can keep it without a copy of the secret.
    // `dpop_key`: nullopt = a fresh P-256 key. Fails when client_key has no private part or the
    // DPoP key cannot be generated.
    static Result<std::unique_ptr<TokenProvider>> create(
        ClientCredentialsConfig config, std::shared_ptr<const SigningKey> client_key,
        HttpClient& http, Clock& clock, std::optional<SigningKey> dpop_key = {});
    ~TokenProvider();

    // A valid token: the cached one, or a new one from the token endpoint.
    std::optional<TokenError> ensure_token();
    // Drops the cached token (the next request fetches a new one).
    void invalidate();

    // Adds Authorization (and DPoP) to `request`, sends it, and retries once when the resource
    // server asks for a DPoP nonce or rejects the token with 401.
    AuthorizedResult perform(HttpClient& http, HttpRequest request);

    // perform() in two halves, for a caller that sends the request itself (HttpClient::start
    // now, finish later): authorize() adds Authorization (and DPoP) to `request`, fetching a
    // token when needed; complete() takes the request as sent and its answer, and re-sends it
    // through `http` once, with fresh credentials, when perform() would have.
    std::optional<TokenError> authorize(HttpRequest& request);
    AuthorizedResult complete(HttpClient& http, HttpRequest request, HttpResult answer);

    // What the last successful token response said (nullopt before the first one).
    bool has_token() const;
    bool token_is_dpop() const;
    // Requested scopes the server did not list as granted (empty when it listed none).
    std::vector<std::string> missing_scopes() const;
    // Whether proofs are being sent: `always`, or `auto` after the server required DPoP.
    bool dpop_in_use() const;
    const ClientCredentialsConfig& config() const;

private:
    struct State;
    explicit TokenProvider(std::unique_ptr<State> state);
    std::unique_ptr<State> s_;
};

}  // namespace asset_sdk::oauth
