// The libcurl client against real servers on loopback: cpp-httplib servers started inside the
// test (plain and TLS with certificates generated at test time) and a raw TCP server for
// misbehaviour httplib cannot produce (truncated bodies, empty replies).
#include "tls_test_certs.h"

#include <asset_sdk/http_client.h>
#include <temp_dir.h>

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

using asset_sdk::HttpClientOptions;
using asset_sdk::HttpRequest;
using asset_sdk::HttpResult;
using asset_sdk::kBodyPadding;
using asset_sdk::make_curl_client;
using asset_sdk::Millis;
using asset_sdk::TransportError;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

// An httplib server on 127.0.0.1:<ephemeral>, served from a thread for the test's lifetime.
class TestServer {
public:
    explicit TestServer(
        std::unique_ptr<httplib::Server> server = std::make_unique<httplib::Server>())
        : server_(std::move(server)) {
        REQUIRE(server_->is_valid());
        server_->set_keep_alive_timeout(1);  // idle keep-alive connections must not delay stop
    }
    ~TestServer() {
        released_ = true;
        server_->stop();
        if (thread_.joinable()) thread_.join();
    }

    httplib::Server& http() { return *server_; }

    void start() {
        port_ = server_->bind_to_any_port("127.0.0.1");
        REQUIRE(port_ > 0);
        thread_ = std::thread([this] { server_->listen_after_bind(); });
        while (!server_->is_running()) std::this_thread::sleep_for(1ms);
    }

    std::string url(const std::string& path, const std::string& scheme = "http",
                    const std::string& host = "127.0.0.1") const {
        return scheme + "://" + host + ":" + std::to_string(port_) + path;
    }

    // For handlers that must stay busy: blocks until the test ends (or 10 s).
    void hold() const {
        const auto until = Clock::now() + 10s;
        while (!released_ && Clock::now() < until) std::this_thread::sleep_for(5ms);
    }

private:
    std::unique_ptr<httplib::Server> server_;
    std::thread thread_;
    int port_ = 0;
    std::atomic<bool> released_{false};
};

// Accepts one connection, reads the request head, writes `reply` verbatim, closes.
class RawServer {
public:
    explicit RawServer(std::string reply) : reply_(std::move(reply)) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        REQUIRE(fd_ >= 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        REQUIRE(::listen(fd_, 4) == 0);
        socklen_t len = sizeof addr;
        REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { serve_one(); });
    }
    ~RawServer() {
        ::shutdown(fd_, SHUT_RDWR);  // unblocks accept() if the client never came
        thread_.join();
        ::close(fd_);
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

private:
    void serve_one() {
        const int conn = ::accept(fd_, nullptr, nullptr);
        if (conn < 0) return;
        std::string head;
        char buf[1024];
        while (head.find("\r\n\r\n") == std::string::npos) {
            const ssize_t n = ::recv(conn, buf, sizeof buf, 0);
            if (n <= 0) break;
            head.append(buf, static_cast<std::size_t>(n));
        }
        if (!reply_.empty()) (void)::send(conn, reply_.data(), reply_.size(), MSG_NOSIGNAL);
        ::close(conn);
    }

    std::string reply_;
    int fd_ = -1;
    int port_ = 0;
    std::thread thread_;
};

// A loopback port nothing listens on: bound once to get a free number, then released.
int closed_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    ::close(fd);
    return ntohs(addr.sin_port);
}

HttpRequest get(const std::string& url, Millis timeout = Millis(5'000)) {
    HttpRequest r;
    r.url = url;
    r.timeout = timeout;
    return r;
}

// Options with one field changed (designated initializers would trip -Wmissing-field-initializers).
HttpClientOptions options_with(const std::function<void(HttpClientOptions&)>& set) {
    HttpClientOptions o;
    set(o);
    return o;
}

std::string describe(const HttpResult& r) {
    return std::string(asset_sdk::transport_error_text(r.error)) + ": " + r.error_message;
}

}  // namespace

