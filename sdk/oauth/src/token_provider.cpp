#include <asset_sdk/oauth/jwt.h>
#include <asset_sdk/oauth/token_provider.h>
#include <asset_sdk/text.h>
#include <asset_sdk/url.h>
#include <asset_sdk/www_authenticate.h>

#include <algorithm>

namespace asset_sdk::oauth {

namespace {

constexpr char kAssertionType[] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
// Used when a token response does not say how long the token lives.
constexpr Millis kAssumedLifetime{5 * 60'000};
// no proof -> proof (auto DPoP discovered) -> proof with the server's nonce.
constexpr int kMaxTokenAttempts = 3;

std::string join_scopes(const std::vector<std::string>& scopes) {
    std::string out;
    for (const std::string& s : scopes) out += (out.empty() ? "" : " ") + s;
    return out;
}

TokenFailure classify(long status, const std::string& error) {
    if (error == "invalid_client" || (error.empty() && status == 401)) {
        return TokenFailure::kInvalidClient;
    }
    // RFC 6749 says invalid_scope; some servers answer consent_required for a scope the client
    // was never granted (there is no user who could consent in this flow).
    if (error == "invalid_scope" || error == "consent_required") return TokenFailure::kScope;
    if (error == "invalid_dpop_proof" || error == "use_dpop_nonce") {
        return TokenFailure::kDpopRejected;
    }
    if (status == 429) return TokenFailure::kRateLimited;
    if (status >= 500) return TokenFailure::kServerError;
    return TokenFailure::kRejected;
}

bool asks_for_nonce(const HttpResponse& response) {
    for (const AuthChallenge& c :
         parse_www_authenticate(response.header_values("www-authenticate"))) {
        const std::string* error = c.param("error");
        if (error && *error == "use_dpop_nonce") return true;
    }
    return false;
}

}  // namespace

struct TokenProvider::State {
    State(ClientCredentialsConfig c, std::shared_ptr<const SigningKey> client, SigningKey dpop,
          HttpClient& h, Clock& k)
        : config(std::move(c)),
          client_key(std::move(client)),
          dpop_key(std::move(dpop)),
          http(h),
          clock(k) {}

    ClientCredentialsConfig config;
    std::shared_ptr<const SigningKey> client_key;
    SigningKey dpop_key;
    HttpClient& http;
    Clock& clock;
    bool dpop_required = false;  // auto mode, after the server asked for DPoP
    std::string as_nonce;        // from the token endpoint
    std::string rs_nonce;        // from the resource server
    std::optional<AccessToken> token;
    SteadyTime refresh_at{};

    bool with_proof() const {
        return config.dpop == DpopMode::kAlways ||
               (config.dpop == DpopMode::kAuto && dpop_required);
    }
    const std::string& key_id() const {
        return config.key_id.empty() ? client_key->jwk_kid() : config.key_id;
    }

