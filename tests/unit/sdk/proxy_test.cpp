// The proxy a request takes, as libcurl decides it: the explicit setting, the *_proxy variables
// (http_proxy lower case only), no_proxy bypassing either.
#include <asset_sdk/proxy.h>

#include <doctest/doctest.h>

#include <map>
#include <string>

using asset_sdk::no_proxy_matches;
using asset_sdk::proxy_route;
using asset_sdk::ProxyRoute;

namespace {

struct Env {
    std::map<std::string, std::string> vars;
    asset_sdk::EnvLookup lookup() const {
        return [this](const char* name) -> std::optional<std::string> {
            auto it = vars.find(name);
            if (it == vars.end()) return std::nullopt;
            return it->second;
        };
    }
};

ProxyRoute route(const std::string& url, const Env& env, const std::string& explicit_proxy = "") {
    auto u = asset_sdk::parse_url(url);
    REQUIRE(u.is_ok());
    return proxy_route(*u, explicit_proxy, env.lookup());
}

}  // namespace

TEST_CASE("no proxy anywhere: direct") {
    const ProxyRoute r = route("https://acme.okta.com", Env{});
    CHECK_FALSE(r.via_proxy());
    CHECK(r.source.empty());
}

TEST_CASE("the explicit proxy wins over the environment") {
    const ProxyRoute r = route("https://acme.okta.com", Env{{{"https_proxy", "http://env:1"}}},
                               "http://explicit:3128");
    CHECK(r.proxy == "http://explicit:3128");
    CHECK(r.source == "proxy");
}

TEST_CASE("environment variables, in libcurl's order") {
    CHECK(route("https://a.example", Env{{{"https_proxy", "http://p:1"}}}).source == "https_proxy");
    CHECK(route("https://a.example", Env{{{"HTTPS_PROXY", "http://p:2"}}}).proxy == "http://p:2");
    CHECK(route("https://a.example", Env{{{"HTTPS_PROXY", "http://p:2"}, {"https_proxy", "x"}}})
              .source == "https_proxy");
    // http_proxy is read in lower case only (HTTP_PROXY can be set by a CGI request header).
    CHECK(route("http://a.example", Env{{{"http_proxy", "http://p:3"}}}).source == "http_proxy");
    CHECK_FALSE(route("http://a.example", Env{{{"HTTP_PROXY", "http://p:3"}}}).via_proxy());
    // all_proxy for both schemes, after the scheme's own variable; empty values are ignored.
    CHECK(route("http://a.example", Env{{{"ALL_PROXY", "socks5://s:4"}}}).source == "ALL_PROXY");
    CHECK(route("https://a.example", Env{{{"https_proxy", ""}, {"all_proxy", "http://all:5"}}})
              .proxy == "http://all:5");
}

TEST_CASE("no_proxy bypasses the environment and the explicit proxy alike") {
    Env env{{{"https_proxy", "http://p:1"}, {"no_proxy", "localhost, .okta.com"}}};
    ProxyRoute r = route("https://acme.okta.com", env);
    CHECK_FALSE(r.via_proxy());
    CHECK(r.source == "no_proxy");
    CHECK(route("https://okta.com", env).source == "no_proxy");
    CHECK(route("https://notokta.com", env).via_proxy());  // a suffix is not a parent domain
    CHECK_FALSE(route("https://acme.okta.com", env, "http://explicit:1").via_proxy());
    CHECK_FALSE(
        route("https://x.example", Env{{{"all_proxy", "p"}, {"NO_PROXY", "*"}}}).via_proxy());
    // A CIDR entry is not evaluated: the route is reported as possibly direct.
    r = route("http://10.1.2.3", Env{{{"http_proxy", "http://p:1"}, {"no_proxy", "10.0.0.0/8"}}});
    CHECK(r.via_proxy());
    CHECK(r.uncertain);
}

TEST_CASE("no_proxy entries") {
    CHECK(no_proxy_matches("acme.okta.com", "okta.com") == true);
    CHECK(no_proxy_matches("acme.okta.com", ".okta.com.") == true);
    CHECK(no_proxy_matches("ACME.okta.com", "acme.OKTA.com") == true);
    CHECK(no_proxy_matches("acme.okta.com", "cme.okta.com") == false);
    CHECK(no_proxy_matches("127.0.0.1", "127.0.0.1,::1") == true);
    CHECK(no_proxy_matches("[::1]", "localhost ::1") == true);
    CHECK(no_proxy_matches("127.0.0.2", "127.0.0.1") == false);
    CHECK(no_proxy_matches("127.0.0.2", "127.0.0.0/8") == std::nullopt);
    CHECK(no_proxy_matches("host.example", "10.0.0.0/8") == false);
    CHECK(no_proxy_matches("host.example", "") == false);
}

TEST_CASE("a proxy URL is shown without its credentials") {
    CHECK(asset_sdk::proxy_for_display("http://user:secret@proxy:3128") == "http://proxy:3128");
    CHECK(asset_sdk::proxy_for_display("proxy:3128") == "proxy:3128");
    CHECK(asset_sdk::proxy_for_display("u:p@proxy") == "proxy");
    CHECK(asset_sdk::proxy_for_display("http://proxy/a@b") == "http://proxy/a@b");
}
