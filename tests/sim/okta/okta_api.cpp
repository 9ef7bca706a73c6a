// The Okta endpoints of the simulator: /.well-known/okta-organization and /api/v1/*.
#include <chrono>
#include <thread>

#include "assurances.h"
#include "exchange.h"
#include "gzip_page.h"
#include "okta_errors.h"
#include "poison.h"
#include "time_format.h"
#include "url_codec.h"

namespace oktasim {

namespace {

bool parse_positive(const std::string& s, size_t& out) {
    if (s.empty() || s.size() > 9) return false;
    size_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<size_t>(c - '0');
    }
    if (v == 0) return false;
    out = v;
    return true;
}

std::string link_header(const std::string& url, const char* rel) {
    return "<" + url + ">; rel=\"" + rel + "\"";
}

}  // namespace

void Simulator::send_error(Exchange& ex, const OktaError& error) {
    set_json(ex.res, error.status, error.body(ex.request_id));
}

void Simulator::serve_okta(Exchange& ex) {
    if (ex.path == "/.well-known/okta-organization") {
        serve_well_known(ex);
    } else if (ex.path == "/oauth2/v1/token") {
        serve_token(ex);
    } else if (ex.path == "/api/v1" || ex.path.rfind("/api/v1/", 0) == 0) {
        ex.is_api = true;
        serve_api(ex);
    } else {
        send_error(ex, not_found(ex.path));
    }
}

void Simulator::serve_well_known(Exchange& ex) {
    if (ex.req.method != "GET" && ex.req.method != "HEAD") {
        send_error(ex,
                   {405, "E0000022", "The endpoint does not support the provided HTTP method", {}});
        return;
    }
    Json body;
    body["id"] = "00o" + stable_alnum(ex.cfg.seed, 0x0E6, 1, 17);
    body["pipeline"] = ex.cfg.engine;
    body["_links"]["organization"] = {{"href", ex.origin()}};
    if (ex.cfg.engine == "idx") {
        // Identity Engine orgs with a custom domain also list it; ours stays on loopback.
        body["_links"]["alternate"] = {
            {"href", ex.scheme + "://localhost:" + std::to_string(port_)}};
    }
    set_json(ex.res, 200, body.dump());
}

void Simulator::serve_api(Exchange& ex) {
    const bool device_list = ex.path == "/api/v1/devices";
    RateLimiter::Decision rate;
    {
        std::lock_guard lock(control_mu_);
        rate = limiter_.consume(real_now_ms());
        if (device_list) {
            const uint64_t n = ++stats_.device_requests;
            // The page by its cursor (a query that does not parse is refused later anyway).
            std::string cursor;
            if (const auto params = QueryParams::parse(ex.raw_query)) {
                if (const std::string* after = params->find("after")) cursor = *after;
            }
            ex.faults = faults_.on_device_request(n, cursor);
            for (const auto& f : ex.faults) ++stats_.faults_fired[f.name];
        }
    }
    ex.rl_limit = rate.limit;
    ex.rl_remaining = rate.remaining;
    ex.rl_reset_s = reset_header_seconds(rate.window_end_ms, ex.cfg.clock_skew_ms);

    for (const auto& f : ex.faults) {
        if (f.kind == FaultKind::kSlow) {
            ex.fault_name = f.name;
            std::this_thread::sleep_for(std::chrono::milliseconds(f.delay_ms));
        }
    }
    for (const auto& f : ex.faults) {
        if (f.terminal()) {
            apply_terminal_fault(ex, f);
            return;
        }
    }

    if (!ex.valid_auth && !ex.oauth_scheme.empty()) {
        if (!authorize_oauth(ex)) return;
    } else if (!ex.valid_auth) {
        {
            std::lock_guard lock(control_mu_);
            ++stats_.auth_failures;
        }
        send_error(ex, invalid_token());
        return;
    }
    if (!rate.allowed) {
        send_error(ex, rate_limited());
        return;
    }
    if (ex.req.method != "GET" && ex.req.method != "HEAD") {
        send_error(ex,
                   {405, "E0000022", "The endpoint does not support the provided HTTP method", {}});
        return;
    }
    if (device_list) {
        serve_device_list(ex);
    } else if (ex.path.rfind("/api/v1/devices/", 0) == 0) {
        serve_device_by_id(ex, ex.path.substr(16));
    } else if (ex.path == "/api/v1/device-assurances") {
        serve_assurances(ex);
    } else {
        send_error(ex, not_found(ex.path));
    }
}

