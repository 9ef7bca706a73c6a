// TokenProvider against a small authorization + resource server on loopback (cpp-httplib), with
// the real libcurl client: client assertions and DPoP proofs checked by the server with an
// independent verifier, the DPoP switch and nonce dances, caching, expiry, 401 refresh, and
// every failure class.
#include <asset_sdk/oauth/token_provider.h>
#include <asset_sdk/url.h>

#include <doctest/doctest.h>
#include <httplib.h>

#include <map>
#include <mutex>
#include <thread>

#include "test_keys.h"

using namespace asset_sdk::oauth;
using asset_sdk::ManualClock;
using asset_sdk::Millis;
using testsupport::test_key;
using testsupport::TestKeyKind;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

// What the server is told to do, and what it saw.
struct ServerScript {
    std::string client_id = "client-1";
    std::string client_public_pem;
    std::string dpop_public_pem;  // the DPoP key the test handed the provider
    bool dpop_required = false;
    std::string as_nonce;  // non-empty: token requests with a proof need this nonce
    std::string rs_nonce;  // non-empty: DPoP resource requests need this nonce
    int expires_in = 3600;
    std::string granted_scope;  // "": no scope member in the answer
    std::string forced_error;   // the token endpoint answers this OAuth error (400/401)
    int forced_status = 0;      // the token endpoint answers this status
    int reject_resource = 0;    // the next N resource requests get 401 invalid_token

    int token_requests = 0;
    int resource_requests = 0;
    std::vector<json> assertions;    // verified client assertion payloads
    std::vector<json> token_proofs;  // verified DPoP proof payloads at the token endpoint
    std::vector<json> resource_proofs;
    std::vector<std::string> authorizations;
    std::map<std::string, bool> issued;  // token -> DPoP-bound
    std::vector<std::string> failures;   // checks the server made that failed
};

class Server {
public:
    Server() {
        srv_.Post("/token",
                  [this](const httplib::Request& q, httplib::Response& r) { token(q, r); });
        srv_.Get("/api/things",
                 [this](const httplib::Request& q, httplib::Response& r) { api(q, r); });
        port_ = srv_.bind_to_any_port("127.0.0.1");
        REQUIRE(port_ > 0);
        thread_ = std::thread([this] { srv_.listen_after_bind(); });
        while (!srv_.is_running()) std::this_thread::sleep_for(1ms);
    }
    ~Server() {
        srv_.stop();
        thread_.join();
    }
    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }
    template <typename F>
    auto with(F f) {
        std::lock_guard lock(mu_);
        return f(script_);
    }

