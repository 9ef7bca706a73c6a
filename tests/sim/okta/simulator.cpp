#include "simulator.h"

#include "connection_drop.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>

#include "exchange.h"
#include "time_format.h"
#include "url_codec.h"

namespace oktasim {

namespace {

// Slow faults and idle keep-alive clients each hold a worker of the main listener; the decoys
// only ever see a stray request or two.
constexpr size_t kMainWorkers = 32;
constexpr size_t kDecoyWorkers = 4;

std::unique_ptr<httplib::Server> make_server(const TlsFiles& tls, size_t workers) {
    std::unique_ptr<httplib::Server> server;
    if (tls.enabled()) {
        server = std::make_unique<httplib::SSLServer>(tls.cert.c_str(), tls.key.c_str());
    } else {
        server = std::make_unique<httplib::Server>();
    }
    server->new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
    // Without TCP_NODELAY a response written in two pieces (headers, then body) on a reused
    // connection waits for the client's delayed ACK: ~40 ms added to every page but the first.
    server->set_tcp_nodelay(true);
    server->set_keep_alive_max_count(10000);
    server->set_payload_max_length(4 << 20);
    return server;
}

// cpp-httplib 0.11 binds with SO_REUSEPORT, so a second process could bind an explicit port
// that is already served and share its connections. (Ephemeral binds are safe: the kernel
// never autobinds onto a reuseport group.) Probe with a plain SO_REUSEADDR socket, which fails
// on any listener but not on TIME_WAIT leftovers of a previous run.
bool port_is_free(int port) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    return ok;
}

// Every start-of-day anchor yields the same data for the same seed all day long.
int64_t day_anchor(int64_t now_ms) {
    return now_ms - now_ms % 86'400'000;
}

}  // namespace

Simulator::Simulator(SimConfig config, TlsFiles tls)
    : tls_(std::move(tls)), config_(std::move(config)) {}

Simulator::~Simulator() {
    stop();
}

