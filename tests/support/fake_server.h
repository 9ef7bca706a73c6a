// A loopback HTTP server answering every request with one function: the stand-in for what can
// sit between this machine and a service (a proxy answering 502, a gateway, a captive portal's
// page) in the tests that must tell such an answer from the service's. Counts requests; stops
// when destroyed.
#pragma once

#include <httplib.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace testsupport {

class FakeServer {
public:
    using Answer = std::function<void(const httplib::Request&, httplib::Response&)>;
    // Binds 127.0.0.1 on a free port and serves; throws std::runtime_error when it cannot bind.
    explicit FakeServer(Answer answer);
    ~FakeServer();
    FakeServer(const FakeServer&) = delete;
    FakeServer& operator=(const FakeServer&) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    int requests() const { return requests_; }

private:
    Answer answer_;
    httplib::Server server_;
    std::thread thread_;
    int port_ = 0;
    std::atomic<int> requests_{0};
};

// A gateway's answer: 502, an HTML page, its own Server header (fake-gateway/1.0).
void bad_gateway(const httplib::Request&, httplib::Response& res);

}  // namespace testsupport
