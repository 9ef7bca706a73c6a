#include "observe/listen_address.h"

#include <charconv>

namespace asset_host::observe {

namespace {
asset_sdk::Status bad(std::string_view text, std::string_view why) {
    return asset_sdk::invalid_argument("--listen \"" + std::string(text) +
                                       "\": " + std::string(why) +
                                       " (expected HOST:PORT or [IPv6]:PORT, e.g. 127.0.0.1:9464 "
                                       "or [::1]:9464; port 0 picks a free port)");
}
}  // namespace

std::string ListenAddress::to_string() const {
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

asset_sdk::Result<ListenAddress> parse_listen_address(std::string_view text) {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad(text, "no port");
    std::string_view host = text.substr(0, colon);
    const std::string_view port_text = text.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string_view::npos) {
        return bad(text, "an IPv6 address must be in brackets");
    }
    if (host.empty()) return bad(text, "no host");
    int port = -1;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 0 ||
        port > 65535) {
        return bad(text, "the port must be a number from 0 to 65535");
    }
    return ListenAddress{std::string(host), port};
}

}  // namespace asset_host::observe
