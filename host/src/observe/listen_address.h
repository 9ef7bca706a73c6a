// The address `run --listen` serves on: "HOST:PORT" with an IPv4 address or a name, or
// "[IPv6]:PORT". Port 0 asks the kernel for a free port.
#pragma once

#include <asset_sdk/status.h>

#include <string>
#include <string_view>

namespace asset_host::observe {

struct ListenAddress {
    std::string host;  // without brackets: "127.0.0.1", "::1", "0.0.0.0", "localhost"
    int port = 0;

    // "127.0.0.1:9464", "[::1]:9464": as written in logs and URLs.
    std::string to_string() const;
};

// Parses "HOST:PORT" / "[V6]:PORT"; the error names the value and the expected form.
asset_sdk::Result<ListenAddress> parse_listen_address(std::string_view text);

}  // namespace asset_host::observe