TEST_CASE("status, headers (lower-cased, repeats kept), body, request headers and UA") {
    TestServer server;
    std::mutex mu;
    std::string seen_auth, seen_ua, seen_custom;
    server.http().Get("/api/v1/devices", [&](const httplib::Request& req, httplib::Response& res) {
        {
            std::lock_guard lock(mu);
            seen_auth = req.get_header_value("Authorization");
            seen_ua = req.get_header_value("User-Agent");
            seen_custom = req.get_header_value("X-Empty");
        }
        res.status = 207;
        res.set_header("Link", "<http://127.0.0.1/a>; rel=\"self\"");
        res.set_header("Link", "<http://127.0.0.1/b>; rel=\"next\"");
        res.set_header("X-Rate-Limit-Remaining", "42");
        res.set_content("[{\"id\":\"guo1\"}]", "application/json");
    });
    server.start();

    auto client = make_curl_client(
        options_with([&](HttpClientOptions& o) { o.user_agent = "asset-host-test/1.0"; }));
    HttpRequest req = get(server.url("/api/v1/devices?limit=200"));
    req.headers = {{"Authorization", "SSWS token-value"}, {"X-Empty", ""}};
    const HttpResult r = client->perform(req);
    REQUIRE_MESSAGE(r.ok(), describe(r));
    CHECK(r.error == TransportError::kNone);
    CHECK(r.response.status == 207);
    CHECK(r.response.body == "[{\"id\":\"guo1\"}]");
    CHECK(r.response.body.capacity() >= r.response.body.size() + kBodyPadding);

    const auto links = r.response.header_values("LINK");
    REQUIRE(links.size() == 2);
    CHECK(links[0] == "<http://127.0.0.1/a>; rel=\"self\"");
    CHECK(links[1] == "<http://127.0.0.1/b>; rel=\"next\"");
    CHECK(r.response.header("x-rate-limit-remaining") == "42");
    CHECK(r.response.header("X-Rate-Limit-Remaining") == "42");
    CHECK_FALSE(r.response.header("x-missing"));
    for (const auto& [name, value] : r.response.headers) {
        CAPTURE(name);
        CHECK(std::none_of(name.begin(), name.end(), [](char c) { return c >= 'A' && c <= 'Z'; }));
    }

    std::lock_guard lock(mu);
    CHECK(seen_auth == "SSWS token-value");
    CHECK(seen_ua == "asset-host-test/1.0");
    CHECK(seen_custom == "");
}

TEST_CASE("POST and PUT send the body; HEAD and DELETE use their method") {
    TestServer server;
    auto echo = [](const httplib::Request& req, httplib::Response& res) {
        res.set_header("X-Method", req.method);
        res.set_header("X-Content-Type", req.get_header_value("Content-Type"));
        res.set_content(req.body, "text/plain");
    };
    server.http().Post("/echo", echo);
    server.http().Put("/echo", echo);
    server.http().Delete("/echo", echo);
    server.http().Get("/echo", echo);  // httplib answers HEAD through the GET handler
    server.start();
    auto client = make_curl_client({});

    std::string big(300'000, 'x');  // larger than one socket buffer
    for (std::size_t i = 0; i < big.size(); i += 997) big[i] = static_cast<char>('a' + i % 26);
    for (const std::string method : {"POST", "PUT"}) {
        CAPTURE(method);
        HttpRequest req = get(server.url("/echo"));
        req.method = method;
        req.headers = {{"Content-Type", "application/json"}};
        req.body = big;
        const HttpResult r = client->perform(req);
        REQUIRE_MESSAGE(r.ok(), describe(r));
        CHECK(r.response.status == 200);
        CHECK(r.response.header("x-method") == method);
        CHECK(r.response.header("x-content-type") == "application/json");
        CHECK(r.response.body == big);
    }

    HttpRequest empty_post = get(server.url("/echo"));
    empty_post.method = "POST";
    const HttpResult ep = client->perform(empty_post);
    REQUIRE_MESSAGE(ep.ok(), describe(ep));
    CHECK(ep.response.header("x-method") == "POST");
    CHECK(ep.response.body.empty());
    CHECK(ep.response.body.capacity() >= kBodyPadding);

    HttpRequest del = get(server.url("/echo"));
    del.method = "DELETE";
    const HttpResult d = client->perform(del);
    REQUIRE_MESSAGE(d.ok(), describe(d));
    CHECK(d.response.header("x-method") == "DELETE");

    HttpRequest head = get(server.url("/echo"));
    head.method = "HEAD";
    const HttpResult h = client->perform(head);
    REQUIRE_MESSAGE(h.ok(), describe(h));
    CHECK(h.response.status == 200);
    CHECK(h.response.header("x-method") == "HEAD");
    CHECK(h.response.body.empty());

    // After a POST, a GET on the same handle must really be a GET again.
    const HttpResult g = client->perform(get(server.url("/echo")));
    REQUIRE_MESSAGE(g.ok(), describe(g));
    CHECK(g.response.header("x-method") == "GET");
}

TEST_CASE("keep-alive: consecutive requests reuse one connection") {
    TestServer server;
    std::mutex mu;
    std::vector<int> client_ports;
    server.http().Get("/p", [&](const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mu);
        client_ports.push_back(req.remote_port);
        res.set_content("ok", "text/plain");
    });
    server.start();
    {
        auto client = make_curl_client({});
        for (int i = 0; i < 3; ++i) REQUIRE(client->perform(get(server.url("/p"))).ok());
    }
    std::lock_guard lock(mu);
    REQUIRE(client_ports.size() == 3);
    CHECK(client_ports[0] == client_ports[1]);
    CHECK(client_ports[1] == client_ports[2]);
}

