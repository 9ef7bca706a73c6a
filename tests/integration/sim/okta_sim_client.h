// Test helpers: HTTP calls to a running okta-sim (Okta endpoints with the SSWS header, Link
// parsing, following next links) — the client side of the simulator's contract. They use
// libcurl, not the cpp-httplib 0.11 client: that one percent-decodes response header values,
// which would corrupt the encoded `search` inside Link URLs.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "okta_sim.h"

namespace oktasimtest {

using nlohmann::json;

struct Reply {
    bool transport_ok = false;  // false: no complete HTTP answer (dropped, truncated, refused)
    int curl_code = 0;          // CURLcode when !transport_ok
    int status = 0;
    std::string body;
    httplib::Headers headers;

    std::string header(const std::string& name) const;
    std::vector<std::string> all(const std::string& name) const;
    std::optional<std::string> link(const std::string& rel) const;  // URL of rel="<rel>"
    json json_body() const { return json::parse(body); }
};

// GET `target` ("/api/v1/devices?...") on 127.0.0.1:port. token "" = no Authorization header.
Reply get(int port, const std::string& target, const std::string& token = "sim-token",
          const std::string& host_header = "");
// GET an absolute http://host:port/... URL, sent exactly as given (as found in a Link header).
Reply get_url(const std::string& url, const std::string& token = "sim-token",
              const std::string& host_header = "");

// Any request, sent exactly as given: `headers` as "Name: value" lines, `body` sent when the
// method is not GET. For the OAuth endpoints (token requests, Bearer/DPoP resource calls).
Reply request(const std::string& method, const std::string& url,
              const std::vector<std::string>& headers, const std::string& body = "");

// Follows next links from `first_target` until none; returns every device of every page.
struct Walk {
    std::vector<json> devices;
    size_t pages = 0;
    std::vector<std::string> urls;  // every URL fetched
};
Walk walk_all(int port, const std::string& first_target);

}  // namespace oktasimtest
