// Config parsing: defaults, base_url normalisation, and rejections with messages that name the
// key and never quote the token.
#include "config.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using okta_device::ExpandMode;
using okta_device::parse_config;

namespace {

constexpr char kToken[] = "00abcSECRETtoken_value-XYZ";

std::string cfg(const std::string& extra, const std::string& base = "https://acme.okta.com") {
    std::string json = R"({"base_url":")" + base + R"(","api_token":")" + kToken + "\"";
    if (!extra.empty()) json += "," + extra;
    return json + "}";
}

std::string error_of(const std::string& json) {
    auto r = parse_config(json);
    REQUIRE_FALSE(r.is_ok());
    const std::string msg = r.status().message();
    CHECK(msg.find(kToken) == std::string::npos);
    return msg;
}

std::string base_of(const std::string& base, const std::string& extra = "") {
    auto r = parse_config(cfg(extra, base));
    REQUIRE_MESSAGE(r.is_ok(), r.status().message());
    return r->base_url;
}

}  // namespace

TEST_CASE("defaults apply when only the required keys are given") {
    auto r = parse_config(cfg(""));
    REQUIRE(r.is_ok());
    CHECK(r->base_url == "https://acme.okta.com");
    CHECK(r->api_token == kToken);
    CHECK(r->page_size == 200);
    CHECK(r->expand == ExpandMode::kUserSummary);
    CHECK(r->timeout == std::chrono::seconds(30));
    CHECK(r->rate_limit_reserve == doctest::Approx(0.5));
    CHECK(r->incremental_overlap == std::chrono::minutes(5));
    CHECK(r->full_sync_every == std::chrono::hours(24));
    CHECK(r->max_retry_time == std::chrono::minutes(10));
    CHECK_FALSE(r->allow_insecure_http);
    CHECK(r->ca_file.empty());
    CHECK(r->proxy.empty());
    CHECK(r->notes.empty());
    CHECK(r->time_unit == okta_device::TimeUnit::kSeconds);
    CHECK(r->statuses.empty());  // every status
}

TEST_CASE("statuses") {
    auto r = parse_config(cfg(R"("statuses":["SUSPENDED","ACTIVE"])"));
    REQUIRE_MESSAGE(r.is_ok(), r.status().message());
    CHECK(r->statuses == std::vector<std::string>{"SUSPENDED", "ACTIVE"});  // as given
    CHECK(error_of(cfg(R"("statuses":[])")).find("config.statuses: must be a non-empty list") !=
          std::string::npos);
    CHECK(error_of(cfg(R"("statuses":"ACTIVE")")).find("config.statuses") != std::string::npos);
    CHECK(error_of(cfg(R"("statuses":["active"])"))
              .find("'active' is not a device status; accepted (upper case): ACTIVE, CREATED, "
                    "DEACTIVATED, SUSPENDED, UNSUSPENDED") != std::string::npos);
    CHECK(error_of(cfg(R"("statuses":["ACTIVE",1])")).find("as strings") != std::string::npos);
    CHECK(error_of(cfg(R"("statuses":["ACTIVE","ACTIVE"])")).find("lists ACTIVE twice") !=
          std::string::npos);
}

TEST_CASE("time_unit") {
    auto r = parse_config(cfg(R"("time_unit":"milliseconds")"));
    REQUIRE_MESSAGE(r.is_ok(), r.status().message());
    CHECK(r->time_unit == okta_device::TimeUnit::kMilliseconds);
    CHECK(parse_config(cfg(R"("time_unit":"seconds")"))->time_unit ==
          okta_device::TimeUnit::kSeconds);
    CHECK(error_of(cfg(R"("time_unit":"ms")")).find("config.time_unit: must be seconds") !=
          std::string::npos);
}

