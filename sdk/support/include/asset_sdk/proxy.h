// Which proxy libcurl will use for a request, so "Test connector" can say that a proxy (not the
// service) answered. libcurl 7.88 cannot report it (CURLINFO_USED_PROXY came in 8.7), so its
// rules are mirrored here:
//  - an explicit proxy (the HttpClientOptions/config `proxy`) wins over the environment;
//  - otherwise `<scheme>_proxy` (for https also HTTPS_PROXY; http_proxy is lower case only, as
//    libcurl reads it), then all_proxy / ALL_PROXY;
//  - no_proxy / NO_PROXY bypasses either: "*", or comma/space separated host names matching
//    the host or a parent domain (a leading or trailing '.' ignored), or literal IP addresses.
//    CIDR ranges are not evaluated here; such an entry makes the route "possibly direct".
// Hand-written because no Debian library exposes libcurl's decision.
#pragma once

#include <asset_sdk/http_client.h>
#include <asset_sdk/url.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace asset_sdk {

struct ProxyRoute {
    std::string proxy;   // the proxy URL; empty: a direct connection
    std::string source;  // "proxy" (the explicit setting) or the environment variable's name;
                         // for a direct route: the no_proxy variable that bypassed a proxy, or ""
    bool uncertain = false;  // no_proxy has an entry this mirror does not evaluate (CIDR)

    bool via_proxy() const { return !proxy.empty(); }
};

// Reads an environment variable; nullopt when unset. The default reads the process environment.
using EnvLookup = std::function<std::optional<std::string>(const char* name)>;
std::optional<std::string> process_env(const char* name);

// The route a request to `target` takes with `explicit_proxy` ("" = none) and the environment.
ProxyRoute proxy_route(const Url& target, std::string_view explicit_proxy,
                       const EnvLookup& env = process_env);

// Whether `host` is listed in a no_proxy value. nullopt: not decided (a CIDR entry).
std::optional<bool> no_proxy_matches(std::string_view host, std::string_view no_proxy);

// "http://user:secret@proxy:3128" → "http://proxy:3128": a proxy URL fit for a message.
std::string proxy_for_display(std::string_view proxy);

// The route in words, to append to "connected to host": "" (direct), " directly (host is in
// no_proxy)", or " through the proxy http://proxy:3128 (from https_proxy)".
std::string describe_route(const Url& target, const ProxyRoute& route);

// What answered, for a message when the answer does not have the service's shape (a proxy's
// error page, a captive portal): "HTTP 502 (Server: squid/5.7, Via: ..., Content-Type:
// text/html)". Bounded length.
std::string describe_answer(const HttpResponse& response);

}  // namespace asset_sdk
