#include <asset_sdk/json_writer.h>

#include "json_scan.h"
#include "utf8.h"

#include <cassert>
#include <charconv>
#include <cmath>

namespace asset_sdk {

namespace {

// Appends the escape of the byte at s[i] (a quote, backslash, control character or the start of a
// UTF-8 sequence) and returns how many bytes of `s` it stood for. The slow path: it runs only where
// clean_prefix stopped.
std::size_t escape_special(std::string& out, std::string_view s, std::size_t i) {
    static constexpr char kHex[] = "0123456789abcdef";
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
        std::size_t consumed = 0;
        const std::size_t len = detail::utf8_sequence(s, i, consumed);
        if (len > 0) {
            out.append(s.data() + i, len);
            return len;
        }
        out.append(detail::kReplacementUtf8);
        return consumed;
    }
    switch (c) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\b':
            out.append("\\b");
            break;
        case '\f':
            out.append("\\f");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        default: {
            const char esc[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
            out.append(esc, sizeof esc);
        }
    }
    return 1;
}

// The rest of `s` from `i`, where the first byte to escape is: runs copied in one go, only the
// bytes that stop them take escape_special. Out of line, so that the common case (nothing to
// escape) stays a function with no loop and few registers to save.
[[gnu::noinline, gnu::cold]] void escape_rest(std::string& out, std::string_view s, std::size_t i) {
    while (i < s.size()) {
        i += escape_special(out, s, i);
        const std::size_t run = detail::clean_prefix(s.substr(i));
        out.append(s.data() + i, run);
        i += run;
    }
}

}  // namespace

void JsonWriter::escape_into(std::string& out, std::string_view s) {
    // Plain ASCII runs (nearly all of a record's text, and most strings whole) are found many
    // bytes at a time and copied in one go. Why the split: with the loop inline, the call's
    // register saves and restores cost as much as the scan of a short string (callgrind,
    // tests/bench/README.md "Issue 14, session 8").
    const std::size_t run = detail::clean_prefix(s);
    out.push_back('"');
    out.append(s.data(), run);
    if (run < s.size()) escape_rest(out, s, run);
    out.push_back('"');
}

JsonWriter& JsonWriter::key(std::string_view k) {
    assert(depth_ > 0 && !after_key_ && "JsonWriter: key outside an object or twice");
    before_value();
    escape_into(out_, k);
    out_.push_back(':');
    after_key_ = true;
    return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
    before_value();
    escape_into(out_, s);
    return *this;
}

JsonWriter& JsonWriter::value(bool b) {
    before_value();
    out_.append(b ? "true" : "false");
    return *this;
}

JsonWriter& JsonWriter::value(std::int64_t n) {
    before_value();
    char buf[24];
    const auto res = std::to_chars(buf, buf + sizeof buf, n);
    out_.append(buf, res.ptr);
    return *this;
}

JsonWriter& JsonWriter::value(std::uint64_t n) {
    before_value();
    char buf[24];
    const auto res = std::to_chars(buf, buf + sizeof buf, n);
    out_.append(buf, res.ptr);
    return *this;
}

JsonWriter& JsonWriter::value(double d) {
    before_value();
    if (!std::isfinite(d)) {
        out_.append("null");  // JSON has no NaN or infinity
        return *this;
    }
    // Shortest representation that parses back to the same double.
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf, d);
    out_.append(buf, res.ptr);
    return *this;
}

JsonWriter& JsonWriter::null() {
    before_value();
    out_.append("null");
    return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
    before_value();
    out_.append(json);
    return *this;
}

JsonWriter& JsonWriter::members(std::string_view json) {
    assert(depth_ > 0 && !after_key_ && "JsonWriter: members outside an object or after a key");
    if (json.empty()) return *this;
    before_value();  // the comma, when the object already holds a member
    out_.append(json);
    return *this;
}

}  // namespace asset_sdk