TEST_CASE("every key is read") {
    auto r = parse_config(
        cfg(R"("page_size":50,"expand":"user","timeout":"45s","ca_file":"/etc/ca.pem",)"
            R"("proxy":"http://proxy:3128","rate_limit_reserve":0.25,"incremental_overlap":"2m",)"
            R"("full_sync_every":"12h","max_retry_time":"1m30s")"));
    REQUIRE_MESSAGE(r.is_ok(), r.status().message());
    CHECK(r->page_size == 50);
    CHECK(r->expand == ExpandMode::kUser);
    CHECK(r->timeout == std::chrono::seconds(45));
    CHECK(r->ca_file == "/etc/ca.pem");
    CHECK(r->proxy == "http://proxy:3128");
    CHECK(r->rate_limit_reserve == doctest::Approx(0.25));
    CHECK(r->incremental_overlap == std::chrono::minutes(2));
    CHECK(r->full_sync_every == std::chrono::hours(12));
    CHECK(r->max_retry_time == std::chrono::seconds(90));
}

TEST_CASE("durations accept a bare number of seconds; expand none; reserve as integer 0") {
    auto r = parse_config(
        cfg(R"("timeout":12,"full_sync_every":0,"expand":"none","rate_limit_reserve":0)"));
    REQUIRE_MESSAGE(r.is_ok(), r.status().message());
    CHECK(r->timeout == std::chrono::seconds(12));
    CHECK(r->full_sync_every == std::chrono::milliseconds(0));
    CHECK(r->expand == ExpandMode::kNone);
    CHECK(r->rate_limit_reserve == 0.0);
}

