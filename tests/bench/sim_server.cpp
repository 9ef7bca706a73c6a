#include "sim_server.h"

#include <process.h>

#include <stdexcept>

namespace bench {

namespace {

nlohmann::json parse_ok(const testsupport::SimProcess::Reply& reply, const std::string& what) {
    if (reply.status != 200) {
        throw std::runtime_error(what + ": HTTP " + std::to_string(reply.status) + " " +
                                 reply.body.substr(0, 300));
    }
    return nlohmann::json::parse(reply.body);
}

}  // namespace

nlohmann::json SimServer::get(const std::string& path) const {
    return parse_ok(process_.get(path), "GET " + path);
}

nlohmann::json SimServer::post(const std::string& path, const nlohmann::json& body) const {
    return parse_ok(process_.post(path, body.dump()), "POST " + path);
}

double SimServer::cpu_seconds_so_far() const {
    return testsupport::cpu_seconds_so_far(process_.pid());
}

}  // namespace bench
