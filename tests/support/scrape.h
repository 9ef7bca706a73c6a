// Looking at a running asset-host from outside, as an operator's tools do: plain HTTP GETs of
// its --listen endpoint and a reader of the Prometheus text exposition it serves.
#pragma once

#include "process.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace testsupport {

struct HttpAnswer {
    int status = 0;  // 0: no answer (connection refused, timeout)
    std::string body;
};

// GET http://<address><path>, `address` as logged: "127.0.0.1:9464" or "[::1]:9464".
HttpAnswer http_get(const std::string& address, const std::string& path);

// The address of a "listening on <address> ..." log line, or "" when the line has none.
std::string listening_address(const std::string& log_line);
// Waits (at most 30 s) for a started asset-host to log where it listens; "" when it did not.
std::string wait_listening(Process& host);

struct MetricSample {
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
};

// Every sample of a text exposition (comments skipped).
std::vector<MetricSample> parse_exposition(const std::string& text);

// The value of the series `name` whose labels include `labels` (the first one, when several
// match), or nullopt when none does.
std::optional<double> metric_value(const std::string& exposition, const std::string& name,
                                   const std::map<std::string, std::string>& labels = {});

}  // namespace testsupport
