// A streaming JSON writer into a reusable std::string: no DOM, no per-value allocation once the
// buffer has grown. Records are built with it so the cost per device stays constant.
// Nesting is limited to 64 levels (asserted): records are shallow by construction.
// Hand-written on purpose: it sits on the per-device hot path (okta_page_bench,
// tests/bench/README.md) and was measured faster than building the same records with a JSON
// library (nlohmann::json builds a DOM of allocated nodes first). Its escaping is the project's
// one JSON string escaper (the host's JSON log lines use it too).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace asset_sdk {

class JsonWriter {
public:
    // Writes into `out` (appends; call clear() on the string to reuse it).
    explicit JsonWriter(std::string& out) : out_(out) {}

    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(std::string_view k);  // inside an object, before each value

    JsonWriter& value(std::string_view s);  // escaped; invalid UTF-8 bytes become U+FFFD
    JsonWriter& value(const char* s) { return s ? value(std::string_view(s)) : null(); }
    JsonWriter& value(bool b);
    JsonWriter& value(std::int64_t n);
    JsonWriter& value(int n) { return value(static_cast<std::int64_t>(n)); }
    JsonWriter& value(std::uint64_t n);  // sizes and counts
    JsonWriter& value(double d);         // finite only; non-finite written as null
    JsonWriter& null();
    JsonWriter& raw(std::string_view json);  // an already-serialized JSON value

    // Convenience: key + value.
    template <typename T>
    JsonWriter& field(std::string_view k, const T& v) {
        key(k);
        return value(v);
    }

    static void escape_into(std::string& out, std::string_view s);

private:
    void before_value();
    std::string& out_;
    // One bit per nesting level: does the current container already hold an element?
    std::uint64_t has_element_ = 0;
    int depth_ = 0;
    bool after_key_ = false;
};

}  // namespace asset_sdk