TEST_CASE("redirects are returned, never followed") {
    TestServer server;
    std::atomic<int> target_hits{0};
    server.http().Get("/from", [&](const httplib::Request&, httplib::Response& res) {
        res.set_redirect("/to", 302);
    });
    server.http().Get("/to", [&](const httplib::Request&, httplib::Response& res) {
        ++target_hits;
        res.set_content("moved here", "text/plain");
    });
    server.start();
    auto client = make_curl_client({});
    HttpRequest req = get(server.url("/from"));
    req.headers = {{"Authorization", "Bearer must-not-travel"}};
    const HttpResult r = client->perform(req);
    REQUIRE_MESSAGE(r.ok(), describe(r));
    CHECK(r.response.status == 302);
    CHECK(r.response.header("location") == "/to");
    CHECK(target_hits == 0);
}

TEST_CASE("gzip is negotiated and decoded transparently") {
    TestServer server;
    std::string seen_accept_encoding;
    std::string payload;
    for (int i = 0; i < 2000; ++i) payload += "{\"id\":\"guo" + std::to_string(i) + "\"},";
    server.http().Get("/big", [&](const httplib::Request& req, httplib::Response& res) {
        seen_accept_encoding = req.get_header_value("Accept-Encoding");
        res.set_content(payload, "application/json");  // httplib compresses when accepted
    });
    server.start();
    auto client = make_curl_client({});
    const HttpResult r = client->perform(get(server.url("/big")));
    REQUIRE_MESSAGE(r.ok(), describe(r));
    CHECK(seen_accept_encoding.find("gzip") != std::string::npos);
    CHECK(r.response.header("content-encoding").has_value());
    CHECK(r.response.body == payload);
    CHECK(r.response.body.capacity() >= r.response.body.size() + kBodyPadding);
}

TEST_CASE("decode_body false: the body arrives as the server encoded it") {
    TestServer server;
    std::string payload;
    for (int i = 0; i < 2000; ++i) payload += "{\"id\":\"guo" + std::to_string(i) + "\"},";
    server.http().Get("/big", [&](const httplib::Request&, httplib::Response& res) {
        res.set_content(payload, "application/json");  // httplib compresses when accepted
    });
    server.start();
    auto client = make_curl_client({});
    HttpRequest req = get(server.url("/big"));
    req.headers = {{"Accept-Encoding", "gzip"}};
    req.decode_body = false;
    const HttpResult r = client->perform(req);
    REQUIRE_MESSAGE(r.ok(), describe(r));
    CHECK(r.response.header("content-encoding") == std::optional<std::string_view>("gzip"));
    REQUIRE(r.response.body.size() > 2);
    CHECK(static_cast<unsigned char>(r.response.body[0]) == 0x1f);  // the gzip magic
    CHECK(static_cast<unsigned char>(r.response.body[1]) == 0x8b);
    CHECK(r.response.body.size() < payload.size() / 2);
    // The same client decodes again for the next request that does not say otherwise.
    const HttpResult decoded = client->perform(get(server.url("/big")));
    REQUIRE_MESSAGE(decoded.ok(), describe(decoded));
    CHECK(decoded.response.body == payload);
}

TEST_CASE("decode_body false: the server sees the caller's Accept-Encoding only, or none") {
    TestServer server;
    std::mutex mu;
    std::vector<std::string> seen;  // per request: every Accept-Encoding value, "|"-separated
    std::string payload;
    for (int i = 0; i < 2000; ++i) payload += "{\"id\":\"guo" + std::to_string(i) + "\"},";
    server.http().Get("/big", [&](const httplib::Request& req, httplib::Response& res) {
        std::string values = "n=" + std::to_string(req.get_header_value_count("Accept-Encoding"));
        for (std::size_t i = 0; i < req.get_header_value_count("Accept-Encoding"); ++i) {
            values += "|" + req.get_header_value("Accept-Encoding", i);
        }
        {
            std::lock_guard lock(mu);
            seen.push_back(values);
        }
        res.set_content(payload, "application/json");  // httplib compresses when accepted
    });
    server.start();
    auto client = make_curl_client({});

    // What the Okta plugin sends: exactly its own "gzip", not libcurl's list (br, zstd, ...).
    HttpRequest own = get(server.url("/big"));
    own.headers = {{"Accept-Encoding", "gzip"}};
    own.decode_body = false;
    const HttpResult gz = client->perform(own);
    REQUIRE_MESSAGE(gz.ok(), describe(gz));
    CHECK(gz.response.header("content-encoding") == std::optional<std::string_view>("gzip"));

    // No header from the caller: none on the wire, and the body comes as it is.
    HttpRequest none = get(server.url("/big"));
    none.decode_body = false;
    const HttpResult plain = client->perform(none);
    REQUIRE_MESSAGE(plain.ok(), describe(plain));
    CHECK_FALSE(plain.response.header("content-encoding").has_value());
    CHECK(plain.response.body == payload);

    // The same client still offers its own list when it decodes.
    const HttpResult decoded = client->perform(get(server.url("/big")));
    REQUIRE_MESSAGE(decoded.ok(), describe(decoded));
    CHECK(decoded.response.body == payload);

    std::lock_guard lock(mu);
    REQUIRE(seen.size() == 3);
    CHECK(seen[0] == "n=1|gzip");
    CHECK(seen[1] == "n=0");
    CHECK(seen[2].rfind("n=1|", 0) == 0);
    CHECK(seen[2].find("gzip") != std::string::npos);
}

