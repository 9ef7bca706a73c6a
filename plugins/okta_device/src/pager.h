// Cursor pagination over /api/v1/devices, following `Link: <...>; rel="next"`, with the safety
// rules the token depends on:
//  - a next URL must have the configured scheme, host and port (and the devices path); anything
//    else fails the cycle BEFORE any request is sent, so the token never leaves the org;
//  - a next URL already visited in this sync fails the cycle (a server loop would otherwise
//    run forever); only 64-bit hashes of visited URLs are kept, so memory stays small;
//  - parameters Okta is known to drop from next links (expand, limit, search) are put back,
//    with the values this sync uses.
#pragma once

#include "config.h"

#include <asset_sdk/http_client.h>
#include <asset_sdk/status.h>
#include <asset_sdk/url.h>

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>

namespace okta_device {

inline constexpr char kDevicesPath[] = "/api/v1/devices";

class Pager {
public:
    // `search` is the SCIM filter of this sync ("" for a full sync).
    Pager(const OktaConfig& config, std::string search);

    // The first page: {base}/api/v1/devices?limit=N[&expand=..][&search=..].
    std::string first_url() const;

    // A URL to resume from (a marker's saved next link, path and query only or absolute):
    // checked and completed like a next link, but not counted as visited yet.
    asset_sdk::Result<std::string> resume_url(std::string_view saved);

    // The next page after `response` (whose URL was `current`), nullopt at the end, or an error
    // naming the rule broken. Marks the returned URL as visited.
    asset_sdk::Result<std::optional<std::string>> next(const asset_sdk::HttpResponse& response);

    // What next() would return for `response`, checked by the same rules, without marking it
    // visited: the page the sync may ask for early (DeviceSync prefetches it).
    asset_sdk::Result<std::optional<std::string>> peek_next(
        const asset_sdk::HttpResponse& response) const;

    // Record a URL as fetched (the first page, a resumed page).
    void mark_visited(const std::string& url);

    // "path?query" of a URL of this org, as stored in markers (the origin is config's).
    static std::string path_and_query(const std::string& absolute_url);

private:
    // Checks origin/path and restores the dropped parameters.
    asset_sdk::Result<std::string> vet(std::string_view url_text, const char* what) const;

    const OktaConfig& config_;
    asset_sdk::Url base_;
    std::string search_;
    std::unordered_set<std::uint64_t> visited_;
};

}  // namespace okta_device