void Simulator::apply_terminal_fault(Exchange& ex, const Fault& f) {
    ex.fault_name = f.name;
    const int64_t now = real_now_ms();
    switch (f.kind) {
        case FaultKind::kHttp500:
        case FaultKind::kHttp502:
        case FaultKind::kHttp503: {
            const int status = f.kind == FaultKind::kHttp500   ? 500
                               : f.kind == FaultKind::kHttp502 ? 502
                                                               : 503;
            send_error(ex, server_error(status));
            break;
        }
        case FaultKind::kRateLimit429:
            ex.rl_remaining = 0;
            if (f.reset_after_ms) {
                ex.rl_reset_s = reset_header_seconds(now + *f.reset_after_ms, ex.cfg.clock_skew_ms);
            }
            send_error(ex, rate_limited());
            break;
        case FaultKind::kConcurrency429:
            // Okta's concurrency answer: Limit and Remaining are both 0, Reset is an estimate.
            ex.rl_limit = 0;
            ex.rl_remaining = 0;
            ex.rl_reset_s =
                reset_header_seconds(now + f.reset_after_ms.value_or(1000), ex.cfg.clock_skew_ms);
            send_error(ex, rate_limited());
            break;
        case FaultKind::kUnauthorized:
            send_error(ex, invalid_token());
            break;
        case FaultKind::kBadRequest:
            send_error(ex, validation_failed("request"));
            break;
        case FaultKind::kDropConnection:
            // The socket is shut down once the request is in the stats (Simulator::handle):
            // the client may ask for the stats as soon as it sees the connection close.
            ex.dropped = true;
            ex.res.status = 500;  // never sent
            break;
        default:
            break;
    }
    if (f.retry_after_s) ex.res.set_header("Retry-After", std::to_string(*f.retry_after_s));
}