private:
    static void oauth_error(httplib::Response& r, int status, const std::string& error,
                            const std::string& description) {
        r.status = status;
        r.set_content(json{{"error", error}, {"error_description", description}}.dump(),
                      "application/json");
    }

    void token(const httplib::Request& q, httplib::Response& r) {
        std::lock_guard lock(mu_);
        ServerScript& s = script_;
        ++s.token_requests;
        if (q.get_header_value("Content-Type") != "application/x-www-form-urlencoded") {
            s.failures.push_back("content type");
        }
        const auto form = asset_sdk::parse_url("http://x/?" + q.body);
        if (!form.is_ok()) {
            s.failures.push_back("form");
            r.status = 500;
            return;
        }
        if (form->query_value("grant_type") != "client_credentials") s.failures.push_back("grant");
        if (form->query_value("client_assertion_type") !=
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") {
            s.failures.push_back("assertion type");
        }
        const auto assertion = testsupport::verify_jws(
            form->query_value("client_assertion").value_or(""), s.client_public_pem);
        if (!assertion.signature_ok || assertion.payload.value("iss", "") != s.client_id) {
            oauth_error(r, 401, "invalid_client", "The client_assertion signature is invalid.");
            return;
        }
        s.assertions.push_back(assertion.payload);
        if (s.forced_status) {
            oauth_error(r, s.forced_status, s.forced_error, "forced by the test");
            return;
        }
        const bool has_proof = q.has_header("DPoP");
        if (s.dpop_required && !has_proof) {
            oauth_error(r, 400, "invalid_dpop_proof", "The DPoP proof JWT header is missing.");
            return;
        }
        if (has_proof) {
            const auto proof =
                testsupport::verify_jws(q.get_header_value("DPoP"), s.dpop_public_pem);
            if (!proof.signature_ok) s.failures.push_back("token proof signature");
            s.token_proofs.push_back(proof.payload);
            if (!s.as_nonce.empty() && proof.payload.value("nonce", "") != s.as_nonce) {
                r.set_header("DPoP-Nonce", s.as_nonce);
                oauth_error(r, 400, "use_dpop_nonce",
                            "Authorization server requires nonce in DPoP proof.");
                return;
            }
        }
        const std::string token =
            "token-" + std::to_string(s.token_requests) + "-" + std::string(40, 'z');
        s.issued[token] = has_proof;
        json body = {{"access_token", token},
                     {"token_type", has_proof ? "DPoP" : "Bearer"},
                     {"expires_in", s.expires_in}};
        if (!s.granted_scope.empty()) body["scope"] = s.granted_scope;
        r.set_content(body.dump(), "application/json");
    }

    void api(const httplib::Request& q, httplib::Response& r) {
        std::lock_guard lock(mu_);
        ServerScript& s = script_;
        ++s.resource_requests;
        const std::string auth = q.get_header_value("Authorization");
        s.authorizations.push_back(auth);
        const std::size_t space = auth.find(' ');
        const std::string scheme = auth.substr(0, space);
        const std::string token = space == std::string::npos ? "" : auth.substr(space + 1);
        const auto it = s.issued.find(token);
        if (it == s.issued.end() || s.reject_resource > 0) {
            if (s.reject_resource > 0) --s.reject_resource;
            r.status = 401;
            r.set_header("WWW-Authenticate", scheme + " error=\"invalid_token\"");
            return;
        }
        if (it->second) {
            const auto proof =
                testsupport::verify_jws(q.get_header_value("DPoP"), s.dpop_public_pem);
            if (scheme != "DPoP" || !proof.signature_ok) s.failures.push_back("resource proof");
            s.resource_proofs.push_back(proof.payload);
            if (!s.rs_nonce.empty() && proof.payload.value("nonce", "") != s.rs_nonce) {
                r.status = 401;
                r.set_header("DPoP-Nonce", s.rs_nonce);
                r.set_header("WWW-Authenticate",
                             "DPoP algs=\"ES256 RS256\", error=\"use_dpop_nonce\", "
                             "error_description=\"Resource server requires nonce in DPoP proof\"");
                return;
            }
        } else if (scheme != "Bearer") {
            s.failures.push_back("bearer scheme");
        }
        r.set_content("[\"ok\"]", "application/json");
    }

    httplib::Server srv_;
    std::thread thread_;
    int port_ = 0;
    std::mutex mu_;
    ServerScript script_;
};

struct Fixture {
    explicit Fixture(TestKeyKind client_kind = TestKeyKind::kRsa2048,
                     DpopMode mode = DpopMode::kAuto,
                     TestKeyKind dpop_kind = TestKeyKind::kEcP256) {
        server.with([&](ServerScript& s) {
            s.client_public_pem = test_key(client_kind).public_pem;
            s.dpop_public_pem = test_key(dpop_kind, 1).public_pem;
        });
        config.token_url = server.url("/token");
        config.client_id = "client-1";
        config.scopes = {"things.read", "things.audit"};
        config.dpop = mode;
        auto client_key = SigningKey::load_private(test_key(client_kind).private_pem);
        auto dpop_key = SigningKey::load_private(test_key(dpop_kind, 1).private_jwk.dump());
        REQUIRE(client_key.is_ok());
        REQUIRE(dpop_key.is_ok());
        auto created = TokenProvider::create(
            config, std::make_shared<const SigningKey>(std::move(client_key).value()), *http, clock,
            std::move(dpop_key).value());
        REQUIRE(created.is_ok());
        provider = std::move(created).value();
    }

    AuthorizedResult get() {
        asset_sdk::HttpRequest req;
        req.url = server.url("/api/things?page=2");
        req.headers.emplace_back("Accept", "application/json");
        return provider->perform(*http, req);
    }

