#include "pager.h"

#include <asset_sdk/link_header.h>

#include <functional>

namespace okta_device {

namespace {

using asset_sdk::Result;
using asset_sdk::Status;
using asset_sdk::StatusCode;

Status protocol_error(std::string m) {
    return Status(StatusCode::kProtocol, std::move(m));
}

std::uint64_t url_hash(const std::string& url) {
    return std::hash<std::string>{}(url);
}

}  // namespace

Pager::Pager(const OktaConfig& config, std::string search)
    : config_(config), search_(std::move(search)) {
    // base_url was validated by parse_config; parsing it again cannot fail.
    auto parsed = asset_sdk::parse_url(config_.base_url);
    if (parsed) base_ = std::move(parsed).value();
}

std::string Pager::first_url() const {
    asset_sdk::Url url = base_;
    url.path = kDevicesPath;
    url.query.clear();
    url.set_query("limit", std::to_string(config_.page_size));
    if (config_.expand != ExpandMode::kNone) url.set_query("expand", expand_param(config_.expand));
    if (!search_.empty()) url.set_query("search", search_);
    return url.str();
}

Result<std::string> Pager::vet(std::string_view url_text, const char* what) const {
    // Okta sends absolute links; accept a path-absolute one by resolving it against base_url.
    std::string absolute;
    if (url_text.substr(0, 2) == "//") {
        absolute = base_.scheme + ":" + std::string(url_text);  // scheme-relative
    } else if (!url_text.empty() && url_text.front() == '/') {
        absolute = base_.origin() + std::string(url_text);
    } else {
        absolute = std::string(url_text);
    }
    auto parsed = asset_sdk::parse_url(absolute);
    if (!parsed) {
        return protocol_error(std::string("Okta sent an unusable ") + what + " (" +
                              parsed.status().message() + "); the cycle stops here");
    }
    asset_sdk::Url url = std::move(parsed).value();
    if (!url.same_origin(base_)) {
        // The origin is safe to name (no secret in it) and tells the operator what happened.
        return protocol_error(std::string("Okta sent a ") + what + " pointing to " + url.origin() +
                              ", not to the configured " + base_.origin() +
                              "; refusing to send the API token there (the cycle stops)");
    }
    if (url.path != kDevicesPath) {
        return protocol_error(std::string("Okta sent a ") + what + " for another API path (" +
                              url.path.substr(0, 80) + "); expected " + kDevicesPath);
    }
    // Okta has been seen dropping query parameters from next links (okta-sdk-nodejs#439,
    // okta-sdk-golang#242): put back what this sync asked for.
    url.set_query("limit", std::to_string(config_.page_size));
    if (config_.expand != ExpandMode::kNone) {
        url.set_query("expand", expand_param(config_.expand));
    } else {
        std::erase_if(url.query, [](const auto& kv) { return kv.first == "expand"; });
    }
    if (!search_.empty() && !url.has_query("search")) url.set_query("search", search_);
    return url.str();
}

Result<std::string> Pager::resume_url(std::string_view saved) {
    return vet(saved, "resume link");
}

void Pager::mark_visited(const std::string& url) {
    visited_.insert(url_hash(url));
}

Result<std::optional<std::string>> Pager::peek_next(const asset_sdk::HttpResponse& response) const {
    const auto link = asset_sdk::find_link(response.header_values("link"), "next");
    if (!link) return std::optional<std::string>{};
    auto vetted = vet(*link, "next-page link");
    if (!vetted) return vetted.status();
    if (visited_.contains(url_hash(*vetted))) {
        return protocol_error(
            "Okta sent a next-page link that was already fetched in this sync (a pagination "
            "loop); the cycle stops instead of looping");
    }
    return std::optional<std::string>(std::move(vetted).value());
}

Result<std::optional<std::string>> Pager::next(const asset_sdk::HttpResponse& response) {
    auto next = peek_next(response);
    if (next && *next) visited_.insert(url_hash(**next));
    return next;
}

std::string Pager::path_and_query(const std::string& absolute_url) {
    auto parsed = asset_sdk::parse_url(absolute_url);
    if (!parsed) return {};
    std::string out = parsed->str();
    const std::string origin = parsed->origin();
    return out.substr(origin.size());
}

}  // namespace okta_device