std::string Simulator::default_origin() const {
    return std::string(tls_.enabled() ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

SimConfig Simulator::config_snapshot() {
    std::lock_guard lock(config_mu_);
    return config_;
}

int64_t Simulator::sim_now_ms() {
    int64_t skew;
    {
        std::lock_guard lock(config_mu_);
        skew = config_.clock_skew_ms;
    }
    return real_now_ms() + skew;
}

std::string Simulator::next_request_id() {
    const uint64_t n = request_counter_.fetch_add(1) + 1;
    return stable_alnum(0x5EED, n, static_cast<uint64_t>(real_now_ms()), 20);
}

void Simulator::regenerate_locked_config(const SimConfig& config) {
    OrgShape shape;
    shape.seed = config.seed;
    shape.devices = config.devices;
    shape.invalid_devices = config.invalid_devices;
    shape.origin = default_origin();
    shape.anchor_ms = day_anchor(real_now_ms() + config.clock_skew_ms);
    org_.regenerate(shape);
}

bool Simulator::bind(int port, std::string& error) {
    main_ = make_server(tls_, kMainWorkers);
    decoy_ = make_server(tls_, kDecoyWorkers);
    decoy_evil_ = make_server(tls_, kDecoyWorkers);
    if (!main_->is_valid()) {
        error = "cannot create the TLS server (check --tls-cert/--tls-key)";
        return false;
    }
    if (port != 0 && !port_is_free(port)) {
        error = "127.0.0.1:" + std::to_string(port) + " is already in use";
        return false;
    }
    port_ = port == 0 ? main_->bind_to_any_port("127.0.0.1")
                      : (main_->bind_to_port("127.0.0.1", port) ? port : -1);
    if (port_ <= 0) {
        error = "cannot bind 127.0.0.1:" + std::to_string(port);
        return false;
    }
    decoy_port_ = decoy_->bind_to_any_port("127.0.0.1");
    if (decoy_port_ <= 0) {
        error = "cannot bind the decoy listener on 127.0.0.1";
        return false;
    }
    // Same port on another loopback address: the "host_evil" off-origin target. Best effort
    // (some sandboxes only route 127.0.0.1); GET /_sim/config tells whether it is bound.
    decoy_evil_bound_ = decoy_evil_->bind_to_port("127.0.0.2", decoy_port_);
    if (!decoy_evil_bound_)
        decoy_evil_error_ = "cannot bind 127.0.0.2:" + std::to_string(decoy_port_);

    main_->Get(".*",
               [this](const httplib::Request& q, httplib::Response& r) { handle_main(q, r); });
    main_->Post(".*",
                [this](const httplib::Request& q, httplib::Response& r) { handle_main(q, r); });
    main_->Put(".*",
               [this](const httplib::Request& q, httplib::Response& r) { handle_main(q, r); });
    main_->Patch(".*",
                 [this](const httplib::Request& q, httplib::Response& r) { handle_main(q, r); });
    main_->Delete(".*",
                  [this](const httplib::Request& q, httplib::Response& r) { handle_main(q, r); });
    for (auto* server : {decoy_.get(), decoy_evil_.get()}) {
        const char* name = server == decoy_.get() ? "decoy" : "decoy_evil";
        auto handler = [this, name](const httplib::Request& q, httplib::Response& r) {
            handle_decoy(name, q, r);
        };
        server->Get(".*", handler);
        server->Post(".*", handler);
        server->Put(".*", handler);
        server->Patch(".*", handler);
        server->Delete(".*", handler);
    }

    const SimConfig config = config_snapshot();
    regenerate_locked_config(config);
    {
        std::lock_guard lock(control_mu_);
        limiter_.configure(config.rate_limit, config.rate_window_ms, real_now_ms());
    }
    return true;
}

void Simulator::start() {
    threads_.emplace_back([this] { main_->listen_after_bind(); });
    threads_.emplace_back([this] { decoy_->listen_after_bind(); });
    if (decoy_evil_bound_) threads_.emplace_back([this] { decoy_evil_->listen_after_bind(); });
}

void Simulator::stop() {
    for (auto* server : {main_.get(), decoy_.get(), decoy_evil_.get()}) {
        if (server) server->stop();
    }
    for (auto& t : threads_) {
        if (t.joinable()) t.join();
    }
    threads_.clear();
}

void Simulator::handle_main(const httplib::Request& req, httplib::Response& res) {
    const auto [path_view, query_view] = split_target(req.target);
    const std::string path(path_view);
    if (path == "/_sim" || path.rfind("/_sim/", 0) == 0) {
        serve_control(req, res, path);
        res.set_header("Date", imf_fixdate(sim_now_ms()));
        res.set_header("X-Okta-Request-Id", next_request_id());
        if (config_snapshot().verbose) {
            std::fprintf(stderr, "okta-sim: %s %s -> %d\n", req.method.c_str(), req.target.c_str(),
                         res.status);
        }
        return;
    }

    Exchange ex(req, res, config_snapshot());
    ex.path = path;
    ex.raw_query = std::string(query_view);
    ex.request_id = next_request_id();
    ex.scheme = tls_.enabled() ? "https" : "http";
    ex.host = req.get_header_value("Host");
    if (ex.host.empty()) ex.host = "127.0.0.1:" + std::to_string(port_);
    ex.had_authorization = req.has_header("Authorization");
    const std::string authorization = req.get_header_value("Authorization");
    ex.valid_auth = ex.had_authorization && authorization == "SSWS " + ex.cfg.token;
    for (const char* scheme : {"Bearer ", "DPoP "}) {
        if (authorization.rfind(scheme, 0) == 0) {
            ex.oauth_scheme = std::string(scheme, std::strlen(scheme) - 1);
            ex.oauth_token = authorization.substr(std::strlen(scheme));
        }
    }

    if (ex.cfg.latency_ms > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(ex.cfg.latency_ms));
    serve_okta(ex);

    res.set_header("Date", imf_fixdate(real_now_ms() + ex.cfg.clock_skew_ms));
    res.set_header("X-Okta-Request-Id", ex.request_id);
    if (ex.is_api) {
        res.set_header("X-Rate-Limit-Limit", std::to_string(ex.rl_limit));
        res.set_header("X-Rate-Limit-Remaining", std::to_string(ex.rl_remaining));
        res.set_header("X-Rate-Limit-Reset", std::to_string(ex.rl_reset_s));
    }

    const int status = ex.dropped ? 0 : res.status;
    std::string accept_encoding;
    for (std::size_t i = 0; i < req.get_header_value_count("Accept-Encoding"); ++i) {
        if (i > 0) accept_encoding += ", ";
        accept_encoding += req.get_header_value("Accept-Encoding", i);
    }
    {
        std::lock_guard lock(control_mu_);
        ++stats_.requests;
        if (ex.page_served) ++stats_.device_pages_served;
        stats_.record({req.method, req.target, status, ex.valid_auth, ex.had_authorization,
                       ex.fault_name, std::move(accept_encoding)});
    }
    if (ex.dropped && !shutdown_connection(req.local_port, req.remote_addr, req.remote_port)) {
        std::fprintf(stderr, "okta-sim: drop_connection: socket not found\n");
    }
    if (ex.cfg.verbose) {
        // Never the Authorization value: only the request line and the outcome.
        std::fprintf(stderr, "okta-sim: %s %s -> %d%s%s\n", req.method.c_str(), req.target.c_str(),
                     status, ex.fault_name.empty() ? "" : " fault=", ex.fault_name.c_str());
    }
}

void Simulator::handle_decoy(const char* listener, const httplib::Request& req,
                             httplib::Response& res) {
    {
        std::lock_guard lock(control_mu_);
        stats_.record_decoy({listener, req.method, req.get_header_value("Host"), req.target,
                             req.has_header("Authorization")});
    }
    // Looks like a harmless last page, so a client that follows the link carries on as if
    // nothing happened: only the stats tell.
    set_json(res, 200, "[]");
    res.set_header("Date", imf_fixdate(sim_now_ms()));
    res.set_header("X-Okta-Request-Id", next_request_id());
    if (config_snapshot().verbose) {
        std::fprintf(stderr, "okta-sim[%s]: %s %s -> 200 (authorization %s)\n", listener,
                     req.method.c_str(), req.target.c_str(),
                     req.has_header("Authorization") ? "present" : "absent");
    }
}

}  // namespace oktasim
