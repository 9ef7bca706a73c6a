// Okta error bodies and WWW-Authenticate challenges → the words a user sees.
#include "okta_error.h"

#include <doctest/doctest.h>

using okta_device::describe;
using okta_device::parse_okta_error;

namespace {

asset_sdk::HttpResponse response(long status, std::string body,
                                 std::vector<asset_sdk::Header> headers = {}) {
    asset_sdk::HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    return r;
}

}  // namespace

TEST_CASE("an Okta error body with causes and a request id") {
    const auto e = parse_okta_error(response(
        400,
        R"({"errorCode":"E0000001","errorSummary":"Api validation failed: limit","errorLink":"E0000001",)"
        R"("errorId":"oae1","errorCauses":[{"errorSummary":"limit: must be <= 200"},{"errorSummary":"x"}]})",
        {{"x-okta-request-id", "req-123"}}));
    CHECK(e.http_status == 400);
    CHECK(e.error_code == "E0000001");
    CHECK(e.error_summary == "Api validation failed: limit");
    CHECK(e.error_causes == "limit: must be <= 200; x");
    CHECK(e.request_id == "req-123");
    CHECK(
        describe(e) ==
        "HTTP 400 E0000001: Api validation failed: limit (limit: must be <= 200; x) (Okta request "
        "id req-123)");
}

TEST_CASE("a 403 with an empty body: the reason is in WWW-Authenticate") {
    const auto e = parse_okta_error(response(
        403, "",
        {{"www-authenticate",
          R"(Bearer authorization_uri="http://x.okta.com/oauth2/v1/authorize", realm="http://x.okta.com", )"
          R"(scope="okta.devices.read", error="insufficient_scope", error_description="The access token )"
          R"(provided does not contain the required scopes.", resource="/api/v1/devices")"}}));
    CHECK(e.insufficient_scope);
    CHECK(e.required_scope == "okta.devices.read");
    CHECK(e.error_summary == "The access token provided does not contain the required scopes.");
    CHECK(describe(e).find("insufficient_scope; required scope: okta.devices.read") !=
          std::string::npos);
    // The DPoP form of the same challenge.
    const auto d = parse_okta_error(response(
        403, "",
        {{"www-authenticate",
          R"(DPoP algs="RS256 ES256", scope="okta.policies.read", error="insufficient_scope")"}}));
    CHECK(d.insufficient_scope);
    CHECK(d.required_scope == "okta.policies.read");
}

TEST_CASE("bodies that are not Okta errors leave the fields empty, texts stay one bounded line") {
    const auto html = parse_okta_error(response(502, "<html>Bad gateway</html>"));
    CHECK(html.error_code.empty());
    CHECK(describe(html) == "HTTP 502");
    const auto longer = parse_okta_error(response(
        500, R"({"errorCode":"E0000009","errorSummary":")" + std::string(2000, 'a') + "\\nb\"}"));
    CHECK(longer.error_summary.size() <= 303);
    CHECK(longer.error_summary.find('\n') == std::string::npos);
    const auto oauth = parse_okta_error(response(
        400, R"({"error":"invalid_client","error_description":"Client authentication failed."})"));
    CHECK(oauth.error_summary == "Client authentication failed.");
}

TEST_CASE("a token echoed in an error never reaches the message") {
    const std::string token = "eyJraWQiOiJhYmMiLCJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIwb2EifQ.c2ln";
    const auto e = parse_okta_error(response(
        401,
        R"({"errorCode":"E0000011","errorSummary":"Invalid token provided: )" + token + R"("})",
        {{"www-authenticate",
          "Bearer error=\"invalid_token\", error_description=\"bad token " + token + "\""}}));
    CHECK(e.error_code == "E0000011");
    CHECK(describe(e).find(token.substr(0, 20)) == std::string::npos);
    CHECK(describe(e).find("[redacted]") != std::string::npos);
}
