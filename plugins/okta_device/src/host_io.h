// What the connector's core needs from the host: logging, record and checkpoint delivery, and
// cancellation. plugin.cpp adapts the ABI's host table to it; unit tests implement it directly
// to collect records and markers in memory.
#pragma once

#include <asset_host/plugin_abi.h>

#include <string_view>

namespace okta_device {

class HostIo {
public:
    virtual ~HostIo() = default;
    virtual void log(ah_log_level level, std::string_view message) = 0;
    // false: the host wants the cycle to stop.
    virtual bool emit(std::string_view record_json) = 0;
    virtual bool checkpoint(std::string_view marker_json) = 0;
    virtual bool cancelled() = 0;

    void debug(std::string_view m) { log(AH_LOG_DEBUG, m); }
    void info(std::string_view m) { log(AH_LOG_INFO, m); }
    void warn(std::string_view m) { log(AH_LOG_WARN, m); }
};

}  // namespace okta_device
