#include "scrape.h"

#include <httplib.h>

#include <sstream>

namespace testsupport {

HttpAnswer http_get(const std::string& address, const std::string& path) {
    const auto colon = address.rfind(':');
    std::string host = address.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
    httplib::Client client(host, std::stoi(address.substr(colon + 1)));
    client.set_connection_timeout(2, 0);
    client.set_read_timeout(5, 0);
    auto r = client.Get(path);
    if (!r) return {};
    return {r->status, r->body};
}

std::string listening_address(const std::string& log_line) {
    const std::string key = "listening on ";
    const auto at = log_line.find(key);
    if (at == std::string::npos) return {};
    const auto from = at + key.size();
    const auto end = log_line.find_first_of(" \"", from);
    return log_line.substr(from, end == std::string::npos ? std::string::npos : end - from);
}

std::string wait_listening(Process& host) {
    const auto line = host.wait_for_err_line("listening on ", std::chrono::seconds(30));
    return line ? listening_address(*line) : std::string();
}

namespace {
// name{a="x",b="y"} value — label values here never hold quotes or commas.
std::optional<MetricSample> parse_line(const std::string& line) {
    if (line.empty() || line[0] == '#') return std::nullopt;
    MetricSample s;
    const auto brace = line.find('{');
    const auto space = line.rfind(' ');
    if (space == std::string::npos) return std::nullopt;
    std::size_t name_end = space;
    if (brace != std::string::npos && brace < space) {
        name_end = brace;
        const auto close = line.find('}', brace);
        std::stringstream labels(line.substr(brace + 1, close - brace - 1));
        std::string pair;
        while (std::getline(labels, pair, ',')) {
            const auto eq = pair.find('=');
            if (eq == std::string::npos) continue;
            s.labels[pair.substr(0, eq)] = pair.substr(eq + 2, pair.size() - eq - 3);
        }
    }
    s.name = line.substr(0, name_end);
    s.value = std::stod(line.substr(space + 1));
    return s;
}
}  // namespace

std::vector<MetricSample> parse_exposition(const std::string& text) {
    std::vector<MetricSample> out;
    std::stringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (auto s = parse_line(line)) out.push_back(std::move(*s));
    }
    return out;
}

std::optional<double> metric_value(const std::string& exposition, const std::string& name,
                                   const std::map<std::string, std::string>& labels) {
    for (const MetricSample& s : parse_exposition(exposition)) {
        if (s.name != name) continue;
        bool match = true;
        for (const auto& [k, v] : labels) {
            auto it = s.labels.find(k);
            match = match && it != s.labels.end() && it->second == v;
        }
        if (match) return s.value;
    }
    return std::nullopt;
}

}  // namespace testsupport
