#include <asset_sdk/proxy.h>
#include <asset_sdk/text.h>

#include <cstdlib>
#include <initializer_list>

namespace asset_sdk {

namespace {

bool is_ip_literal(std::string_view host) {
    if (host.find(':') != std::string_view::npos) return true;  // IPv6
    if (host.empty()) return false;
    for (char c : host) {
        if ((c < '0' || c > '9') && c != '.') return false;
    }
    return true;
}

std::string_view strip_dots(std::string_view s) {
    if (!s.empty() && s.front() == '.') s.remove_prefix(1);
    if (!s.empty() && s.back() == '.') s.remove_suffix(1);
    return s;
}

// One no_proxy entry against the host: true, false, or nullopt for a CIDR entry on an address.
std::optional<bool> entry_matches(std::string_view host, std::string_view entry) {
    if (entry == "*") return true;
    const bool ip = is_ip_literal(host);
    if (entry.find('/') != std::string_view::npos) {
        return ip ? std::nullopt : std::optional<bool>(false);
    }
    if (ip) return host == entry;
    entry = strip_dots(entry);
    if (entry.empty() || entry.size() > host.size()) return false;
    if (!iequals(host.substr(host.size() - entry.size()), entry)) return false;
    return host.size() == entry.size() || host[host.size() - entry.size() - 1] == '.';
}

struct EnvValue {
    const char* name;
    std::string value;
};

// The first of `names` that is set and not empty (libcurl ignores empty proxy variables).
std::optional<EnvValue> first_set(const EnvLookup& env, std::initializer_list<const char*> names) {
    for (const char* name : names) {
        if (auto v = env(name); v && !v->empty()) return EnvValue{name, std::move(*v)};
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> process_env(const char* name) {
    const char* v = std::getenv(name);
    if (v == nullptr) return std::nullopt;
    return std::string(v);
}

std::optional<bool> no_proxy_matches(std::string_view host, std::string_view no_proxy) {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    if (!is_ip_literal(host)) host = strip_dots(host);
    bool undecided = false;
    std::size_t pos = 0;
    while (pos < no_proxy.size()) {
        const std::size_t end = std::min(no_proxy.find_first_of(", \t", pos), no_proxy.size());
        const std::string_view entry = no_proxy.substr(pos, end - pos);
        pos = end + 1;
        if (entry.empty()) continue;
        const std::optional<bool> m = entry_matches(host, entry);
        if (!m) undecided = true;
        if (m && *m) return true;
    }
    if (undecided) return std::nullopt;
    return false;
}

ProxyRoute proxy_route(const Url& target, std::string_view explicit_proxy, const EnvLookup& env) {
    ProxyRoute route;
    std::optional<EnvValue> from_env;
    if (!explicit_proxy.empty()) {
        route.proxy = std::string(explicit_proxy);
        route.source = "proxy";
    } else if ((from_env = target.scheme == "https" ? first_set(env, {"https_proxy", "HTTPS_PROXY"})
                                                    : first_set(env, {"http_proxy"})) ||
               (from_env = first_set(env, {"all_proxy", "ALL_PROXY"}))) {
        route.proxy = std::move(from_env->value);
        route.source = from_env->name;
    }
    if (!route.via_proxy()) return route;
    const std::optional<EnvValue> no_proxy = first_set(env, {"no_proxy", "NO_PROXY"});
    if (!no_proxy) return route;
    const std::optional<bool> bypass = no_proxy_matches(target.host, no_proxy->value);
    if (!bypass) {
        route.uncertain = true;
    } else if (*bypass) {
        route = ProxyRoute{};
        route.source = no_proxy->name;
    }
    return route;
}

std::string proxy_for_display(std::string_view proxy) {
    const std::size_t scheme = proxy.find("://");
    const std::size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
    const std::size_t at = proxy.find('@', start);
    const std::size_t slash = proxy.find('/', start);
    if (at == std::string_view::npos || (slash != std::string_view::npos && at > slash)) {
        return std::string(proxy);
    }
    return std::string(proxy.substr(0, start)) + std::string(proxy.substr(at + 1));
}

std::string describe_route(const Url& target, const ProxyRoute& route) {
    if (!route.via_proxy()) {
        return route.source.empty() ? ""
                                    : " directly (" + target.host + " is in " + route.source + ")";
    }
    std::string text = " through the proxy " + proxy_for_display(route.proxy) + " (from " +
                       (route.source == "proxy" ? "the proxy setting" : route.source) + ")";
    if (route.uncertain) {
        text += ", unless no_proxy bypasses it (its address ranges are not evaluated here)";
    }
    return text;
}

std::string describe_answer(const HttpResponse& response) {
    struct Shown {
        const char* name;   // as stored (lower case)
        const char* label;  // as printed
    };
    static constexpr Shown kShown[] = {
        {"server", "Server"}, {"via", "Via"}, {"content-type", "Content-Type"}};
    std::string details;
    for (const Shown& h : kShown) {
        const auto value = response.header(h.name);
        if (!value) continue;
        if (!details.empty()) details += ", ";
        details += std::string(h.label) + ": " + one_line(*value, 80);
    }
    const std::string status = "HTTP " + std::to_string(response.status);
    return details.empty() ? status : status + " (" + details + ")";
}

}  // namespace asset_sdk
