#include "simulator.h"

#include "item_validation.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace sekoiasim {

namespace {

using nlohmann::json;

constexpr const char* kIntakePattern = R"(/api/v2/asset-management/asset-connector/([^/]+))";

void send_json(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& code,
                const std::string& message) {
    send_json(res, status, {{"code", code}, {"message", message}});
}

bool is_uuid(const std::string& s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
    }
    return true;
}

std::string http_date(std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

std::size_t query_size(const httplib::Request& req, const char* key, std::size_t fallback) {
    if (!req.has_param(key)) return fallback;
    try {
        return static_cast<std::size_t>(std::stoull(req.get_param_value(key)));
    } catch (...) {
        return fallback;
    }
}

// Counts the connections the server accepts: cpp-httplib hands every accepted socket to its
// task queue as one task (which serves the connection until it closes).
class CountingQueue final : public httplib::TaskQueue {
public:
    CountingQueue(httplib::TaskQueue* inner, std::atomic<std::int64_t>& accepted)
        : inner_(inner), accepted_(accepted) {}
    void enqueue(std::function<void()> fn) override {
        accepted_.fetch_add(1);
        inner_->enqueue(std::move(fn));
    }
    void shutdown() override { inner_->shutdown(); }
    void on_idle() override { inner_->on_idle(); }

private:
    std::unique_ptr<httplib::TaskQueue> inner_;
    std::atomic<std::int64_t>& accepted_;
};

}  // namespace

Simulator::Simulator(SimConfig config) : config_(std::move(config)) {
    if (!config_.tls_cert.empty()) {
        server_ =
            std::make_unique<httplib::SSLServer>(config_.tls_cert.c_str(), config_.tls_key.c_str());
    } else {
        server_ = std::make_unique<httplib::Server>();
    }
    // Held ("hang") requests occupy a thread each: keep enough for the rest to be served.
    server_->new_task_queue = [this] {
        return new CountingQueue(new httplib::ThreadPool(64), connections_);
    };
    // A connection serves up to 1000 requests (nginx's default keepalive_requests; cpp-httplib's
    // own default, 5, would make every client look like it reconnects all the time).
    server_->set_keep_alive_max_count(1000);
    // Without TCP_NODELAY a response written in two pieces (headers, then body) on a reused
    // connection waits for the client's delayed ACK: ~40 ms added to every answer but the
    // first ones, which would swamp --latency-ms and every timing made against the simulator.
    server_->set_tcp_nodelay(true);
    server_->set_payload_max_length(256u << 20);
    server_->set_read_timeout(30, 0);
    server_->set_write_timeout(30, 0);

    server_->Post(kIntakePattern, [this](const httplib::Request& req, httplib::Response& res) {
        handle_intake(req, res);
    });
    server_->Get(
        "/v1/apiauth/auth/validate",
        [this](const httplib::Request& req, httplib::Response& res) { handle_validate(req, res); });
    server_->Get(R"(/_sim/.*)", [this](const httplib::Request& req, httplib::Response& res) {
        handle_control(req, res);
    });
    server_->Post(R"(/_sim/.*)", [this](const httplib::Request& req, httplib::Response& res) {
        handle_control(req, res);
    });
}

Simulator::~Simulator() {
    stop();
}

bool Simulator::bind(int port, std::string& error) {
    if (!server_->is_valid()) {
        error = "cannot set up the server (TLS certificate or key unreadable?)";
        return false;
    }
    if (port == 0) {
        port_ = server_->bind_to_any_port("127.0.0.1");
    } else {
        port_ = server_->bind_to_port("127.0.0.1", port) ? port : -1;
    }
    if (port_ <= 0) {
        error = "cannot bind 127.0.0.1:" + std::to_string(port);
        return false;
    }
    return true;
}

void Simulator::start() {
    thread_ = std::thread([this] { server_->listen_after_bind(); });
}

void Simulator::stop() {
    if (stopping_.exchange(true)) return;
    server_->stop();
    if (thread_.joinable()) thread_.join();
}

void Simulator::hold(std::int64_t ms) {
    // Sleeps in slices of at most 20 ms (stop() must not wait for a long hang) and never past
    // `until` (a latency of 50 ms must not become 60).
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (!stopping_) {
        const auto now = std::chrono::steady_clock::now();
        if (now >= until) break;
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            until - now, std::chrono::milliseconds(20)));
    }
}

