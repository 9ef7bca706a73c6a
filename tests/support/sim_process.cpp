#include "sim_process.h"

#include <httplib.h>
#include <signal.h>

#include <stdexcept>

namespace testsupport {

SimProcess::SimProcess(const std::string& binary, std::vector<std::string> args,
                       std::chrono::seconds start_timeout) {
    for (const auto& a : args)
        if (a == "--tls-cert") tls_ = true;
    std::vector<std::string> argv{binary, "--port", "0"};
    argv.insert(argv.end(), args.begin(), args.end());
    process_ = std::make_unique<Process>(argv);
    // Generous: okta-sim generates its devices before it listens (50,000 take seconds). A
    // simulator that dies early ends the wait at once (EOF).
    auto line = process_->wait_for_line("LISTENING ", start_timeout);
    if (!line) {
        auto res = process_->wait(std::chrono::seconds(2));
        throw std::runtime_error("simulator " + binary + " did not start: " + res.err);
    }
    port_ = std::stoi(line->substr(line->find("LISTENING ") + 10));
}

SimProcess::~SimProcess() {
    if (process_ && process_->running()) stop();
}

std::string SimProcess::base_url() const {
    return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

namespace {

// The control API of a TLS simulator is on its TLS port; tests don't verify its throw-away
// certificate for control calls (the product code under test always verifies).
template <typename Call>
SimProcess::Reply control_call(const std::string& base_url, Call&& call) {
    httplib::Client c(base_url);
    c.enable_server_certificate_verification(false);
    c.set_read_timeout(30, 0);
    auto r = call(c);
    if (!r) return {0, "transport error: " + httplib::to_string(r.error())};
    return {r->status, r->body};
}

}  // namespace

SimProcess::Reply SimProcess::get(const std::string& path) const {
    return control_call(base_url(), [&](httplib::Client& c) { return c.Get(path.c_str()); });
}

SimProcess::Reply SimProcess::post(const std::string& path, const std::string& json_body) const {
    return control_call(base_url(), [&](httplib::Client& c) {
        return c.Post(path.c_str(), json_body, "application/json");
    });
}

namespace {

nlohmann::json parse_ok(const SimProcess::Reply& reply, const std::string& what) {
    if (reply.status != 200) {
        throw std::runtime_error(what + ": HTTP " + std::to_string(reply.status) + " " +
                                 reply.body.substr(0, 500));
    }
    return nlohmann::json::parse(reply.body);
}

}  // namespace

nlohmann::json SimProcess::get_json(const std::string& path) const {
    return parse_ok(get(path), "GET " + path);
}

nlohmann::json SimProcess::post_json(const std::string& path, const nlohmann::json& body) const {
    return parse_ok(post(path, body.dump()), "POST " + path);
}

ProcessResult SimProcess::stop() {
    process_->signal(SIGTERM);
    return process_->wait(std::chrono::seconds(10));
}

}  // namespace testsupport