    Server server;
    ManualClock clock;
    std::unique_ptr<asset_sdk::HttpClient> http = asset_sdk::make_curl_client({});
    ClientCredentialsConfig config;
    std::unique_ptr<TokenProvider> provider;
};

int token_requests(Fixture& f) {
    return f.server.with([](ServerScript& s) { return s.token_requests; });
}

}  // namespace

TEST_CASE("Bearer: one token request, a verified assertion, the token cached for later calls") {
    for (TestKeyKind kind : {TestKeyKind::kRsa2048, TestKeyKind::kEcP256}) {
        Fixture f(kind);
        for (int i = 0; i < 3; ++i) {
            const AuthorizedResult r = f.get();
            REQUIRE_FALSE(r.token_error);
            REQUIRE(r.http.ok());
            CHECK(r.http.response.status == 200);
            CHECK(r.auth_retries == 0);
        }
        f.server.with([&](ServerScript& s) {
            CHECK(s.failures.empty());
            CHECK(s.token_requests == 1);
            REQUIRE(s.assertions.size() == 1);
            const json& a = s.assertions[0];
            CHECK(a["sub"] == "client-1");
            CHECK(a["aud"] == f.config.token_url);
            CHECK(a["exp"].get<int64_t>() - a["iat"].get<int64_t>() == 300);
            CHECK(s.token_proofs.empty());
            CHECK(s.authorizations.size() == 3);
            CHECK(s.authorizations[0].rfind("Bearer token-1-", 0) == 0);
            return 0;
        });
        CHECK_FALSE(f.provider->token_is_dpop());
        CHECK_FALSE(f.provider->dpop_in_use());
    }
}

TEST_CASE("a cached token is renewed shortly before it expires, with a new assertion jti") {
    Fixture f;
    f.server.with([](ServerScript& s) { return s.expires_in = 120; });
    REQUIRE(f.get().http.ok());
    f.clock.advance(59s);  // margin = min(60 s, 120 s / 2) = 60 s
    REQUIRE(f.get().http.ok());
    CHECK(token_requests(f) == 1);
    f.clock.advance(2s);
    REQUIRE(f.get().http.ok());
    CHECK(token_requests(f) == 2);
    f.server.with([](ServerScript& s) {
        REQUIRE(s.assertions.size() == 2);
        CHECK(s.assertions[0]["jti"] != s.assertions[1]["jti"]);
        CHECK(s.authorizations.back().rfind("Bearer token-2-", 0) == 0);
        return 0;
    });
}

TEST_CASE("dpop auto: switches when the server requires DPoP, then does the nonce dance") {
    Fixture f(TestKeyKind::kEcP256, DpopMode::kAuto, TestKeyKind::kRsa2048);
    f.server.with([](ServerScript& s) {
        s.dpop_required = true;
        s.as_nonce = "as-nonce-1";
        return 0;
    });
    const AuthorizedResult r = f.get();
    REQUIRE_FALSE(r.token_error);
    CHECK(r.http.response.status == 200);
    CHECK(f.provider->dpop_in_use());
    CHECK(f.provider->token_is_dpop());
    f.server.with([&](ServerScript& s) {
        CHECK(s.failures.empty());
        CHECK(s.token_requests == 3);  // no proof -> proof without nonce -> proof with nonce
        REQUIRE(s.token_proofs.size() == 2);
        CHECK_FALSE(s.token_proofs[0].contains("nonce"));
        CHECK(s.token_proofs[1]["nonce"] == "as-nonce-1");
        CHECK(s.token_proofs[1]["htm"] == "POST");
        CHECK(s.token_proofs[1]["htu"] == f.config.token_url);
        CHECK(s.assertions.size() == 3);
        CHECK(s.assertions[1]["jti"] != s.assertions[2]["jti"]);
        REQUIRE(s.resource_proofs.size() == 1);
        const json& p = s.resource_proofs[0];
        CHECK(p["htm"] == "GET");
        CHECK(p["htu"] == f.server.url("/api/things"));
        const std::string token = s.authorizations[0].substr(5);
        CHECK(s.authorizations[0].rfind("DPoP ", 0) == 0);
        CHECK(p["ath"] == testsupport::b64url(testsupport::sha256(token)));
        CHECK_FALSE(p.contains("nonce"));
        return 0;
    });
    // The next token request goes straight to a proof carrying the known nonce.
    f.provider->invalidate();
    REQUIRE(f.get().http.ok());
    CHECK(token_requests(f) == 4);
}

