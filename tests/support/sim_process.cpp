#include "sim_process.h"

#include <httplib.h>
#include <signal.h>

#include <stdexcept>

namespace testsupport {

SimProcess::SimProcess(const std::string& binary, std::vector<std::string> args) {
    std::vector<std::string> argv{binary, "--port", "0"};
    argv.insert(argv.end(), args.begin(), args.end());
    process_ = std::make_unique<Process>(argv);
    auto line = process_->wait_for_line("LISTENING ", std::chrono::seconds(20));
    if (!line) {
        auto res = process_->wait(std::chrono::seconds(2));
        throw std::runtime_error("simulator " + binary + " did not start: " + res.err);
    }
    port_ = std::stoi(line->substr(line->find("LISTENING ") + 10));
}

SimProcess::~SimProcess() {
    if (process_ && process_->running()) stop();
}

std::string SimProcess::base_url(bool tls) const {
    return std::string(tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

SimProcess::Reply SimProcess::get(const std::string& path) const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(30, 0);
    auto r = c.Get(path.c_str());
    if (!r) return {0, "transport error: " + httplib::to_string(r.error())};
    return {r->status, r->body};
}

SimProcess::Reply SimProcess::post(const std::string& path, const std::string& json_body) const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(30, 0);
    auto r = c.Post(path.c_str(), json_body, "application/json");
    if (!r) return {0, "transport error: " + httplib::to_string(r.error())};
    return {r->status, r->body};
}

ProcessResult SimProcess::stop() {
    process_->signal(SIGTERM);
    return process_->wait(std::chrono::seconds(10));
}

}  // namespace testsupport