void Simulator::handle_intake(const httplib::Request& req, httplib::Response& res) {
    const std::string connector = req.matches[1];
    // A slow service (round trip + processing), before anything else: every answer, faults
    // included, is delayed. Each request holds its own server thread, so concurrent pushes
    // overlap as they would against the real API.
    if (config_.latency_ms > 0) hold(config_.latency_ms);
    ledger_.count_request(connector, req.get_header_value("Accept-Encoding"));
    std::optional<Fault> fault;
    {
        std::lock_guard lock(mu_);
        fault = faults_.next_request();
    }
    auto finish = [&](bool accepted) {
        ledger_.count_status(connector, res.status, accepted);
        if (config_.verbose) {
            std::fprintf(stderr, "sekoia-sim: POST %s -> %d%s\n", connector.c_str(), res.status,
                         fault ? (" (fault " + fault->kind_name + ")").c_str() : "");
        }
    };

    if (fault) {
        const std::string message = fault->message;
        auto msg = [&](const char* fallback) { return message.empty() ? fallback : message; };
        auto add_retry_after = [&] {
            if (!fault->retry_after_seconds) return;
            if (fault->retry_after_http_date) {
                const auto now =
                    std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
                res.set_header(
                    "Retry-After",
                    http_date(now + static_cast<std::time_t>(*fault->retry_after_seconds + 0.999)));
            } else {
                res.set_header("Retry-After",
                               std::to_string(static_cast<long long>(*fault->retry_after_seconds)));
            }
        };
        switch (fault->kind) {
            case FaultKind::kHttp500:
                send_error(res, 500, "INTERNAL_ERROR", msg("simulated internal error"));
                return finish(false);
            case FaultKind::kHttp503:
                add_retry_after();
                send_error(res, 503, "SERVICE_UNAVAILABLE", msg("simulated outage"));
                return finish(false);
            case FaultKind::kRateLimit429:
                add_retry_after();
                send_error(res, 429, "TOO_MANY_REQUESTS", msg("simulated rate limit"));
                return finish(false);
            case FaultKind::kHang:
                ledger_.count_hang();
                hold(fault->hang_ms);
                send_error(res, 504, "GATEWAY_TIMEOUT", "held by the hang fault");
                return finish(false);
            case FaultKind::kAcceptThenHang:
                break;  // validated and recorded below, then held
            case FaultKind::kHttp400:
                send_error(res, 400, "BAD_REQUEST", msg("simulated bad request"));
                return finish(false);
            case FaultKind::kHttp401:
                send_error(res, 401, "UNAUTHORIZED", msg("simulated: invalid API key"));
                return finish(false);
            case FaultKind::kHttp403:
                send_error(res, 403, "FORBIDDEN", msg("simulated: permission denied"));
                return finish(false);
            case FaultKind::kHttp404:
                send_error(res, 404, "NOT_FOUND", msg("simulated: unknown asset connector"));
                return finish(false);
            case FaultKind::kHttp413:
                send_error(res, 413, "PAYLOAD_TOO_LARGE", msg("simulated: request too large"));
                return finish(false);
        }
    }

    // Checks in the order a real API gateway would make them. Never echo the credentials.
    if (req.get_header_value("Authorization") != "Bearer " + key_for(connector)) {
        send_error(res, 401, "UNAUTHORIZED", "missing or invalid API key");
        return finish(false);
    }
    if (!key_rights().can_push) {
        send_error(res, 403, "FORBIDDEN", "the API key may not push assets");
        return finish(false);
    }
    if (!is_uuid(connector) ||
        (!config_.connectors.empty() && config_.connectors.count(connector) == 0)) {
        send_error(res, 404, "NOT_FOUND", "no asset connector with uuid '" + connector + "'");
        return finish(false);
    }
    if (req.get_header_value("Content-Type").rfind("application/json", 0) != 0) {
        send_error(res, 415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json");
        return finish(false);
    }
    const std::string expected_agent = "sekoiaio-asset-connector-" + connector;
    if (req.get_header_value("User-Agent") != expected_agent) {
        send_error(res, 400, "BAD_USER_AGENT", "User-Agent must be '" + expected_agent + "'");
        return finish(false);
    }
    std::size_t max_body = 0;
    {
        std::lock_guard lock(mu_);
        max_body = refusals_.max_body_bytes;
        if (max_body > 0 && req.body.size() > max_body) ++refusals_.too_large_requests;
    }
    if (max_body > 0 && req.body.size() > max_body) {
        send_error(res, 413, "PAYLOAD_TOO_LARGE",
                   "request body of " + std::to_string(req.body.size()) + " bytes; at most " +
                       std::to_string(max_body));
        return finish(false);
    }
    const json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded()) {
        send_error(res, 400, "INVALID_JSON", "the body is not valid JSON");
        return finish(false);
    }
    std::vector<std::vector<std::string>> dropped;  // per item: keys Sekoia's models drop
    if (auto error = validate_body(body, &dropped)) {
        send_error(res, 400, error->code, error->message);
        return finish(false);
    }
    const json items = body.contains("items") ? body["items"] : json::array();
    if (refuse_items(items, res)) return finish(false);
    if (items.size() > config_.max_items) {
        send_error(res, 413, "PAYLOAD_TOO_LARGE",
                   std::to_string(items.size()) + " items in one request; at most " +
                       std::to_string(config_.max_items));
        return finish(false);
    }

    accept(connector, items, dropped, res);
    if (fault && fault->kind == FaultKind::kAcceptThenHang) {
        ledger_.count_hang();
        hold(fault->hang_ms);
        send_error(res, 504, "GATEWAY_TIMEOUT", "held by the accept_then_hang fault");
        ledger_.count_status(connector, 504, true);
        return;
    }
    finish(true);
}