void Simulator::serve_device_list(Exchange& ex) {
    if (ex.cfg.engine == "v1") {
        send_error(ex, feature_not_enabled());
        return;
    }
    if (ex.cfg.forbidden) {
        send_error(ex, access_denied());
        return;
    }
    const auto params = QueryParams::parse(ex.raw_query);
    if (!params) {
        send_error(ex, validation_failed("query string (malformed percent-encoding)"));
        return;
    }
    PageQuery query;
    query.limit = std::min<size_t>(200, ex.cfg.page_cap);
    if (const std::string* limit = params->find("limit")) {
        size_t value = 0;
        if (!parse_positive(*limit, value)) {
            send_error(ex, validation_failed("limit"));
            return;
        }
        query.limit = std::min(value, ex.cfg.page_cap);
    }
    const std::string* expand = params->find("expand");
    if (expand && !expand->empty()) {
        if (*expand == "user") {
            query.expand = ExpandMode::kUser;
        } else if (*expand == "userSummary") {
            query.expand = ExpandMode::kUserSummary;
        } else {
            send_error(ex, validation_failed("expand"));
            return;
        }
    }
    std::optional<ScimFilter> filter;
    const std::string* search = params->find("search");
    if (search) {
        auto parsed = ScimFilter::parse(*search);
        if (auto* why = std::get_if<std::string>(&parsed)) {
            send_error(ex, invalid_search(*why));
            return;
        }
        filter.emplace(std::move(std::get<ScimFilter>(parsed)));
        query.filter = &*filter;
    }
    if (const std::string* after = params->find("after"); after && !after->empty()) {
        // Cursor = base64url("c:" + last id); "x:" marks cursors only ever handed out in an
        // off-origin next link, so a request carrying one proves the client followed it.
        const auto decoded = base64url_decode(*after);
        if (!decoded || decoded->size() < 2 || (*decoded)[1] != ':' ||
            ((*decoded)[0] != 'c' && (*decoded)[0] != 'x')) {
            send_error(ex, validation_failed("after"));
            return;
        }
        query.after_key = decoded->substr(2);
        if ((*decoded)[0] == 'x') {
            std::lock_guard lock(control_mu_);
            ++stats_.off_origin_followed;
            if (ex.had_authorization) ++stats_.off_origin_followed_with_authorization;
        }
    }

    // The thread's page buffer, kept from request to request (see SimOrg::page).
    thread_local std::string page_buffer;
    Page page = org_.page(query, std::move(page_buffer));

    const std::string self_url = ex.origin() + ex.req.target;
    auto next_query = [&](const std::string& cursor) {
        std::string q = "after=" + cursor;
        if (!ex.cfg.drop_expand_in_next) {
            q += "&limit=" + std::to_string(query.limit);
            if (expand && !expand->empty()) q += "&expand=" + percent_encode(*expand);
        }
        if (search) q += "&search=" + percent_encode(*search);
        return q;
    };
    const std::string cursor_key = page.count > 0 ? page.last_key : query.after_key.value_or("");
    bool emit_next = page.more;
    std::string next_url =
        ex.origin() + "/api/v1/devices?" + next_query(base64url_encode("c:" + cursor_key));

    std::string body = std::move(page.body);
    bool truncate = false;
    for (const auto& f : ex.faults) {
        switch (f.kind) {
            case FaultKind::kOffOriginNext: {
                ex.fault_name = f.name;
                emit_next = true;
                std::string target_origin;
                if (f.variant == "port") {
                    target_origin = ex.scheme + "://127.0.0.1:" + std::to_string(decoy_port_);
                } else if (f.variant == "host_evil") {
                    target_origin = ex.scheme + "://127.0.0.2:" + std::to_string(decoy_port_);
                } else if (f.variant == "host") {
                    const bool via_localhost = ex.host.rfind("localhost", 0) == 0;
                    target_origin = ex.scheme +
                                    (via_localhost ? "://127.0.0.1:" : "://localhost:") +
                                    std::to_string(port_);
                } else {  // scheme
                    target_origin = (ex.scheme == "https" ? "http://" : "https://") + ex.host;
                }
                next_url = target_origin + "/api/v1/devices?" +
                           next_query(base64url_encode("x:" + cursor_key));
                break;
            }
            case FaultKind::kRepeatedNext: {
                ex.fault_name = f.name;
                emit_next = true;
                if (f.variant == "self") {
                    next_url = self_url;
                } else {  // first: the same query without the cursor
                    std::string q;
                    for (const auto& [k, v] : params->items()) {
                        if (k == "after") continue;
                        q += (q.empty() ? "" : "&") + percent_encode(k) + "=" + percent_encode(v);
                    }
                    next_url = ex.origin() + "/api/v1/devices" + (q.empty() ? "" : "?" + q);
                }
                break;
            }
            case FaultKind::kMalformedJson:
                ex.fault_name = f.name;
                body = body.substr(0, body.size() / 2) + ",{\"broken\":";
                break;
            case FaultKind::kTruncatedBody:
                ex.fault_name = f.name;
                truncate = true;
                break;
            case FaultKind::kPoisonDevice:
                ex.fault_name = f.name;
                body = poison_page(body, f.variant, f.device);
                break;
            default:
                break;
        }
    }

    // Two separate Link header lines, as Okta sends them.
    ex.res.headers.emplace("Link", link_header(self_url, "self"));
    if (emit_next) ex.res.headers.emplace("Link", link_header(next_url, "next"));
    ex.page_served = true;

    if (truncate) {
        // Declares the full length, sends half, then fails the write so httplib closes the
        // connection: the client sees a short body ("transfer closed with N bytes remaining").
        auto shared = std::make_shared<std::string>(std::move(body));
        ex.res.status = 200;
        ex.res.set_content_provider(shared->size(), "application/json",
                                    [shared](size_t offset, size_t, httplib::DataSink& sink) {
                                        if (offset == 0)
                                            sink.write(shared->data(), shared->size() / 2);
                                        return false;
                                    });
        return;
    }
    set_json_page(ex.req, ex.res, 200, body);
    page_buffer = std::move(body);  // what the answer did not take
}

void Simulator::serve_device_by_id(Exchange& ex, const std::string& rest) {
    if (ex.cfg.engine == "v1") {
        send_error(ex, feature_not_enabled());
        return;
    }
    if (ex.cfg.forbidden) {
        send_error(ex, access_denied());
        return;
    }
    const size_t slash = rest.find('/');
    const std::string id = rest.substr(0, slash);
    const std::string tail = slash == std::string::npos ? "" : rest.substr(slash);
    if (tail.empty()) {
        if (auto json = org_.device_json(id)) {
            set_json(ex.res, 200, std::move(*json));
            return;
        }
    } else if (tail == "/users") {
        if (auto json = org_.device_users_json(id, ExpandMode::kUser)) {
            set_json(ex.res, 200, std::move(*json));
            return;
        }
    }
    send_error(ex, not_found(id + " (GenericUDObject)"));
}

void Simulator::serve_assurances(Exchange& ex) {
    if (ex.cfg.engine == "v1") {
        send_error(ex, feature_not_enabled());
        return;
    }
    if (ex.cfg.assurances_forbidden) {
        send_error(ex, access_denied());
        return;
    }
    set_json(ex.res, 200, device_assurances_json(ex.origin()));
}

}  // namespace oktasim