TEST_CASE("dpop always sends a proof first; never fails clearly when the server requires one") {
    Fixture always(TestKeyKind::kRsa2048, DpopMode::kAlways);
    REQUIRE(always.get().http.ok());
    always.server.with([](ServerScript& s) {
        CHECK(s.token_requests == 1);
        CHECK(s.token_proofs.size() == 1);
        return 0;
    });
    CHECK(always.provider->token_is_dpop());

    Fixture never(TestKeyKind::kRsa2048, DpopMode::kNever);
    never.server.with([](ServerScript& s) { return s.dpop_required = true; });
    const AuthorizedResult r = never.get();
    REQUIRE(r.token_error);
    CHECK(r.token_error->kind == TokenFailure::kDpopRequired);
    CHECK(r.token_error->error == "invalid_dpop_proof");
    CHECK(r.token_error->message().find("DPoP proofs, which are turned off") != std::string::npos);
    CHECK_FALSE(r.token_error->transient());
    CHECK(token_requests(never) == 1);
}

TEST_CASE("the resource server's nonce: retried once with the nonce, no new token") {
    Fixture f(TestKeyKind::kRsa2048, DpopMode::kAlways);
    f.server.with([](ServerScript& s) { return s.rs_nonce = "rs-nonce-7"; });
    AuthorizedResult r = f.get();
    REQUIRE(r.http.ok());
    CHECK(r.http.response.status == 200);
    CHECK(r.auth_retries == 1);
    REQUIRE(f.get().http.ok());  // the nonce is now known: no retry
    f.server.with([](ServerScript& s) {
        CHECK(s.token_requests == 1);
        REQUIRE(s.resource_proofs.size() == 3);
        CHECK_FALSE(s.resource_proofs[0].contains("nonce"));
        CHECK(s.resource_proofs[1]["nonce"] == "rs-nonce-7");
        CHECK(s.resource_proofs[2]["nonce"] == "rs-nonce-7");
        CHECK(s.resource_proofs[1]["jti"] != s.resource_proofs[2]["jti"]);
        return 0;
    });
}

TEST_CASE("401 from the resource server: a new token, one retry; a second 401 is returned") {
    Fixture f;
    REQUIRE(f.get().http.ok());
    f.server.with([](ServerScript& s) { return s.reject_resource = 1; });
    AuthorizedResult r = f.get();
    REQUIRE(r.http.ok());
    CHECK(r.http.response.status == 200);
    CHECK(r.auth_retries == 1);
    CHECK(token_requests(f) == 2);

    f.server.with([](ServerScript& s) { return s.reject_resource = 2; });
    r = f.get();
    REQUIRE(r.http.ok());
    CHECK(r.http.response.status == 401);
    CHECK(r.auth_retries == 1);
    CHECK(token_requests(f) == 3);
}

TEST_CASE("authorize() + start/finish + complete(): what perform() does, nonce and 401 included") {
    Fixture f(TestKeyKind::kRsa2048, DpopMode::kAlways);
    f.server.with([](ServerScript& s) { return s.rs_nonce = "rs-nonce-9"; });
    auto started = [&f] {
        asset_sdk::HttpRequest req;
        req.url = f.server.url("/api/things?page=2");
        req.headers.emplace_back("Accept", "application/json");
        REQUIRE_FALSE(f.provider->authorize(req).has_value());
        CHECK(req.headers.size() == 3);  // Accept, Authorization, DPoP
        f.http->start(req);
        return f.provider->complete(*f.http, std::move(req), f.http->finish());
    };
    AuthorizedResult r = started();  // the nonce is asked for: re-sent once with it
    REQUIRE(r.http.ok());
    CHECK(r.http.response.status == 200);
    CHECK(r.auth_retries == 1);
    f.server.with([](ServerScript& s) { return s.reject_resource = 1; });
    r = started();  // the token is refused: a new one, one retry
    REQUIRE(r.http.ok());
    CHECK(r.http.response.status == 200);
    CHECK(r.auth_retries == 1);
    f.server.with([](ServerScript& s) {
        CHECK(s.token_requests == 2);
        REQUIRE(s.resource_proofs.size() == 3);  // the refused token's request has none
        CHECK_FALSE(s.resource_proofs[0].contains("nonce"));
        CHECK(s.resource_proofs[1]["nonce"] == "rs-nonce-9");
        CHECK(s.resource_proofs[2]["nonce"] == "rs-nonce-9");
        CHECK(s.failures.empty());
        return 0;
    });
}

