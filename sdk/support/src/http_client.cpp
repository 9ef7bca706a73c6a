#include <asset_sdk/http_client.h>

#include <asset_sdk/text.h>
#include "ca_trust.h"

#include <curl/curl.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

namespace asset_sdk {

namespace {

// How often a running transfer looks at the cancel check. curl_easy_perform only wakes about
// once a second on an idle connection, so transfers are driven through a multi handle polled
// in slices this long instead.
constexpr int kCancelPollMs = 50;

// OpenSSL X509_V_ERR_* values as reported by CURLINFO_SSL_VERIFYRESULT. Spelled out rather than
// including <openssl/x509_vfy.h>: the SDK links libcurl only, whichever TLS backend it uses.
constexpr long kX509UnableToGetIssuerCert = 2;
constexpr long kX509CertNotYetValid = 9;
constexpr long kX509CertHasExpired = 10;
constexpr long kX509DepthZeroSelfSigned = 18;
constexpr long kX509SelfSignedInChain = 19;
constexpr long kX509UnableToGetIssuerLocally = 20;
constexpr long kX509UnableToVerifyLeaf = 21;
constexpr long kX509HostnameMismatch = 62;

// State shared with libcurl's body callback during one perform().
struct Transfer {
    CURL* easy = nullptr;
    HttpResponse* response = nullptr;
    std::size_t max_body = 0;
    bool too_large = false;
};

// The final response's header fields, names lower-cased, in arrival order, repeats kept.
// libcurl's header API (7.83+) already leaves out interim (1xx) and proxy CONNECT responses and
// trims and unfolds the values.
std::vector<Header> response_headers(CURL* easy) {
    std::vector<Header> headers;
    curl_header* h = nullptr;
    while ((h = curl_easy_nextheader(easy, CURLH_HEADER, -1, h)) != nullptr) {
        std::string name(h->name);
        std::transform(name.begin(), name.end(), name.begin(), ascii_lower);
        headers.emplace_back(std::move(name), h->value);
    }
    return headers;
}

size_t on_body(char* data, size_t size, size_t nmemb, void* userp) {
    auto* t = static_cast<Transfer*>(userp);
    const size_t n = size * nmemb;
    std::string& body = t->response->body;
    if (n > t->max_body - std::min(body.size(), t->max_body)) {
        t->too_large = true;
        return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
    }
    if (body.empty()) {
        // First bytes: size the buffer once from Content-Length (-1 when not announced).
        curl_off_t length = -1;
        curl_easy_getinfo(t->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
        if (length > 0 && static_cast<std::size_t>(length) <= t->max_body) {
            body.reserve(static_cast<std::size_t>(length) + kBodyPadding);
        }
    }
    if (body.capacity() < body.size() + n + kBodyPadding) {
        body.reserve(std::max(body.capacity() * 2, body.size() + n + kBodyPadding));
    }
    body.append(data, n);
    return n;
}

// Which TLS problem: first what the verifier said (OpenSSL's code), then the error text, since
// libcurl checks the host name itself after the handshake and leaves the verify result at 0.
TransportError classify_tls(long verify_result, std::string_view text, TransportError fallback) {
    switch (verify_result) {
        case kX509CertHasExpired:
        case kX509CertNotYetValid:
            return TransportError::kTlsExpired;
        case kX509UnableToGetIssuerCert:
        case kX509DepthZeroSelfSigned:
        case kX509SelfSignedInChain:
        case kX509UnableToGetIssuerLocally:
        case kX509UnableToVerifyLeaf:
            return TransportError::kTlsUntrusted;
        case kX509HostnameMismatch:
            return TransportError::kTlsHostMismatch;
        default:
            break;
    }
    if (icontains(text, "certificate has expired") ||
        icontains(text, "certificate is not yet valid")) {
        return TransportError::kTlsExpired;
    }
    if (icontains(text, "no alternative certificate subject name matches") ||
        icontains(text, "does not match target host name") ||
        icontains(text, "hostname mismatch")) {
        return TransportError::kTlsHostMismatch;
    }
    if (icontains(text, "self-signed") || icontains(text, "self signed") ||
        icontains(text, "unable to get local issuer") || icontains(text, "unable to get issuer") ||
        icontains(text, "unable to verify the first certificate")) {
        return TransportError::kTlsUntrusted;
    }
    // Anything else is "not trusted" when the peer failed verification (revoked, bad purpose,
    // ...) and a handshake problem otherwise. Only the known codes above are trusted as a
    // diagnosis: libcurl reports 1 (X509_V_ERR_UNSPECIFIED) when no verification ran at all.
    return fallback;
}

bool is_tls_failure(CURLcode code) {
    switch (code) {
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CIPHER:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        case CURLE_SSL_INVALIDCERTSTATUS:
        case CURLE_SSL_ENGINE_NOTFOUND:
        case CURLE_SSL_ENGINE_SETFAILED:
        case CURLE_SSL_SHUTDOWN_FAILED:
        case CURLE_SSL_CRL_BADFILE:
        case CURLE_SSL_CACERT_BADFILE:
            return true;
        default:
            return false;
    }
}

// finish() without a request start() sent.
HttpResult nothing_started() {
    HttpResult none;
    none.error = TransportError::kOther;
    none.error_message = "no request was started";
    return none;
}

// A request from begin() to end(): perform() goes through both at once, start() and
// finish() leave it running in between. Never moved (transfer points into result).
// Outside CurlClient because CurlClient holds a std::optional<Started>: declared inside it,
// clang 14 sees Started while CurlClient is incomplete, its default member initializers not yet
// parsed, and finds it not default-constructible (optional::emplace() fails to compile).
struct Started {
    HttpResult result;  // a failure before sending, else the response as it arrives
    Transfer transfer;
    curl_slist* headers = nullptr;
    bool sent = false;     // configured and handed to libcurl (else `result` says why not)
    bool running = false;  // the easy handle is in the multi handle
    // start()'s transfers have no libcurl timeout (it would count the time the caller
    // spends before finish()): end() enforces this one from its own start.
    std::optional<Millis> own_timeout;
};

class CurlClient final : public HttpClient {
public:
    explicit CurlClient(HttpClientOptions options)
        : options_(std::move(options)), easy_(curl_easy_init()), multi_(curl_multi_init()) {
        if (easy_ != nullptr) trust_ = detail::build_trust_store(options_, easy_);
    }

    ~CurlClient() override {
        abandon();
        if (easy_ != nullptr) curl_easy_cleanup(easy_);
        // The multi handle owns the connection cache: cleaned up last.
        if (multi_ != nullptr) curl_multi_cleanup(multi_);
    }

    CurlClient(const CurlClient&) = delete;
    CurlClient& operator=(const CurlClient&) = delete;

    HttpResult perform(const HttpRequest& request) override;
    void start(const HttpRequest& request) override;
    HttpResult finish() override;
    void abandon() override;

private:
    void begin(const HttpRequest& request, bool deferred);
    HttpResult end();
    bool preflight(const HttpRequest& request, HttpResult& result) const;
    void release(Started& s);
    bool is_cancelled() const { return options_.cancelled && options_.cancelled(); }
    bool check_headers(const HttpRequest& request, HttpResult& result) const;
    curl_slist* configure(const HttpRequest& request, Transfer& transfer);
    CURLcode run_transfer(bool& cancelled, std::optional<Millis> timeout);
    HttpResult classify(CURLcode code, const Transfer& transfer);
    TransportError connect_error();
    void classify_tls_failure(CURLcode code, HttpResult& r);
    void classify_aborted(CURLcode code, const Transfer& transfer, HttpResult& r) const;

    HttpClientOptions options_;
    CURL* easy_;
    CURLM* multi_;
    detail::TrustStore trust_;  // the system store plus ca_file, read once
    char error_buffer_[CURL_ERROR_SIZE] = {};
    std::optional<Started> started_;
};

curl_slist* CurlClient::configure(const HttpRequest& request, Transfer& transfer) {
    // Reset forgets the previous request's options but keeps what makes keep-alive work:
    // live connections (in the multi handle), the DNS cache and TLS session IDs.
    curl_easy_reset(easy_);
    error_buffer_[0] = '\0';
    curl_easy_setopt(easy_, CURLOPT_ERRORBUFFER, error_buffer_);
    curl_easy_setopt(easy_, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(easy_, CURLOPT_PROTOCOLS_STR, "http,https");
    // Never follow redirects: the caller decides, and following one would send Authorization
    // to wherever the Location header points.
    curl_easy_setopt(easy_, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM-based DNS timeouts in threads
    curl_easy_setopt(easy_, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    curl_easy_setopt(easy_, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(easy_, CURLOPT_USERAGENT, options_.user_agent.c_str());
    if (request.decode_body) {
        curl_easy_setopt(easy_, CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl can decode
    } else {
        // The caller decodes, so only the caller knows what it can decode: it sends its own
        // Accept-Encoding (none means identity). libcurl must not offer br, deflate or zstd on
        // its behalf, which a server may then pick and the caller cannot read. Without
        // CURLOPT_ACCEPT_ENCODING (reset above) libcurl sends no such header of its own.
        curl_easy_setopt(easy_, CURLOPT_HTTP_CONTENT_DECODING, 0L);
    }
    curl_easy_setopt(easy_, CURLOPT_TCP_KEEPALIVE, 1L);
    detail::apply_trust_store(easy_, trust_);
    if (!options_.proxy.empty()) curl_easy_setopt(easy_, CURLOPT_PROXY, options_.proxy.c_str());

    curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(easy_, CURLOPT_WRITEDATA, &transfer);

    const std::string& method = request.method;
    const bool sends_body =
        !request.body.empty() || method == "POST" || method == "PUT" || method == "PATCH";
    if (method != "HEAD") {
        // A body announced bigger than the limit is refused before it is read.
        curl_easy_setopt(easy_, CURLOPT_MAXFILESIZE_LARGE,
                         static_cast<curl_off_t>(options_.max_body_bytes));
    }
    if (method == "HEAD") {
        curl_easy_setopt(easy_, CURLOPT_NOBODY, 1L);
    } else if (sends_body) {
        // POSTFIELDS + CUSTOMREQUEST covers PUT/PATCH/DELETE-with-body without a read callback.
        curl_easy_setopt(easy_, CURLOPT_POST, 1L);
        curl_easy_setopt(easy_, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(request.body.size()));
        curl_easy_setopt(easy_, CURLOPT_POSTFIELDS, request.body.data());
        if (method != "POST") curl_easy_setopt(easy_, CURLOPT_CUSTOMREQUEST, method.c_str());
    } else if (method != "GET") {
        curl_easy_setopt(easy_, CURLOPT_CUSTOMREQUEST, method.c_str());
    }

    curl_slist* headers = nullptr;
    for (const auto& [name, value] : request.headers) {
        // "Name;" is libcurl's spelling of a header with an empty value.
        const std::string line = value.empty() ? name + ";" : name + ": " + value;
        headers = curl_slist_append(headers, line.c_str());
    }
    // No "Expect: 100-continue" round trip (a 1 s stall on servers that ignore it).
    headers = curl_slist_append(headers, "Expect:");
    curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, headers);
    return headers;
}

HttpResult CurlClient::perform(const HttpRequest& request) {
    begin(request, false);
    return end();
}

void CurlClient::start(const HttpRequest& request) {
    begin(request, true);
}

HttpResult CurlClient::finish() {
    return end();
}

void CurlClient::abandon() {
    if (!started_) return;
    release(*started_);
    started_.reset();
}

// The checks before anything is sent; false (and `result` says why) when the request must not go.
bool CurlClient::preflight(const HttpRequest& request, HttpResult& result) const {
    if (easy_ == nullptr || multi_ == nullptr) {
        result.error = TransportError::kOther;
        result.error_message = "could not initialise libcurl";
        return false;
    }
    if (is_cancelled()) {
        result.error = TransportError::kCancelled;
        result.error_message = "cancelled before the request was sent";
        return false;
    }
    if (!check_headers(request, result)) return false;
    if (!trust_.error.empty() && request.url.size() > 6 &&
        iequals(request.url.substr(0, 6), "https:")) {
        result.error = TransportError::kTlsOther;  // a human must fix ca_file: not transient
        result.error_message = trust_.error;
        return false;
    }
    return true;
}

void CurlClient::begin(const HttpRequest& request, bool deferred) {
    abandon();
    Started& s = started_.emplace();
    if (!preflight(request, s.result)) return;
    s.transfer.easy = easy_;
    s.transfer.response = &s.result.response;
    s.transfer.max_body = options_.max_body_bytes;
    s.headers = configure(request, s.transfer);
    s.sent = true;
    if (deferred) {
        s.own_timeout = request.timeout;
        curl_easy_setopt(easy_, CURLOPT_TIMEOUT_MS, 0L);
    }
    if (curl_multi_add_handle(multi_, easy_) != CURLM_OK) return;  // end() says it failed
    s.running = true;
    if (!deferred) return;
    // One step of the transfer: on a kept-alive connection it writes the request to the socket,
    // and the answer then waits in the socket buffer until finish(). Completion messages stay
    // queued for run_transfer.
    int running = 0;
    curl_multi_perform(multi_, &running);
}

// Removes the easy handle from the multi handle (mid-transfer, that closes its connection,
// which is what cancelling or abandoning should do) and frees the request's header list.
void CurlClient::release(Started& s) {
    if (s.running) curl_multi_remove_handle(multi_, easy_);
    s.running = false;
    if (s.headers != nullptr) {
        curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, nullptr);
        curl_slist_free_all(s.headers);
        s.headers = nullptr;
    }
}

HttpResult CurlClient::end() {
    if (!started_) return nothing_started();
    Started& s = *started_;
    if (!s.sent) {  // refused before sending
        HttpResult refused = std::move(s.result);
        started_.reset();
        return refused;
    }
    bool cancelled = false;
    const CURLcode code = s.running ? run_transfer(cancelled, s.own_timeout) : CURLE_FAILED_INIT;
    release(s);
    HttpResult result = std::move(s.result);
    const Transfer transfer = s.transfer;
    started_.reset();

    if (cancelled) {
        result.error = TransportError::kCancelled;
        result.error_message = "cancelled during the request";
        result.response = HttpResponse{};
        return result;
    }
    HttpResult classified = classify(code, transfer);
    classified.response = std::move(result.response);
    if (!classified.ok()) {
        classified.response = HttpResponse{};
        return classified;
    }
    long status = 0;
    curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
    classified.response.status = status;
    classified.response.headers = response_headers(easy_);
    std::string& body = classified.response.body;
    if (body.capacity() < body.size() + kBodyPadding) body.reserve(body.size() + kBodyPadding);
    return classified;
}

bool CurlClient::check_headers(const HttpRequest& request, HttpResult& result) const {
    for (const auto& [name, value] : request.headers) {
        // A line break would let a value smuggle extra headers into the request. The message
        // names the header, never its value (it may be a token).
        if (name.find_first_of("\r\n:") != std::string::npos ||
            value.find_first_of("\r\n") != std::string::npos) {
            result.error = TransportError::kOther;
            result.error_message = "request header '" + name.substr(0, name.find_first_of("\r\n")) +
                                   "' contains a line break or colon; not sent";
            return false;
        }
    }
    return true;
}

// Drives the easy handle (already in the multi handle) until it completes, polling the cancel
// check between slices of kCancelPollMs. `timeout`: a whole-transfer limit from now, for a
// transfer libcurl does not time itself (start()).
CURLcode CurlClient::run_transfer(bool& cancelled, std::optional<Millis> timeout) {
    using std::chrono::steady_clock;
    const steady_clock::time_point began = steady_clock::now();
    for (;;) {
        int running = 0;
        if (curl_multi_perform(multi_, &running) != CURLM_OK) return CURLE_FAILED_INIT;
        int queued = 0;
        while (CURLMsg* msg = curl_multi_info_read(multi_, &queued)) {
            if (msg->msg == CURLMSG_DONE && msg->easy_handle == easy_) return msg->data.result;
        }
        // Done without a completion message: should not happen.
        if (running == 0) return CURLE_FAILED_INIT;
        if (is_cancelled()) {
            cancelled = true;
            return CURLE_OK;
        }
        int slice = kCancelPollMs;
        if (timeout) {
            const auto waited =
                std::chrono::duration_cast<Millis>(steady_clock::now() - began).count();
            if (waited >= timeout->count()) {
                // libcurl's own words for its timeout, so callers see one message either way.
                std::snprintf(error_buffer_, sizeof error_buffer_,
                              "Operation timed out after %lld milliseconds with %zu bytes received",
                              static_cast<long long>(waited),
                              started_->result.response.body.size());
                return CURLE_OPERATION_TIMEDOUT;
            }
            slice = static_cast<int>(std::min<long long>(slice, timeout->count() - waited));
        }
        curl_multi_poll(multi_, nullptr, 0, slice, nullptr);
    }
}

HttpResult CurlClient::classify(CURLcode code, const Transfer& transfer) {
    HttpResult r;
    if (code == CURLE_OK) return r;

    // curl's own detail ("Could not resolve host: x", "SSL certificate problem: ...") when it
    // wrote one, else its generic text. Neither ever contains request headers.
    const std::string detail =
        error_buffer_[0] != '\0' ? std::string(trim(error_buffer_)) : curl_easy_strerror(code);
    r.error_message = detail;
    if (is_tls_failure(code)) {
        classify_tls_failure(code, r);
        return r;
    }
    switch (code) {
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_URL_MALFORMAT:
            r.error = TransportError::kInvalidUrl;
            break;
        case CURLE_COULDNT_RESOLVE_HOST:
            r.error = TransportError::kDnsFailed;
            break;
        case CURLE_COULDNT_RESOLVE_PROXY:
        case CURLE_PROXY:
            r.error = TransportError::kProxy;
            break;
        case CURLE_COULDNT_CONNECT:
            r.error = connect_error();
            break;
        case CURLE_OPERATION_TIMEDOUT:
            r.error = TransportError::kTimeout;
            break;
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_PARTIAL_FILE:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM:
            // An HTTP proxy refusing CONNECT is reported as a receive error.
            r.error = icontains(detail, "CONNECT tunnel failed") || icontains(detail, "proxy")
                          ? TransportError::kProxy
                          : TransportError::kConnectionLost;
            break;
        case CURLE_WRITE_ERROR:
        case CURLE_ABORTED_BY_CALLBACK:
        case CURLE_FILESIZE_EXCEEDED:
            classify_aborted(code, transfer, r);
            break;
        default:
            r.error = TransportError::kOther;
            break;
    }
    return r;
}

TransportError CurlClient::connect_error() {
    if (!options_.proxy.empty()) return TransportError::kProxy;  // the proxy's connection failed
    long os_errno = 0;
    curl_easy_getinfo(easy_, CURLINFO_OS_ERRNO, &os_errno);
    return os_errno == ECONNREFUSED ? TransportError::kConnectionRefused
                                    : TransportError::kConnectFailed;
}

void CurlClient::classify_tls_failure(CURLcode code, HttpResult& r) {
    const std::string detail = r.error_message;
    if (code == CURLE_SSL_CACERT_BADFILE) {
        r.error = TransportError::kTlsOther;
        r.error_message = "cannot load the CA bundle '" + options_.ca_file +
                          "' (with the system store): " + detail;
        return;
    }
    long verify = 0;
    curl_easy_getinfo(easy_, CURLINFO_SSL_VERIFYRESULT, &verify);
    r.error = classify_tls(verify, detail,
                           code == CURLE_PEER_FAILED_VERIFICATION ? TransportError::kTlsUntrusted
                                                                  : TransportError::kTlsOther);
}

// A callback stopped the transfer: the body outgrew the limit, or the cancel check fired.
void CurlClient::classify_aborted(CURLcode code, const Transfer& transfer, HttpResult& r) const {
    if (transfer.too_large || code == CURLE_FILESIZE_EXCEEDED) {
        r.error = TransportError::kTooLarge;
        r.error_message = "response body larger than the limit of " +
                          std::to_string(options_.max_body_bytes) + " bytes";
    } else if (code == CURLE_ABORTED_BY_CALLBACK) {
        r.error = TransportError::kCancelled;
        r.error_message = "cancelled during the request";
    } else {
        r.error = TransportError::kOther;
    }
}

}  // namespace

// The default for clients without a way to send early: the request goes out in finish().
void HttpClient::start(const HttpRequest& request) {
    deferred_ = request;
}

HttpResult HttpClient::finish() {
    if (!deferred_) return nothing_started();
    const HttpRequest request = std::move(*deferred_);
    deferred_.reset();
    return perform(request);
}

void HttpClient::abandon() {
    deferred_.reset();
}

std::vector<std::string_view> HttpResponse::header_values(std::string_view name) const {
    std::vector<std::string_view> out;
    for (const auto& [n, v] : headers) {
        if (iequals(n, name)) out.emplace_back(v);
    }
    return out;
}

std::optional<std::string_view> HttpResponse::header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
        if (iequals(n, name)) return std::string_view(v);
    }
    return std::nullopt;
}

const char* transport_error_text(TransportError e) {
    switch (e) {
        case TransportError::kNone:
            return "no error";
        case TransportError::kInvalidUrl:
            return "invalid URL";
        case TransportError::kDnsFailed:
            return "DNS resolution failed";
        case TransportError::kConnectionRefused:
            return "connection refused";
        case TransportError::kConnectFailed:
            return "could not connect";
        case TransportError::kTimeout:
            return "timed out";
        case TransportError::kTlsUntrusted:
            return "TLS certificate not trusted";
        case TransportError::kTlsExpired:
            return "TLS certificate expired or not yet valid";
        case TransportError::kTlsHostMismatch:
            return "TLS certificate does not match the host name";
        case TransportError::kTlsOther:
            return "TLS handshake failed";
        case TransportError::kConnectionLost:
            return "connection lost mid-response";
        case TransportError::kProxy:
            return "proxy failure";
        case TransportError::kTooLarge:
            return "response too large";
        case TransportError::kCancelled:
            return "cancelled";
        case TransportError::kOther:
            return "network error";
    }
    return "network error";
}

bool is_transient(TransportError e) {
    switch (e) {
        case TransportError::kDnsFailed:
        case TransportError::kConnectionRefused:
        case TransportError::kConnectFailed:
        case TransportError::kTimeout:
        case TransportError::kTlsOther:
        case TransportError::kConnectionLost:
        case TransportError::kProxy:
        case TransportError::kOther:
            return true;
        case TransportError::kNone:
        case TransportError::kInvalidUrl:
        case TransportError::kTlsUntrusted:
        case TransportError::kTlsExpired:
        case TransportError::kTlsHostMismatch:
        case TransportError::kTooLarge:
        case TransportError::kCancelled:
            return false;
    }
    return false;
}

std::unique_ptr<HttpClient> make_curl_client(HttpClientOptions options) {
    return std::make_unique<CurlClient>(std::move(options));
}

}  // namespace asset_sdk