    TokenError fail(TokenFailure kind) const {
        TokenError e;
        e.kind = kind;
        e.requested_scopes = config.scopes;
        return e;
    }
    Result<HttpRequest> token_request();
    std::optional<TokenError> fetch();
    void store(AccessToken fresh);
};

Result<HttpRequest> TokenProvider::State::token_request() {
    ClientAssertionClaims claims;
    claims.client_id = config.client_id;
    claims.audience = config.token_url;
    claims.key_id = key_id();
    claims.lifetime = config.assertion_lifetime;
    auto assertion = make_client_assertion(*client_key, claims, clock.now(), new_jti());
    if (!assertion) return assertion.status();

    HttpRequest req;
    req.method = "POST";
    req.url = config.token_url;
    req.timeout = config.timeout;
    req.body = "grant_type=client_credentials&scope=" + percent_encode(join_scopes(config.scopes)) +
               "&client_assertion_type=" + percent_encode(kAssertionType) +
               "&client_assertion=" + percent_encode(*assertion);
    req.headers.emplace_back("Accept", "application/json");
    req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    if (!config.user_agent.empty()) req.headers.emplace_back("User-Agent", config.user_agent);
    if (with_proof()) {
        auto proof = make_dpop_proof(dpop_key, {"POST", config.token_url, {}, as_nonce},
                                     clock.now(), new_jti());
        if (!proof) return proof.status();
        req.headers.emplace_back("DPoP", std::move(*proof));
    }
    return req;
}

void TokenProvider::State::store(AccessToken fresh) {
    const Millis lifetime = fresh.expires_in.value_or(kAssumedLifetime);
    const Millis margin = std::min(config.refresh_before_expiry, lifetime / 2);
    refresh_at = clock.steady_now() + (lifetime - margin);
    token = std::move(fresh);
}

std::optional<TokenError> TokenProvider::State::fetch() {
    token.reset();
    bool nonce_retried = false;
    bool dpop_switched = false;
    for (int attempt = 0; attempt < kMaxTokenAttempts; ++attempt) {
        const bool proof = with_proof();
        auto request = token_request();
        if (!request) return fail(TokenFailure::kInternal);
        HttpResult r = http.perform(*request);
        if (!r.ok()) {
            TokenError e = fail(r.error == TransportError::kCancelled ? TokenFailure::kCancelled
                                                                      : TokenFailure::kTransport);
            e.transport = r.error;
            e.transport_message = r.error_message;
            return e;
        }
        if (auto nonce = r.response.header("dpop-nonce")) as_nonce = std::string(*nonce);
        const long status = r.response.status;
        if (status == 200) {
            auto parsed = parse_token_response(r.response.body);
            if (!parsed || (parsed->dpop && !proof)) {
                TokenError e = fail(TokenFailure::kProtocol);
                e.http_status = status;
                e.description = parsed ? "a DPoP-bound token was issued without a DPoP proof"
                                       : parsed.status().message();
                return e;
            }
            store(std::move(parsed).value());
            return std::nullopt;
        }
        const OAuthErrorBody body = parse_oauth_error(r.response.body);
        if (proof && body.error == "use_dpop_nonce" && !nonce_retried && !as_nonce.empty()) {
            nonce_retried = true;
            continue;
        }
        TokenFailure kind = classify(status, body.error);
        if (!proof && body.error == "invalid_dpop_proof") {
            if (config.dpop == DpopMode::kAuto && !dpop_switched) {
                dpop_required = dpop_switched = true;
                continue;
            }
            kind = TokenFailure::kDpopRequired;
        }
        TokenError e = fail(kind);
        e.http_status = status;
        e.error = body.error;
        e.description = body.description;
        return e;
    }
    return fail(TokenFailure::kDpopRejected);  // nonce demanded again after the retry
}

bool TokenError::transient() const {
    switch (kind) {
        case TokenFailure::kTransport:
            return is_transient(transport);
        case TokenFailure::kRateLimited:
        case TokenFailure::kServerError:
            return true;
        default:
            return false;
    }
}

std::string TokenError::message() const {
    std::string out = "token endpoint";
    if (kind == TokenFailure::kTransport) {
        out += std::string(": ") + transport_error_text(transport);
        if (!transport_message.empty()) out += " (" + one_line(transport_message, 300) + ")";
        return out;
    }
    if (kind == TokenFailure::kCancelled) return out + ": cancelled";
    if (kind == TokenFailure::kInternal) return out + ": could not sign the request";
    if (http_status != 0) out += " answered HTTP " + std::to_string(http_status);
    if (!error.empty()) out += ": " + error;
    if (!description.empty()) out += " (" + description + ")";
    if (kind == TokenFailure::kDpopRequired) {
        out += "; the client must send DPoP proofs, which are turned off";
    } else if (kind == TokenFailure::kScope) {
        out += "; requested scopes: " + join_scopes(requested_scopes);
    } else if (kind == TokenFailure::kDpopRejected && error.empty()) {
        out += ": the DPoP nonce was refused twice";
    }
    return out;
}

TokenProvider::TokenProvider(std::unique_ptr<State> state) : s_(std::move(state)) {}
TokenProvider::~TokenProvider() = default;

Result<std::unique_ptr<TokenProvider>> TokenProvider::create(
    ClientCredentialsConfig config, std::shared_ptr<const SigningKey> client_key, HttpClient& http,
    Clock& clock, std::optional<SigningKey> dpop_key) {
    if (!client_key || !client_key->has_private()) {
        return invalid_argument("the client key has no private part");
    }
    if (!dpop_key) {
        auto generated = SigningKey::generate(KeyType::kEcP256);
        if (!generated) return generated.status();
        dpop_key.emplace(std::move(generated).value());
    }
    auto state = std::make_unique<State>(std::move(config), std::move(client_key),
                                         std::move(*dpop_key), http, clock);
    return std::unique_ptr<TokenProvider>(new TokenProvider(std::move(state)));
}

std::optional<TokenError> TokenProvider::ensure_token() {
    if (s_->token && s_->clock.steady_now() < s_->refresh_at) return std::nullopt;
    return s_->fetch();
}

void TokenProvider::invalidate() {
    s_->token.reset();
}

AuthorizedResult TokenProvider::perform(HttpClient& http, HttpRequest request) {
    if (auto error = authorize(request)) {
        AuthorizedResult out;
        out.token_error = std::move(error);
        return out;
    }
    HttpResult answer = http.perform(request);
    return complete(http, std::move(request), std::move(answer));
}

std::optional<TokenError> TokenProvider::authorize(HttpRequest& request) {
    if (auto error = ensure_token()) return error;
    const AccessToken& token = *s_->token;
    if (token.dpop) {
        auto proof =
            make_dpop_proof(s_->dpop_key, {request.method, request.url, token.value, s_->rs_nonce},
                            s_->clock.now(), new_jti());
        if (!proof) return s_->fail(TokenFailure::kInternal);
        request.headers.emplace_back("Authorization", "DPoP " + token.value);
        request.headers.emplace_back("DPoP", std::move(*proof));
    } else {
        request.headers.emplace_back("Authorization", "Bearer " + token.value);
    }
    return std::nullopt;
}

AuthorizedResult TokenProvider::complete(HttpClient& http, HttpRequest request, HttpResult answer) {
    AuthorizedResult out;
    out.http = std::move(answer);
    for (int attempt = 0;; ++attempt) {
        if (!out.http.ok()) return out;
        // What authorize() added: Authorization last, or Authorization then DPoP.
        const bool sent_proof = !request.headers.empty() && request.headers.back().first == "DPoP";
        const HttpResponse& response = out.http.response;
        std::string previous_nonce = s_->rs_nonce;
        if (auto nonce = response.header("dpop-nonce")) s_->rs_nonce = std::string(*nonce);
        if (attempt > 0) return out;
        const bool new_nonce = sent_proof && s_->rs_nonce != previous_nonce &&
                               response.status >= 400 && asks_for_nonce(response);
        if (!new_nonce && response.status != 401) return out;
        if (!new_nonce) invalidate();  // the token was rejected: fetch another once
        ++out.auth_retries;
        request.headers.resize(request.headers.size() - (sent_proof ? 2 : 1));
        if (auto error = authorize(request)) {
            out.token_error = std::move(error);
            return out;
        }
        out.http = http.perform(request);
    }
}

bool TokenProvider::has_token() const {
    return s_->token.has_value();
}

bool TokenProvider::token_is_dpop() const {
    return s_->token && s_->token->dpop;
}

std::vector<std::string> TokenProvider::missing_scopes() const {
    std::vector<std::string> missing;
    if (!s_->token || !s_->token->scopes) return missing;
    const auto& granted = *s_->token->scopes;
    for (const std::string& wanted : s_->config.scopes) {
        if (std::find(granted.begin(), granted.end(), wanted) == granted.end()) {
            missing.push_back(wanted);
        }
    }
    return missing;
}

bool TokenProvider::dpop_in_use() const {
    return s_->with_proof();
}

const ClientCredentialsConfig& TokenProvider::config() const {
    return s_->config;
}

}  // namespace asset_sdk::oauth