TEST_CASE("token endpoint failures are classified; messages never carry the assertion") {
    struct Case {
        int status;
        std::string error;
        TokenFailure kind;
        bool transient;
    };
    for (const Case& c : {Case{401, "invalid_client", TokenFailure::kInvalidClient, false},
                          Case{400, "invalid_scope", TokenFailure::kScope, false},
                          Case{400, "consent_required", TokenFailure::kScope, false},
                          Case{400, "unauthorized_client", TokenFailure::kRejected, false},
                          Case{429, "", TokenFailure::kRateLimited, true},
                          Case{503, "", TokenFailure::kServerError, true}}) {
        CAPTURE(c.error);
        CAPTURE(c.status);
        Fixture f;
        f.server.with([&](ServerScript& s) {
            s.forced_status = c.status;
            return s.forced_error = c.error;
        });
        const AuthorizedResult r = f.get();
        REQUIRE(r.token_error);
        CHECK(r.token_error->kind == c.kind);
        CHECK(r.token_error->transient() == c.transient);
        CHECK(r.token_error->http_status == c.status);
        const std::string m = r.token_error->message();
        CHECK(m.find("HTTP " + std::to_string(c.status)) != std::string::npos);
        CHECK(m.find(c.error) != std::string::npos);
        CHECK(m.find("eyJ") == std::string::npos);
        if (c.kind == TokenFailure::kScope)
            CHECK(m.find("things.read things.audit") != std::string::npos);
        CHECK(f.server.with([](ServerScript& s) { return s.resource_requests; }) == 0);
    }

    Fixture wrong_key(TestKeyKind::kRsa2048);
    wrong_key.server.with([](ServerScript& s) {
        return s.client_public_pem = test_key(TestKeyKind::kRsa2048, 1).public_pem;
    });
    const auto r = wrong_key.get();
    REQUIRE(r.token_error);
    CHECK(r.token_error->kind == TokenFailure::kInvalidClient);
    CHECK(r.token_error->description == "The client_assertion signature is invalid.");
}

TEST_CASE("an unreachable token endpoint is a transient transport failure") {
    Fixture f;
    f.provider.reset();
    f.config.token_url = "http://127.0.0.1:1/token";
    auto created = TokenProvider::create(
        f.config,
        std::make_shared<const SigningKey>(
            std::move(SigningKey::load_private(test_key(TestKeyKind::kRsa2048).private_pem))
                .value()),
        *f.http, f.clock);
    REQUIRE(created.is_ok());
    const auto error = (*created)->ensure_token();
    REQUIRE(error);
    CHECK(error->kind == TokenFailure::kTransport);
    CHECK(error->transport == asset_sdk::TransportError::kConnectionRefused);
    CHECK(error->transient());
    CHECK(error->message().find("connection refused") != std::string::npos);
}

TEST_CASE("granted scopes: the ones the server left out are reported") {
    Fixture f;
    f.server.with([](ServerScript& s) { return s.granted_scope = "things.read"; });
    REQUIRE_FALSE(f.provider->ensure_token());
    CHECK(f.provider->missing_scopes() == std::vector<std::string>{"things.audit"});
    f.server.with([](ServerScript& s) { return s.granted_scope = "things.audit things.read"; });
    f.provider->invalidate();
    REQUIRE_FALSE(f.provider->ensure_token());
    CHECK(f.provider->missing_scopes().empty());
}
