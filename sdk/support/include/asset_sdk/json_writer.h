// A streaming JSON writer into a reusable std::string: no DOM, no per-value allocation once the
// buffer has grown. Records are built with it so the cost per device stays constant.
// Nesting is limited to 64 levels (asserted): records are shallow by construction.
// Hand-written on purpose: it sits on the per-device hot path (okta_page_bench,
// tests/bench/README.md) and was measured faster than building the same records with a JSON
// library (nlohmann::json builds a DOM of allocated nodes first). Its escaping is the project's
// one JSON string escaper (the host's JSON log lines use it too).
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace asset_sdk {

// A byte a JSON string cannot carry as it is: a quote, a backslash, a control character, or a
// non-ASCII byte (part of a UTF-8 sequence, which the escaper validates). The one definition the
// escaper's scans, the literal keys and literal text elsewhere (a plugin's) test against.
constexpr bool json_needs_escaping(unsigned char c) {
    return c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
}

namespace detail {

// The text of a literal key as JsonWriter writes it, built when the program is compiled: the
// comma that separates it from a previous member, then the quoted key and the colon (`,"uid":`).
// A key that would need escaping (a quote, a backslash, a control character or a non-ASCII byte)
// does not compile: the constructor throws, which is an error in a constant expression.
template <std::size_t N>
struct JsonKeyText {
    char text[N + 3] = {};  // N - 1 characters of the key, ',', two quotes and ':'

    consteval JsonKeyText(const char (&key)[N]) {
        text[0] = ',';
        text[1] = '"';
        for (std::size_t i = 0; i + 1 < N; ++i) {
            if (json_needs_escaping(static_cast<unsigned char>(key[i]))) {
                throw "JsonKeyText: a literal key must be printable ASCII without quotes or "
                      "backslashes (use JsonWriter::key(std::string_view), which escapes)";
            }
            text[i + 2] = key[i];
        }
        if (key[N - 1] != '\0') throw "JsonKeyText: not a string literal";
        text[N + 1] = '"';
        text[N + 2] = ':';
    }
};

}  // namespace detail

// A key known when the program is compiled, written as it is (no escaping, no scan): `"uid"_key`.
// Most of a record's keys are literals, and writing one through key(std::string_view) costs a
// scan and three appends where this costs one append (tests/bench/README.md, "Issue 14, session
// 7: writing records"). Only the literal operator makes one: its text lives in the template
// parameter object, which has static storage.
class JsonKey {
public:
    template <std::size_t N>
    consteval JsonKey(const detail::JsonKeyText<N>& key) : text_(key.text), size_(N + 3) {}

    // `,"key":` — without the first character when no comma is due.
    std::string_view with_comma() const { return {text_, size_}; }
    std::string_view name() const { return {text_ + 2, size_ - 4}; }

private:
    const char* text_;
    std::size_t size_;
};

namespace json_literals {

template <detail::JsonKeyText K>
constexpr JsonKey operator""_key() {
    return JsonKey(K);
}

}  // namespace json_literals

class JsonWriter {
public:
    // Writes into `out` (appends; call clear() on the string to reuse it).
    explicit JsonWriter(std::string& out) : out_(out) {}

    // The structural writes are defined below, in the header: a record makes ~60 of them, and
    // out of line their calls cost more than their work (tests/bench/README.md, "Issue 14,
    // session 8").
    JsonWriter& begin_object() { return open('{'); }
    JsonWriter& end_object() {
        assert(depth_ > 0 && !after_key_ && "JsonWriter: unbalanced end_object");
        return close('}');
    }
    JsonWriter& begin_array() { return open('['); }
    JsonWriter& end_array() {
        assert(depth_ > 0 && !after_key_ && "JsonWriter: unbalanced end_array");
        return close(']');
    }
    JsonWriter& key(std::string_view k);  // inside an object, before each value; escaped
    JsonWriter& key(JsonKey k) {          // the same for a literal key: "uid"_key
        assert(depth_ > 0 && !after_key_ && "JsonWriter: key outside an object or twice");
        const std::uint64_t bit = level_bit(depth_);
        const std::size_t skip = (has_element_ & bit) ? 0 : 1;  // the comma, when due
        const std::string_view text = k.with_comma();
        out_.append(text.data() + skip, text.size() - skip);
        has_element_ |= bit;
        after_key_ = true;
        return *this;
    }

    JsonWriter& value(std::string_view s);  // escaped; invalid UTF-8 bytes become U+FFFD
    JsonWriter& value(const char* s) { return s ? value(std::string_view(s)) : null(); }
    JsonWriter& value(bool b);
    JsonWriter& value(std::int64_t n);
    JsonWriter& value(int n) { return value(static_cast<std::int64_t>(n)); }
    JsonWriter& value(std::uint64_t n);  // sizes and counts
    JsonWriter& value(double d);         // finite only; non-finite written as null
    JsonWriter& null();
    JsonWriter& raw(std::string_view json);  // an already-serialized JSON value
    // Already-serialized members of the current object: `"k":v` or several, comma-separated,
    // without braces (e.g. a part of every record written once, ocsf::Envelope). Empty: nothing.
    JsonWriter& members(std::string_view json);

    // Convenience: key + value.
    template <typename T>
    JsonWriter& field(std::string_view k, const T& v) {
        key(k);
        return value(v);
    }
    template <typename T>
    JsonWriter& field(JsonKey k, const T& v) {
        key(k);
        return value(v);
    }

    static void escape_into(std::string& out, std::string_view s);

private:
    static constexpr int kMaxDepth = 64;  // one bit of has_element_ per level

    // The has_element_ bit of nesting level `depth` (1-based). Levels past 64 are a programming
    // error (asserted); in release builds they get no bit rather than an undefined shift.
    static constexpr std::uint64_t level_bit(int depth) {
        return depth >= 1 && depth <= kMaxDepth ? std::uint64_t{1} << (depth - 1) : 0;
    }

    // The comma before a value, when the container already holds one (none right after a key).
    void before_value() {
        if (after_key_) {
            after_key_ = false;
            return;
        }
        if (depth_ == 0) return;
        const std::uint64_t bit = level_bit(depth_);
        if (has_element_ & bit) out_.push_back(',');
        has_element_ |= bit;
    }
    JsonWriter& open(char bracket) {
        before_value();
        // Deeper nesting is a programming error: records are shallow by construction.
        assert(depth_ < kMaxDepth && "JsonWriter: nesting deeper than 64 levels");
        out_.push_back(bracket);
        ++depth_;
        has_element_ &= ~level_bit(depth_);
        return *this;
    }
    JsonWriter& close(char bracket) {
        --depth_;
        out_.push_back(bracket);
        return *this;
    }

    std::string& out_;
    // One bit per nesting level: does the current container already hold an element?
    std::uint64_t has_element_ = 0;
    int depth_ = 0;
    bool after_key_ = false;
};

}  // namespace asset_sdk
