// Errors as values: Status (ok or code + message) and Result<T> (a value or a Status).
// Used on both sides of the ABI; nothing here throws. C++20 has no std::expected, so this is
// the small subset we need.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace asset_sdk {

enum class StatusCode {
    kOk = 0,
    kInvalidArgument,  // bad input from the user (config, CLI, manifest)
    kNotFound,         // a file, plugin or key that does not exist
    kIo,               // filesystem failure
    kTransport,        // network failure (DNS, TCP, TLS, timeout)
    kHttp,             // the server answered with an error status
    kProtocol,         // the server answered something we cannot use (bad JSON, bad link)
    kRateLimited,      // gave up waiting for a rate limit
    kCancelled,        // the host asked us to stop
    kInternal,         // a bug
};

class [[nodiscard]] Status {
public:
    Status() = default;
    Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

    static Status ok() { return {}; }

    bool is_ok() const { return code_ == StatusCode::kOk; }
    explicit operator bool() const { return is_ok(); }
    StatusCode code() const { return code_; }
    const std::string& message() const { return message_; }

    // Prefix the message with context, e.g. "manifests/a.yaml: " + message.
    Status with_context(const std::string& prefix) const {
        if (is_ok()) return *this;
        return Status(code_, prefix + message_);
    }

private:
    StatusCode code_ = StatusCode::kOk;
    std::string message_;
};

inline Status invalid_argument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status not_found(std::string m) {
    return {StatusCode::kNotFound, std::move(m)};
}
inline Status io_error(std::string m) {
    return {StatusCode::kIo, std::move(m)};
}
inline Status cancelled(std::string m = "cancelled") {
    return {StatusCode::kCancelled, std::move(m)};
}
inline Status internal_error(std::string m) {
    return {StatusCode::kInternal, std::move(m)};
}

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit on purpose, like expected
    Result(Status status) : v_(std::move(status)) { assert(!std::get<Status>(v_).is_ok()); }

    bool is_ok() const { return std::holds_alternative<T>(v_); }
    explicit operator bool() const { return is_ok(); }

    const T& value() const& { return std::get<T>(v_); }
    T& value() & { return std::get<T>(v_); }
    T&& value() && { return std::get<T>(std::move(v_)); }
    const T& operator*() const& { return value(); }
    T& operator*() & { return value(); }
    const T* operator->() const { return &value(); }
    T* operator->() { return &value(); }

    // The error; Status::ok() when a value is held.
    Status status() const { return is_ok() ? Status::ok() : std::get<Status>(v_); }

private:
    std::variant<T, Status> v_;
};

}  // namespace asset_sdk

// Return early from a function returning Status or Result<T> when `expr` failed.
#define ASSET_RETURN_IF_ERROR(expr)                       \
    do {                                                  \
        ::asset_sdk::Status asset_status_ = (expr);       \
        if (!asset_status_.is_ok()) return asset_status_; \
    } while (0)
