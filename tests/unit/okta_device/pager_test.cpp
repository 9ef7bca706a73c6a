// The next-page policy: same origin or no token sent, no loops, dropped parameters restored.
#include "pager.h"
#include "config.h"

#include <asset_sdk/url.h>

#include <doctest/doctest.h>

using okta_device::OktaConfig;
using okta_device::Pager;

namespace {

OktaConfig config(const std::string& base = "https://acme.okta.com") {
    auto r = okta_device::parse_config(
        R"({"base_url":")" + base +
        R"(","api_token":"tok","page_size":150,"allow_insecure_http":true})");
    REQUIRE(r.is_ok());
    return *r;
}

asset_sdk::HttpResponse with_links(std::vector<std::string> links) {
    asset_sdk::HttpResponse r;
    r.status = 200;
    for (auto& l : links) r.headers.emplace_back("link", l);
    return r;
}

std::string query(const std::string& url, const std::string& key) {
    auto u = asset_sdk::parse_url(url);
    REQUIRE(u.is_ok());
    return u->query_value(key).value_or("<absent>");
}

}  // namespace

TEST_CASE("first page URL carries limit, expand and the search filter") {
    const OktaConfig c = config();
    Pager full(c, "");
    CHECK(full.first_url() == "https://acme.okta.com/api/v1/devices?limit=150&expand=userSummary");
    Pager inc(c, "lastUpdated gt \"2024-12-23T00:00:00.000Z\"");
    CHECK(inc.first_url() ==
          "https://acme.okta.com/api/v1/devices?limit=150&expand=userSummary&search=lastUpdated%"
          "20gt%20%222024-12-23T00%3A00%3A00.000Z%22");
}

TEST_CASE("the last page has no next link") {
    const OktaConfig c = config();
    Pager p(c, "");
    auto next =
        p.next(with_links({"<https://acme.okta.com/api/v1/devices?limit=150>; rel=\"self\""}));
    REQUIRE(next.is_ok());
    CHECK_FALSE(next->has_value());
}

TEST_CASE("next links are followed, with repeated Link headers and combined ones") {
    const OktaConfig c = config();
    Pager p(c, "");
    auto a = p.next(with_links({"<https://acme.okta.com/api/v1/devices?limit=150>; rel=\"self\"",
                                "<https://acme.okta.com/api/v1/"
                                "devices?after=guo1&limit=150&expand=userSummary>; rel=\"next\""}));
    REQUIRE(a.is_ok());
    REQUIRE(a->has_value());
    CHECK(query(**a, "after") == "guo1");
    auto b = p.next(
        with_links({"<https://acme.okta.com/api/v1/devices?limit=150>; rel=\"self\", "
                    "<https://acme.okta.com/api/v1/devices?after=guo2&limit=150>; rel=\"next\""}));
    REQUIRE(b.is_ok());
    REQUIRE(b->has_value());
    CHECK(query(**b, "after") == "guo2");
}

TEST_CASE("dropped expand, limit and search are put back") {
    const OktaConfig c = config();
    Pager p(c, "lastUpdated gt \"2024-01-01T00:00:00.000Z\"");
    auto n =
        p.next(with_links({"<https://acme.okta.com/api/v1/devices?after=guo9>; rel=\"next\""}));
    REQUIRE(n.is_ok());
    REQUIRE(n->has_value());
    CHECK(query(**n, "after") == "guo9");
    CHECK(query(**n, "limit") == "150");
    CHECK(query(**n, "expand") == "userSummary");
    CHECK(query(**n, "search") == "lastUpdated gt \"2024-01-01T00:00:00.000Z\"");
}

TEST_CASE("expand none removes an expand Okta echoes back") {
    auto r = okta_device::parse_config(
        R"({"base_url":"https://acme.okta.com","api_token":"t","expand":"none"})");
    REQUIRE(r.is_ok());
    Pager p(*r, "");
    CHECK(query(p.first_url(), "expand") == "<absent>");
    auto n = p.next(
        with_links({"<https://acme.okta.com/api/v1/devices?after=x&expand=user>; rel=\"next\""}));
    REQUIRE(n.is_ok());
    CHECK(query(**n, "expand") == "<absent>");
}

TEST_CASE("a next link to another origin is refused before any request") {
    const OktaConfig c = config("http://127.0.0.1:8080");
    const char* foreign[] = {
        "<http://127.0.0.1:8081/api/v1/devices?after=x>; rel=\"next\"",    // other port
        "<http://localhost:8080/api/v1/devices?after=x>; rel=\"next\"",    // other host name
        "<https://127.0.0.1:8080/api/v1/devices?after=x>; rel=\"next\"",   // other scheme
        "<http://evil.example.com/api/v1/devices?after=x>; rel=\"next\"",  // elsewhere
        "<//evil.example.com/api/v1/devices?after=x>; rel=\"next\"",       // scheme-relative
    };
    for (const char* link : foreign) {
        CAPTURE(link);
        Pager p(c, "");
        auto n = p.next(with_links({link}));
        REQUIRE_FALSE(n.is_ok());
        CHECK(n.status().code() == asset_sdk::StatusCode::kProtocol);
        CHECK(n.status().message().find("refusing to send the API token") != std::string::npos);
    }
}

TEST_CASE("a next link for another path is refused") {
    const OktaConfig c = config();
    Pager p(c, "");
    auto n = p.next(with_links({"<https://acme.okta.com/api/v1/users?after=x>; rel=\"next\""}));
    REQUIRE_FALSE(n.is_ok());
    CHECK(n.status().message().find("another API path") != std::string::npos);
}

TEST_CASE("a path-absolute next link resolves against base_url") {
    const OktaConfig c = config();
    Pager p(c, "");
    auto n = p.next(with_links({"</api/v1/devices?after=rel1>; rel=\"next\""}));
    REQUIRE(n.is_ok());
    REQUIRE(n->has_value());
    CHECK((*n)->rfind("https://acme.okta.com/api/v1/devices?", 0) == 0);
}

TEST_CASE("a next link already visited is a loop") {
    const OktaConfig c = config();
    Pager p(c, "");
    p.mark_visited(p.first_url());
    const auto page2 =
        with_links({"<https://acme.okta.com/api/v1/devices?after=a&limit=150>; rel=\"next\""});
    auto n = p.next(page2);
    REQUIRE(n.is_ok());
    auto again = p.next(page2);
    REQUIRE_FALSE(again.is_ok());
    CHECK(again.status().message().find("already fetched") != std::string::npos);
    // Back to the first page (after restoring parameters, it is the same URL) is a loop too.
    auto back =
        p.next(with_links({"<https://acme.okta.com/api/v1/devices?limit=150>; rel=\"next\""}));
    REQUIRE_FALSE(back.is_ok());
}

TEST_CASE("resume links and path_and_query") {
    const OktaConfig c = config();
    Pager p(c, "");
    const std::string abs =
        "https://acme.okta.com/api/v1/devices?after=guo5&limit=150&expand=userSummary";
    CHECK(Pager::path_and_query(abs) == "/api/v1/devices?after=guo5&limit=150&expand=userSummary");
    auto r = p.resume_url(Pager::path_and_query(abs));
    REQUIRE(r.is_ok());
    CHECK(*r == abs);
    CHECK_FALSE(p.resume_url("https://other.okta.com/api/v1/devices?after=x").is_ok());
    CHECK_FALSE(p.resume_url("not a url").is_ok());
}
