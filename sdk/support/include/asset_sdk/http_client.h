// A small HTTP client interface and its libcurl implementation. Plugins and host destinations
// speak HTTP only through this, so every caller gets the same transport-error taxonomy (used by
// "Test connector" to say *what* failed: DNS, refused, timeout, which TLS problem).
// Tests never replace it with a mock: they point it at the loopback simulators.
#pragma once

#include <asset_sdk/clock.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace asset_sdk {

using Header = std::pair<std::string, std::string>;

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    std::vector<Header> headers;  // sent as given
    std::string body;             // sent when non-empty (or method is POST/PUT)
    Millis timeout{30'000};       // whole transfer
    // false: the body is returned as the server encoded it (its Content-Encoding), for a caller
    // that decodes it itself (the Okta plugin gunzips pages with libdeflate: less CPU than
    // libcurl's streaming zlib). Accept-Encoding is then the caller's header to send: the
    // client offers no encoding of its own (without one the server answers in identity).
    bool decode_body = true;
};

// Body buffers keep this many spare bytes of capacity so JSON parsers that need padding
// (simdjson: SIMDJSON_PADDING == 64) can parse in place without a copy.
inline constexpr std::size_t kBodyPadding = 64;

struct HttpResponse {
    long status = 0;
    std::vector<Header> headers;  // names lower-cased, in arrival order, repeats kept
    std::string body;             // capacity() >= size() + kBodyPadding

    // Every value of a header (case-insensitive name). Okta repeats Link and sometimes
    // X-Rate-Limit-* headers, so callers decide how to combine them.
    std::vector<std::string_view> header_values(std::string_view name) const;
    // First value, if any.
    std::optional<std::string_view> header(std::string_view name) const;
};

enum class TransportError {
    kNone = 0,
    kInvalidUrl,         // the URL could not be parsed or uses an unsupported scheme
    kDnsFailed,          // host name did not resolve
    kConnectionRefused,  // TCP RST on connect
    kConnectFailed,      // other connect failure (unreachable network, ...)
    kTimeout,            // connect or transfer took longer than the timeout
    kTlsUntrusted,       // certificate chain not trusted (self-signed, unknown CA)
    kTlsExpired,         // certificate expired or not yet valid
    kTlsHostMismatch,    // certificate does not name the host
    kTlsOther,           // other TLS handshake failure
    kConnectionLost,     // connection dropped mid-transfer, truncated body, empty reply
    kProxy,              // proxy failure
    kTooLarge,           // response bigger than the configured maximum
    kCancelled,          // the cancel check fired
    kOther,
};

const char* transport_error_text(TransportError e);  // plain words: "DNS resolution failed"

// Failures worth retrying (the network or the server may recover): DNS, refused, timeouts,
// dropped connections, proxy hiccups, generic TLS handshake failures. Not: an invalid URL, an
// untrusted/expired/mismatched certificate, an oversized response, cancellation — those need a
// human or mean "stop".
bool is_transient(TransportError e);

struct HttpResult {
    TransportError error = TransportError::kNone;
    std::string error_message;  // human text for `error`; never contains request headers
    HttpResponse response;      // meaningful only when error == kNone

    bool ok() const { return error == TransportError::kNone; }
};

struct HttpClientOptions {
    std::string user_agent = "asset-host";
    // An extra CA bundle (PEM) trusted IN ADDITION to the system store, e.g. the CA of a
    // TLS-inspecting proxy. Read when the client is created; unreadable: every https request
    // fails with kTlsOther naming the file. Empty = the system store only.
    std::string ca_file;
    // The system store: a bundle file and a directory of hashed certificates. Empty = the
    // environment's SSL_CERT_FILE / SSL_CERT_DIR when set (the names OpenSSL and the curl tool
    // read), else libcurl's built-in locations (Debian: /etc/ssl/certs/ca-certificates.crt and
    // /etc/ssl/certs).
    std::string system_ca_file;
    std::string system_ca_dir;
    std::string proxy;  // empty = libcurl default (honours *_proxy env variables)
    Millis connect_timeout{10'000};
    std::size_t max_body_bytes = 64u << 20;  // protects memory against a runaway server
    CancelCheck cancelled;                   // polled during transfers; aborts with kCancelled
};

class HttpClient {
public:
    virtual ~HttpClient() = default;
    virtual HttpResult perform(const HttpRequest& request) = 0;

    // A request sent now and answered later, so the caller works while the server prepares the
    // answer (the Okta plugin asks for page n+1 before it reads page n). One at a time:
    //  - start() sends `request` and returns without waiting for the answer (on a new
    //    connection the connection set-up may finish only in finish()); a failure before
    //    sending (cancelled, a bad header) is kept for finish();
    //  - finish() waits for the answer as perform() would, and returns it. The request's
    //    timeout counts from finish(): the time between start() and finish(), while the answer
    //    waits in the socket buffer, is the caller's, not the server's;
    //  - abandon() drops a started request (its connection is closed). perform(), start() and
    //    the client's destructor abandon a started request that was not finished.
    // The default sends nothing before finish(): correct for any client, only not earlier.
    virtual void start(const HttpRequest& request);
    virtual HttpResult finish();  // without a started request: kOther
    virtual void abandon();

private:
    std::optional<HttpRequest> deferred_;  // the default start()'s request
};

// libcurl-backed client. One instance per thread; it keeps its connection alive between calls.
// Redirects are never followed (a 3xx is returned as a response: the caller decides, and
// following would carry Authorization to wherever Location points). Only http and https.
// Cancellation is checked at least every 50 ms during a transfer.
// curl_global_init is the host's job (done once before threads start); plugins share it
// because libcurl is one shared library in the process.
std::unique_ptr<HttpClient> make_curl_client(HttpClientOptions options);

}  // namespace asset_sdk
