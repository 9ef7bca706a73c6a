#include "fake_server.h"

#include <chrono>
#include <stdexcept>

namespace testsupport {

FakeServer::FakeServer(Answer answer) : answer_(std::move(answer)) {
    server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
        ++requests_;
        answer_(req, res);
        return httplib::Server::HandlerResponse::Handled;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("FakeServer: cannot bind a loopback port");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // A stop() before the listen loop runs would be lost and the join in the destructor would
    // wait forever: return only once it serves.
    for (int waited_ms = 0; !server_.is_running() && waited_ms < 10'000; ++waited_ms) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

FakeServer::~FakeServer() {
    server_.stop();
    thread_.join();
}

void bad_gateway(const httplib::Request&, httplib::Response& res) {
    res.status = 502;
    res.set_header("Server", "fake-gateway/1.0");
    res.set_content("<html><body>502 Bad Gateway</body></html>", "text/html");
}

}  // namespace testsupport