nlohmann::json Refusals::to_json() const {
    return {{"uids", uids},
            {"status", status},
            {"message", message},
            {"max_body_bytes", max_body_bytes},
            {"refused_requests", refused_requests},
            {"too_large_requests", too_large_requests}};
}

bool Simulator::refuse_items(const json& items, httplib::Response& res) {
    std::lock_guard lock(mu_);
    if (refusals_.uids.empty()) return false;
    for (std::size_t i = 0; i < items.size(); ++i) {
        const json* uid = nullptr;
        if (items[i].contains("device") && items[i]["device"].is_object() &&
            items[i]["device"].contains("uid")) {
            uid = &items[i]["device"]["uid"];
        }
        if (!uid || !uid->is_string() || !refusals_.uids.count(uid->get<std::string>())) continue;
        ++refusals_.refused_requests;
        const std::string message = !refusals_.message.empty()
                                        ? refusals_.message
                                        : "items[" + std::to_string(i) + "].device.uid: '" +
                                              uid->get<std::string>() +
                                              "' is refused (sekoia-sim refusal rule)";
        send_error(res, refusals_.status, "VALIDATION_ERROR", message);
        return true;
    }
    return false;
}

void Simulator::handle_refusals(const httplib::Request& req, httplib::Response& res) {
    const json body = json::parse(req.body, nullptr, false);
    Refusals rules;
    if (!body.is_object()) return send_error(res, 400, "BAD_REFUSALS", "expected a JSON object");
    if (body.contains("uids")) {
        if (!body["uids"].is_array()) return send_error(res, 400, "BAD_REFUSALS", "uids: array");
        for (const auto& u : body["uids"]) {
            if (u.is_string()) rules.uids.insert(u.get<std::string>());
        }
    }
    if (body.contains("status")) {
        const int status = body["status"].is_number_integer() ? body["status"].get<int>() : 0;
        if (status != 400 && status != 422) {
            return send_error(res, 400, "BAD_REFUSALS", "status: 400 or 422");
        }
        rules.status = status;
    }
    if (body.contains("message") && body["message"].is_string()) {
        rules.message = body["message"].get<std::string>();
    }
    if (body.contains("max_body_bytes")) {
        if (!body["max_body_bytes"].is_number_unsigned()) {
            return send_error(res, 400, "BAD_REFUSALS", "max_body_bytes: integer >= 0");
        }
        rules.max_body_bytes = body["max_body_bytes"].get<std::size_t>();
    }
    std::lock_guard lock(mu_);
    refusals_ = std::move(rules);
    return send_json(res, 200, refusals_.to_json());
}

void Simulator::accept(const std::string& connector, const json& items,
                       const std::vector<std::vector<std::string>>& dropped,
                       httplib::Response& res) {
    ledger_.record_items(connector, items, dropped);
    if (config_.success_status == 204) {
        res.status = 204;
        return;
    }
    send_json(res, config_.success_status, {{"result", "success"}, {"accepted", items.size()}});
}