TEST_CASE("timeout: a server that never answers gives kTimeout within the request timeout") {
    TestServer server;
    server.http().Get("/slow", [&](const httplib::Request&, httplib::Response& res) {
        server.hold();
        res.set_content("late", "text/plain");
    });
    server.start();
    auto client = make_curl_client({});
    const auto t0 = Clock::now();
    const HttpResult r = client->perform(get(server.url("/slow"), Millis(300)));
    const auto elapsed = Clock::now() - t0;
    CHECK_MESSAGE(r.error == TransportError::kTimeout, describe(r));
    CHECK(elapsed >= 250ms);
    CHECK(elapsed < 2s);
    CHECK_FALSE(r.error_message.empty());
}

TEST_CASE("connection refused, and error text never carries request headers") {
    auto client = make_curl_client({});
    HttpRequest req = get("http://127.0.0.1:" + std::to_string(closed_port()) + "/x");
    req.headers = {{"Authorization", "SSWS 00secret-token-abc"}};
    const HttpResult r = client->perform(req);
    CHECK_MESSAGE(r.error == TransportError::kConnectionRefused, describe(r));
    CHECK(r.error_message.find("00secret-token-abc") == std::string::npos);
    CHECK(r.error_message.find("Authorization") == std::string::npos);
    CHECK_FALSE(r.error_message.empty());
}