TEST_CASE("base_url normalisation") {
    CHECK(base_of("https://acme.okta.com/") == "https://acme.okta.com");
    CHECK(base_of("https://acme.okta.com//") == "https://acme.okta.com");
    CHECK(base_of("https://acme.okta.com/admin") == "https://acme.okta.com");
    CHECK(base_of("https://acme.okta.com/admin/") == "https://acme.okta.com");
    CHECK(base_of("  https://ACME.Okta.com  ") == "https://acme.okta.com");
    CHECK(base_of("https://acme.oktapreview.com") == "https://acme.oktapreview.com");
    CHECK(base_of("https://acme.okta-emea.com") == "https://acme.okta-emea.com");
    CHECK(base_of("https://acme.okta-gov.com/") == "https://acme.okta-gov.com");
    CHECK(base_of("https://login.example.com") == "https://login.example.com");  // custom domain
    CHECK(base_of("https://acme.okta.com:8443") == "https://acme.okta.com:8443");
    CHECK(base_of("https://acme.okta.com:443") == "https://acme.okta.com");
    CHECK(base_of("http://127.0.0.1:8080/", R"("allow_insecure_http":true)") ==
          "http://127.0.0.1:8080");
    // allow_insecure_http is honoured whatever the key order.
    auto r = parse_config(std::string(
        R"({"allow_insecure_http":true,"base_url":"http://127.0.0.1:9","api_token":"t"})"));
    CHECK(r.is_ok());
}

TEST_CASE("an Admin Console host maps to the org host, on Okta domains only") {
    auto r = parse_config(cfg("", "https://acme-admin.okta.com/admin/"));
    REQUIRE(r.is_ok());
    CHECK(r->base_url == "https://acme.okta.com");
    REQUIRE(r->notes.size() == 1);
    CHECK(r->notes[0].find("acme-admin.okta.com") != std::string::npos);
    CHECK(r->notes[0].find("acme.okta.com") != std::string::npos);
    CHECK(base_of("https://dev-123-admin.oktapreview.com") == "https://dev-123.oktapreview.com");
    // A custom domain may really be called "-admin".
    CHECK(base_of("https://sso-admin.example.com") == "https://sso-admin.example.com");
}

TEST_CASE("base_url rejections name the problem") {
    CHECK(error_of(cfg("", "http://acme.okta.com")).find("https://") != std::string::npos);
    CHECK(error_of(cfg("", "https://acme.okta.com/api/v1")).find("without a path") !=
          std::string::npos);
    CHECK(error_of(cfg("", "https://acme.okta.com/admin/dashboard")).find("path") !=
          std::string::npos);
    CHECK(error_of(cfg("", "https://acme.okta.com?x=1")).find("query") != std::string::npos);
    CHECK(error_of(cfg("", "https://acme.okta.com/#frag")).find("fragment") != std::string::npos);
    CHECK(error_of(cfg("", "https://user:pw@acme.okta.com")).find("credentials") !=
          std::string::npos);
    // The message names the key and the fix, never the credentials.
    const std::string creds = error_of(cfg("", "https://bob:s3cret@acme.okta.com/x@y"));
    CHECK(creds.find("config.base_url: must not contain credentials (user:pass@); write the org "
                     "URL alone") == 0);
    CHECK(creds.find("s3cret") == std::string::npos);
    CHECK(error_of(cfg("", "https://acme.okta.com/a@b")).find("without a path") !=
          std::string::npos);  // an '@' in the path is not a credential
    CHECK(error_of(cfg("", "ftp://acme.okta.com")).find("config.base_url") != std::string::npos);
    CHECK(error_of(cfg("", "acme.okta.com")).find("config.base_url") != std::string::npos);
    CHECK(error_of(cfg("", "")).find("config.base_url") != std::string::npos);
}

TEST_CASE("other rejections") {
    CHECK(error_of(R"({"api_token":"x"})").find("config.base_url: missing") != std::string::npos);
    CHECK(error_of(R"({"base_url":"https://a.okta.com"})").find("config.api_token: missing") !=
          std::string::npos);
    CHECK(error_of(cfg(R"("page_size":0)")).find("config.page_size") != std::string::npos);
    CHECK(error_of(cfg(R"("page_size":201)")).find("between 1 and 200") != std::string::npos);
    CHECK(error_of(cfg(R"("page_size":"200")")).find("config.page_size") != std::string::npos);
    CHECK(error_of(cfg(R"("page_size":20.5)")).find("config.page_size") != std::string::npos);
    CHECK(error_of(cfg(R"("expand":"users")")).find("user, userSummary, none") !=
          std::string::npos);
    CHECK(error_of(cfg(R"("timeout":"soon")")).find("config.timeout") != std::string::npos);
    CHECK(error_of(cfg(R"("timeout":"0s")")).find("config.timeout") != std::string::npos);
    CHECK(error_of(cfg(R"("timeout":-3)")).find("config.timeout") != std::string::npos);
    CHECK(error_of(cfg(R"("incremental_overlap":"30d")")).find("config.incremental_overlap") !=
          std::string::npos);
    CHECK(error_of(cfg(R"("rate_limit_reserve":1)")).find("config.rate_limit_reserve") !=
          std::string::npos);
    CHECK(error_of(cfg(R"("rate_limit_reserve":-0.1)")).find("config.rate_limit_reserve") !=
          std::string::npos);
    CHECK(error_of(cfg(R"("allow_insecure_http":"yes")")).find("config.allow_insecure_http") !=
          std::string::npos);
    CHECK(error_of(cfg(R"("colour":"blue")")).find("unknown key 'colour'") != std::string::npos);
    CHECK(error_of("[1,2]").find("JSON object") != std::string::npos);
    CHECK(error_of("{not json").find("not valid JSON") != std::string::npos);
}

TEST_CASE("token rejections never quote the token") {
    error_of(R"({"base_url":"https://a.okta.com","api_token":""})");
    error_of(R"({"base_url":"https://a.okta.com","api_token":"   "})");
    CHECK(error_of(std::string(R"({"base_url":"https://a.okta.com","api_token":"SSWS )") + kToken +
                   "\"}")
              .find("without the 'SSWS ' prefix") != std::string::npos);
    CHECK(error_of(std::string(R"({"base_url":"https://a.okta.com","api_token":"abc def )") +
                   kToken + "\"}")
              .find("spaces") != std::string::npos);
    CHECK(
        error_of(R"({"base_url":"https://a.okta.com","api_token":42})").find("must be a string") !=
        std::string::npos);
    // A base_url problem with a real token around: the message still has no token.
    error_of(cfg("", "http://x.okta.com"));
    // Surrounding whitespace (a file reference ending in a newline) is trimmed.
    auto r = parse_config(std::string(R"({"base_url":"https://a.okta.com","api_token":"  )") +
                          kToken + "\\n\"}");
    REQUIRE(r.is_ok());
    CHECK(r->api_token == kToken);
}
