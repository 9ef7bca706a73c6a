#include "fake_server.h"

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