TEST_CASE("DNS failure is reported as kDnsFailed, without leaving the machine") {
    // A 70-character label cannot be encoded in a DNS query, so the system resolver fails
    // locally before sending anything (verified with strace: no UDP socket is opened). A plain
    // "x.invalid" name would be sent to the configured DNS server, which is not loopback.
    const std::string host = std::string(70, 'a') + ".invalid";
    auto client = make_curl_client({});
    const auto t0 = Clock::now();
    const HttpResult r = client->perform(get("http://" + host + "/", Millis(3'000)));
    const auto elapsed = Clock::now() - t0;
    if (r.error == TransportError::kTimeout) {
        MESSAGE("resolver hung in this environment; DNS case skipped");
        return;
    }
    CHECK_MESSAGE(r.error == TransportError::kDnsFailed, describe(r));
    CHECK(elapsed < 3s);
}

TEST_CASE("invalid or non-http URLs give kInvalidUrl") {
    auto client = make_curl_client({});
    for (const std::string url : {"ftp://127.0.0.1/file", "file:///etc/passwd",
                                  "gopher://127.0.0.1/", "http://[::1/", "not a url"}) {
        CAPTURE(url);
        const HttpResult r = client->perform(get(url));
        CHECK_MESSAGE(r.error == TransportError::kInvalidUrl, describe(r));
    }
}

TEST_CASE("the server closing mid-body, or sending nothing, is kConnectionLost") {
    auto client = make_curl_client({});
    {
        RawServer raw(
            "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly forty bytes of the promised "
            "thousand");
        const HttpResult r = client->perform(get(raw.url()));
        CHECK_MESSAGE(r.error == TransportError::kConnectionLost, describe(r));
        CHECK(r.response.body.empty());  // no partial data handed out as if complete
    }
    {
        RawServer raw("");
        const HttpResult r = client->perform(get(raw.url()));
        CHECK_MESSAGE(r.error == TransportError::kConnectionLost, describe(r));
    }
    {
        // Chunked body cut before the terminating chunk.
        RawServer raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
        const HttpResult r = client->perform(get(raw.url()));
        CHECK_MESSAGE(r.error == TransportError::kConnectionLost, describe(r));
    }
}

TEST_CASE("bodies over max_body_bytes give kTooLarge (announced or streamed)") {
    TestServer server;
    const std::string big(50'000, 'z');
    server.http().Get("/sized", [&](const httplib::Request&, httplib::Response& res) {
        res.set_content(big, "application/octet-stream");
    });
    server.http().Get("/chunked", [&](const httplib::Request&, httplib::Response& res) {
        res.set_chunked_content_provider("application/octet-stream",
                                         [&](size_t, httplib::DataSink& sink) {
                                             for (int i = 0; i < 10; ++i) {
                                                 sink.write(big.data(), 5'000);
                                             }
                                             sink.done();
                                             return true;
                                         });
    });
    server.http().Get("/small", [&](const httplib::Request&, httplib::Response& res) {
        res.set_content(big.substr(0, 10'000), "application/octet-stream");
    });
    server.start();

    auto client =
        make_curl_client(options_with([&](HttpClientOptions& o) { o.max_body_bytes = 10'000; }));
    for (const std::string path : {"/sized", "/chunked"}) {
        CAPTURE(path);
        const HttpResult r = client->perform(get(server.url(path)));
        CHECK_MESSAGE(r.error == TransportError::kTooLarge, describe(r));
        CHECK(r.error_message.find("10000") != std::string::npos);
        CHECK(r.response.body.empty());
    }
    // Exactly at the limit is fine, and the client still works after aborted transfers.
    const HttpResult ok = client->perform(get(server.url("/small")));
    REQUIRE_MESSAGE(ok.ok(), describe(ok));
    CHECK(ok.response.body.size() == 10'000);
}

TEST_CASE("cancellation aborts a slow response promptly with kCancelled") {
    TestServer server;
    server.http().Get("/stall", [&](const httplib::Request&, httplib::Response& res) {
        res.set_chunked_content_provider("text/plain", [&](size_t, httplib::DataSink& sink) {
            sink.write("first chunk", 11);  // headers and some body arrive, then nothing
            server.hold();
            sink.done();
            return true;
        });
    });
    server.start();

    std::atomic<bool> stop{false};
    auto client = make_curl_client(
        options_with([&](HttpClientOptions& o) { o.cancelled = [&] { return stop.load(); }; }));
    std::atomic<std::int64_t> stop_at{0};
    std::thread canceller([&] {
        std::this_thread::sleep_for(300ms);
        stop_at = Clock::now().time_since_epoch().count();
        stop = true;
    });
    const HttpResult r = client->perform(get(server.url("/stall"), Millis(10'000)));
    const auto returned = Clock::now();
    canceller.join();
    CHECK_MESSAGE(r.error == TransportError::kCancelled, describe(r));
    const auto latency = returned.time_since_epoch() - Clock::duration(stop_at.load());
    CHECK(latency < 300ms);  // polled every 50 ms; generous for a loaded machine

    // Already cancelled: nothing is sent.
    const HttpResult again = client->perform(get(server.url("/stall")));
    CHECK(again.error == TransportError::kCancelled);
}

TEST_CASE("proxy failures are kProxy: proxy refusing connections, or refusing CONNECT") {
    TestServer server;
    server.http().Get("/x", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("direct", "text/plain");
    });
    server.start();
    {
        auto client = make_curl_client(options_with([&](HttpClientOptions& o) {
            o.proxy = "http://127.0.0.1:" + std::to_string(closed_port());
        }));
        const HttpResult r = client->perform(get(server.url("/x")));
        CHECK_MESSAGE(r.error == TransportError::kProxy, describe(r));
    }
    {
        RawServer proxy("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
        auto client =
            make_curl_client(options_with([&](HttpClientOptions& o) { o.proxy = proxy.url(); }));
        const HttpResult r = client->perform(get(server.url("/x", "https")));
        CHECK_MESSAGE(r.error == TransportError::kProxy, describe(r));
    }
}

TEST_CASE("header values with line breaks are refused, not sent, and not echoed") {
    TestServer server;
    std::atomic<int> hits{0};
    server.http().Get("/x", [&](const httplib::Request&, httplib::Response& res) {
        ++hits;
        res.set_content("ok", "text/plain");
    });
    server.start();
    auto client = make_curl_client({});
    HttpRequest req = get(server.url("/x"));
    req.headers = {{"Authorization", "SSWS tok3n\r\nX-Injected: 1"}};
    const HttpResult r = client->perform(req);
    CHECK(r.error == TransportError::kOther);
    CHECK(r.error_message.find("Authorization") != std::string::npos);
    CHECK(r.error_message.find("tok3n") == std::string::npos);
    CHECK(hits == 0);
    CHECK(client->perform(get(server.url("/x"))).ok());
}

// --- TLS -------------------------------------------------------------------------------------

namespace {
std::unique_ptr<TestServer> start_tls_server(const testsupport::CertFiles& files) {
    auto server = std::make_unique<TestServer>(
        std::make_unique<httplib::SSLServer>(files.cert.c_str(), files.key.c_str()));
    server->http().Get("/hello", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("secure hello", "text/plain");
    });
    server->start();
    return server;
}
}  // namespace

TEST_CASE("TLS: self-signed certificate is untrusted by default, trusted via ca_file") {
    testsupport::TempDir dir;
    const auto files = testsupport::write_self_signed_cert(dir.path(), "good");
    auto server = start_tls_server(files);

    auto system_trust = make_curl_client({});
    const HttpResult untrusted = system_trust->perform(get(server->url("/hello", "https")));
    CHECK_MESSAGE(untrusted.error == TransportError::kTlsUntrusted, describe(untrusted));

    auto with_ca = make_curl_client(
        options_with([&](HttpClientOptions& o) { o.ca_file = files.cert.string(); }));
    for (const std::string host : {"127.0.0.1", "localhost"}) {
        CAPTURE(host);
        const HttpResult r = with_ca->perform(get(server->url("/hello", "https", host)));
        REQUIRE_MESSAGE(r.ok(), describe(r));
        CHECK(r.response.status == 200);
        CHECK(r.response.body == "secure hello");
    }
}

TEST_CASE("TLS: certificate for another name gives kTlsHostMismatch") {
    testsupport::TempDir dir;
    testsupport::CertSpec spec;
    spec.common_name = "other.example";
    spec.dns_names = {"other.example"};
    spec.ip_addresses = {"10.9.8.7"};
    const auto files = testsupport::write_self_signed_cert(dir.path(), "other", spec);
    auto server = start_tls_server(files);
    auto client = make_curl_client(
        options_with([&](HttpClientOptions& o) { o.ca_file = files.cert.string(); }));
    for (const std::string host : {"127.0.0.1", "localhost"}) {
        CAPTURE(host);
        const HttpResult r = client->perform(get(server->url("/hello", "https", host)));
        CHECK_MESSAGE(r.error == TransportError::kTlsHostMismatch, describe(r));
    }
}

TEST_CASE("TLS: expired and not-yet-valid certificates give kTlsExpired") {
    testsupport::TempDir dir;
    testsupport::CertSpec expired;
    expired.not_before = -std::chrono::hours(48);
    expired.not_after = -std::chrono::hours(24);
    testsupport::CertSpec future;
    future.not_before = std::chrono::hours(24);
    future.not_after = std::chrono::hours(48);
    for (const auto& [name, spec] :
         {std::pair{std::string("expired"), expired}, std::pair{std::string("future"), future}}) {
        CAPTURE(name);
        const auto files = testsupport::write_self_signed_cert(dir.path(), name, spec);
        auto server = start_tls_server(files);
        auto client = make_curl_client(
            options_with([&](HttpClientOptions& o) { o.ca_file = files.cert.string(); }));
        const HttpResult r = client->perform(get(server->url("/hello", "https")));
        CHECK_MESSAGE(r.error == TransportError::kTlsExpired, describe(r));
    }
}

TEST_CASE("TLS: an unreadable ca_file is a TLS configuration error naming the file") {
    testsupport::TempDir dir;
    const auto files = testsupport::write_self_signed_cert(dir.path(), "good");
    auto server = start_tls_server(files);
    const std::string missing = (dir.path() / "missing-ca.pem").string();
    auto client =
        make_curl_client(options_with([&](HttpClientOptions& o) { o.ca_file = missing; }));
    const HttpResult r = client->perform(get(server->url("/hello", "https")));
    CHECK_MESSAGE(r.error == TransportError::kTlsOther, describe(r));
    CHECK(r.error_message.find("missing-ca.pem") != std::string::npos);
}

namespace {
testsupport::CertSpec named(const std::string& common_name) {
    testsupport::CertSpec spec;
    spec.common_name = common_name;
    return spec;
}

// Two servers, each with its own self-signed certificate (each its own CA): one plays a server
// signed by a CA of the system store, the other one signed by the extra CA of ca_file.
struct TwoAuthorities {
    testsupport::TempDir dir;
    // Distinct subjects, as two real CAs have (OpenSSL finds issuers by subject name).
    testsupport::CertFiles system_signed =
        testsupport::write_self_signed_cert(dir.path(), "sys", named("system-store-ca"));
    testsupport::CertFiles extra_signed =
        testsupport::write_self_signed_cert(dir.path(), "extra", named("extra-ca"));
    std::unique_ptr<TestServer> system_server = start_tls_server(system_signed);
    std::unique_ptr<TestServer> extra_server = start_tls_server(extra_signed);
    std::filesystem::path empty_dir = dir.path() / "no-certs";

    TwoAuthorities() { std::filesystem::create_directory(empty_dir); }

    // true when `client` completes a request to each server: {system, extra}.
    std::pair<bool, bool> trusted(asset_sdk::HttpClient& client) const {
        const HttpResult a = client.perform(get(system_server->url("/hello", "https")));
        const HttpResult b = client.perform(get(extra_server->url("/hello", "https")));
        for (const HttpResult* r : {&a, &b}) {
            if (!r->ok()) CHECK_MESSAGE(r->error == TransportError::kTlsUntrusted, describe(*r));
        }
        return {a.ok(), b.ok()};
    }
};

// A directory holding `cert` under OpenSSL's hashed name (<subject hash>.0), as
// update-ca-certificates lays out /etc/ssl/certs.
void hash_link(const std::filesystem::path& cert, const std::filesystem::path& dir) {
    FILE* f = std::fopen(cert.c_str(), "r");
    REQUIRE(f != nullptr);
    X509* x = PEM_read_X509(f, nullptr, nullptr, nullptr);
    std::fclose(f);
    REQUIRE(x != nullptr);
    char name[16];
    std::snprintf(name, sizeof name, "%08lx.0", X509_subject_name_hash(x));
    X509_free(x);
    std::filesystem::copy_file(cert, dir / name);
}
}  // namespace

TEST_CASE("TLS: ca_file adds to the system store (a bundle file): both are trusted at once") {
    TwoAuthorities t;
    auto options = [&](const std::string& ca_file) {
        return options_with([&](HttpClientOptions& o) {
            o.system_ca_file = t.system_signed.cert.string();
            o.system_ca_dir = t.empty_dir.string();
            o.ca_file = ca_file;
        });
    };
    auto both = make_curl_client(options(t.extra_signed.cert.string()));
    CHECK(t.trusted(*both) == std::pair{true, true});
    auto system_only = make_curl_client(options(""));
    CHECK(t.trusted(*system_only) == std::pair{true, false});
    // The system server's trust came from the system store: without it, only ca_file counts.
    auto extra_only = make_curl_client(options_with([&](HttpClientOptions& o) {
        o.system_ca_file = (t.dir.path() / "absent.pem").string();
        o.system_ca_dir = t.empty_dir.string();
        o.ca_file = t.extra_signed.cert.string();
    }));
    CHECK(t.trusted(*extra_only) == std::pair{false, true});
}

TEST_CASE("TLS: ca_file adds to a system store kept as a directory of hashed certificates") {
    TwoAuthorities t;
    const auto system_dir = t.dir.path() / "system-dir";
    std::filesystem::create_directory(system_dir);
    hash_link(t.system_signed.cert, system_dir);
    auto client = make_curl_client(options_with([&](HttpClientOptions& o) {
        o.system_ca_file = (t.dir.path() / "absent.pem").string();
        o.system_ca_dir = system_dir.string();
        o.ca_file = t.extra_signed.cert.string();
    }));
    CHECK(t.trusted(*client) == std::pair{true, true});
}

TEST_CASE("TLS: the system store is found through SSL_CERT_FILE / SSL_CERT_DIR when not given") {
    TwoAuthorities t;
    ::setenv("SSL_CERT_FILE", t.system_signed.cert.c_str(), 1);
    ::setenv("SSL_CERT_DIR", t.empty_dir.c_str(), 1);
    auto client = make_curl_client(
        options_with([&](HttpClientOptions& o) { o.ca_file = t.extra_signed.cert.string(); }));
    auto without = make_curl_client({});
    ::unsetenv("SSL_CERT_FILE");
    ::unsetenv("SSL_CERT_DIR");
    CHECK(t.trusted(*client) == std::pair{true, true});
    CHECK(t.trusted(*without) == std::pair{true, false});
    auto default_store = make_curl_client({});  // the machine's store trusts neither
    CHECK(t.trusted(*default_store) == std::pair{false, false});
}

TEST_CASE("TLS: plain HTTP spoken to a TLS port fails as a TLS or connection error") {
    TestServer plain;
    plain.http().Get("/hello", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("plain", "text/plain");
    });
    plain.start();
    auto client = make_curl_client({});
    const HttpResult r = client->perform(get(plain.url("/hello", "https"), Millis(3'000)));
    CHECK_MESSAGE(
        (r.error == TransportError::kTlsOther || r.error == TransportError::kConnectionLost),
        describe(r));
}

TEST_CASE("start() sends the request at once; finish() reads the answer later, untimed meanwhile") {
    TestServer server;
    std::mutex mu;
    std::vector<int> client_ports;
    std::atomic<int> arrived{0};
    server.http().Get("/p", [&](const httplib::Request& req, httplib::Response& res) {
        {
            std::lock_guard lock(mu);
            client_ports.push_back(req.remote_port);
        }
        ++arrived;
        res.set_content("page " + req.get_param_value("n"), "text/plain");
    });
    server.start();
    auto client = make_curl_client({});
    REQUIRE(client->perform(get(server.url("/p?n=1"))).ok());  // a kept-alive connection
    client->start(get(server.url("/p?n=2"), Millis(300)));
    const auto until = Clock::now() + 5s;
    while (arrived.load() < 2 && Clock::now() < until) std::this_thread::sleep_for(1ms);
    CHECK(arrived.load() == 2);  // the server has it before finish() is called
    // Longer than the request's timeout: the answer waits in the socket buffer, and the timeout
    // counts from finish().
    std::this_thread::sleep_for(500ms);
    const HttpResult r = client->finish();
    REQUIRE_MESSAGE(r.ok(), describe(r));
    CHECK(r.response.status == 200);
    CHECK(r.response.body == "page 2");
    CHECK(r.response.body.capacity() >= r.response.body.size() + kBodyPadding);
    REQUIRE(client->perform(get(server.url("/p?n=3"))).ok());
    std::lock_guard lock(mu);
    REQUIRE(client_ports.size() == 3);
    CHECK(client_ports[0] == client_ports[1]);  // all on one connection
    CHECK(client_ports[1] == client_ports[2]);
}

TEST_CASE("finish() times out from its own start; abandon() drops a request and its connection") {
    TestServer server;
    std::mutex mu;
    std::vector<int> fast_ports;  // the connection of each /fast request, in order
    server.http().Get("/slow", [&](const httplib::Request&, httplib::Response& res) {
        server.hold();
        res.set_content("late", "text/plain");
    });
    server.http().Get("/fast", [&](const httplib::Request& req, httplib::Response& res) {
        {
            std::lock_guard lock(mu);
            fast_ports.push_back(req.remote_port);
        }
        res.set_content("fast", "text/plain");
    });
    server.start();
    auto client = make_curl_client({});
    client->start(get(server.url("/slow"), Millis(300)));
    const auto t0 = Clock::now();
    const HttpResult timed_out = client->finish();
    const auto elapsed = Clock::now() - t0;
    CHECK_MESSAGE(timed_out.error == TransportError::kTimeout, describe(timed_out));
    CHECK(elapsed >= 250ms);
    CHECK(elapsed < 2s);
    CHECK(timed_out.error_message.find("timed out") != std::string::npos);

    REQUIRE(client->perform(get(server.url("/fast"))).ok());
    client->start(get(server.url("/slow")));  // on /fast's kept-alive connection
    client->abandon();
    const HttpResult nothing = client->finish();
    CHECK(nothing.error == TransportError::kOther);
    CHECK(nothing.error_message == "no request was started");
    const HttpResult after = client->perform(get(server.url("/fast")));
    REQUIRE_MESSAGE(after.ok(), describe(after));
    CHECK(after.response.body == "fast");
    // perform() abandons a started request too.
    client->start(get(server.url("/slow")));
    CHECK(client->perform(get(server.url("/fast"))).ok());
    std::lock_guard lock(mu);
    REQUIRE(fast_ports.size() == 3);
    // Each abandoned request's connection was closed: the next request came on a new one.
    CHECK(fast_ports[1] != fast_ports[0]);
    CHECK(fast_ports[2] != fast_ports[1]);
}

TEST_CASE("start(): a request refused before sending is reported by finish()") {
    TestServer server;
    std::atomic<int> hits{0};
    server.http().Get("/p", [&](const httplib::Request&, httplib::Response& res) {
        ++hits;
        res.set_content("ok", "text/plain");
    });
    server.start();
    std::atomic<bool> stop{false};
    auto client = make_curl_client(
        options_with([&](HttpClientOptions& o) { o.cancelled = [&] { return stop.load(); }; }));
    HttpRequest bad = get(server.url("/p"));
    bad.headers.emplace_back("X-Bad", "a\r\nInjected: yes");
    client->start(bad);
    const HttpResult refused = client->finish();
    CHECK(refused.error == TransportError::kOther);
    CHECK(refused.error_message.find("X-Bad") != std::string::npos);
    stop = true;
    client->start(get(server.url("/p")));
    CHECK(client->finish().error == TransportError::kCancelled);
    CHECK(hits.load() == 0);
}

namespace {

// A client with only perform(), as one written before start() existed: it inherits the default.
class PerformOnly final : public asset_sdk::HttpClient {
public:
    HttpResult perform(const HttpRequest& request) override {
        ++calls;
        return inner_->perform(request);
    }
    int calls = 0;

private:
    std::unique_ptr<asset_sdk::HttpClient> inner_ = make_curl_client({});
};

}  // namespace

TEST_CASE("the default start()/finish() send in finish(); abandon() sends nothing") {
    TestServer server;
    server.http().Get("/p", [&](const httplib::Request&, httplib::Response& res) {
        res.set_content("ok", "text/plain");
    });
    server.start();
    PerformOnly client;
    client.start(get(server.url("/p")));
    CHECK(client.calls == 0);
    const HttpResult r = client.finish();
    CHECK(client.calls == 1);
    REQUIRE_MESSAGE(r.ok(), describe(r));
    CHECK(r.response.body == "ok");
    client.start(get(server.url("/p")));
    client.abandon();
    CHECK(client.finish().error == TransportError::kOther);
    CHECK(client.calls == 1);
}