const std::string& Simulator::key_for(const std::string& connector) const {
    const auto it = config_.connector_keys.find(connector);
    return it != config_.connector_keys.end() ? it->second : config_.api_key;
}

bool Simulator::knows_key(const std::string& authorization) const {
    if (authorization == "Bearer " + config_.api_key) return true;
    for (const auto& [connector, key] : config_.connector_keys) {
        if (authorization == "Bearer " + key) return true;
    }
    return false;
}

Simulator::KeyRights Simulator::key_rights() const {
    std::lock_guard lock(rights_mu_);
    return rights_;
}

void Simulator::handle_validate(const httplib::Request& req, httplib::Response& res) {
    ledger_.count_validate();
    if (!key_rights().validate_endpoint) return send_error(res, 404, "NOT_FOUND", "not found");
    // Sekoia's answer to a token it does not know (the key received is never echoed).
    if (!knows_key(req.get_header_value("Authorization"))) {
        return send_json(res, 401, {{"message", "The token is invalid"}, {"code", "T300"}});
    }
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    send_json(res, 200,
              {{"fresh", false},
               {"iat", now},
               {"identity", "apikey:sekoia-sim"},
               {"jti", "sim-" + std::to_string(now)},
               {"nbf", now},
               {"type", "access"},
               {"user_claims", nullptr}});
}

void Simulator::set_key_rights(const httplib::Request& req, httplib::Response& res) {
    const json body = json::parse(req.body, nullptr, false);
    KeyRights rights;
    bool ok = body.is_object();
    for (auto it = ok ? body.begin() : body.end(); it != body.end(); ++it) {
        if (it.key() == "validate_endpoint" && it->is_boolean()) {
            rights.validate_endpoint = it->get<bool>();
        } else if (it.key() == "can_push" && it->is_boolean()) {
            rights.can_push = it->get<bool>();
        } else {
            ok = false;
        }
    }
    if (!ok) {
        return send_error(res, 400, "BAD_AUTH",
                          "expected {\"validate_endpoint\": bool, \"can_push\": bool}");
    }
    {
        std::lock_guard lock(rights_mu_);
        rights_ = rights;
    }
    send_json(res, 200,
              {{"validate_endpoint", rights.validate_endpoint}, {"can_push", rights.can_push}});
}

void Simulator::handle_control(const httplib::Request& req, httplib::Response& res) {
    const std::string& path = req.path;
    if (req.method == "GET" && path == "/_sim/stats") {
        json stats = ledger_.stats();
        stats["connections"] = connections_.load();
        return send_json(res, 200, stats);
    }
    if (req.method == "GET" && path == "/_sim/items") {
        const bool kept = req.get_param_value("view") == "kept";
        return send_json(
            res, 200,
            ledger_.items(query_size(req, "offset", 0), query_size(req, "limit", 1000), kept));
    }
    if (req.method == "GET" && path == "/_sim/uids") return send_json(res, 200, ledger_.uids());
    if (req.method == "GET" && path == "/_sim/faults") {
        std::lock_guard lock(mu_);
        return send_json(res, 200, faults_.to_json());
    }
    if (req.method == "POST" && path == "/_sim/faults") {
        const json body = json::parse(req.body, nullptr, false);
        FaultPlan plan;
        std::string error;
        if (body.is_discarded() || !FaultPlan::parse(body, plan, error)) {
            return send_error(res, 400, "BAD_FAULTS", error.empty() ? "invalid JSON" : error);
        }
        std::lock_guard lock(mu_);
        faults_ = std::move(plan);
        return send_json(res, 200, faults_.to_json());
    }
    if (req.method == "POST" && path == "/_sim/auth") return set_key_rights(req, res);
    if (path == "/_sim/refusals") {
        if (req.method == "POST") return handle_refusals(req, res);
        std::lock_guard lock(mu_);
        return send_json(res, 200, refusals_.to_json());
    }
    if (req.method == "POST" && path == "/_sim/reset") {
        {
            std::lock_guard lock(mu_);
            faults_ = FaultPlan{};
            refusals_ = Refusals{};
        }
        {
            std::lock_guard lock(rights_mu_);
            rights_ = KeyRights{};
        }
        ledger_.reset();
        connections_ = 0;
        return send_json(res, 200, {{"reset", true}});
    }
    send_error(res, 404, "NOT_FOUND", "unknown control endpoint " + req.method + " " + path);
}

}  // namespace sekoiasim
