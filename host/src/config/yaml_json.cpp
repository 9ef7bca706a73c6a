#include "config/yaml_json.h"

#include "common/paths.h"

#include <asset_sdk/text.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <set>
#include <sstream>

namespace asset_host {
namespace {

using asset_sdk::Result;
using asset_sdk::Status;
using nlohmann::json;

// Aliases can make a small file expand into a huge tree ("billion laughs"); a manifest never
// needs more than a few hundred nodes.
constexpr std::size_t kMaxNodes = 100'000;
constexpr std::size_t kMaxDepth = 64;

struct ConvertError {
    std::string message;
};

// The core schema's number patterns, matched by hand (no std::regex on this path).
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_octal_digit(char c) {
    return c >= '0' && c <= '7';
}
bool is_hex_digit(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

template <typename Pred>
bool all_of(const std::string& s, std::size_t from, Pred pred) {
    for (std::size_t i = from; i < s.size(); ++i) {
        if (!pred(s[i])) return false;
    }
    return from < s.size();
}

// [-+]?[0-9]+
bool is_decimal(const std::string& s) {
    const std::size_t start = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    return all_of(s, start, is_digit);
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool is_float(const std::string& s) {
    std::size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    std::size_t int_digits = 0, frac_digits = 0;
    while (i < s.size() && is_digit(s[i])) ++i, ++int_digits;
    if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && is_digit(s[i])) ++i, ++frac_digits;
        if (int_digits == 0 && frac_digits == 0) return false;
    } else if (int_digits == 0) {
        return false;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
        std::size_t exp_digits = 0;
        while (i < s.size() && is_digit(s[i])) ++i, ++exp_digits;
        if (exp_digits == 0) return false;
    }
    return i == s.size();
}

// [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)
bool is_inf_or_nan(const std::string& s) {
    const std::size_t sign = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    const std::string rest = s.substr(sign);
    if (rest == ".inf" || rest == ".Inf" || rest == ".INF") return true;
    return sign == 0 && (s == ".nan" || s == ".NaN" || s == ".NAN");
}

class Converter {
public:
    explicit Converter(const std::string& origin) : origin_(origin) {}

    json convert(const YAML::Node& node, std::size_t depth) {
        if (++nodes_ > kMaxNodes) fail(node, "document too large (more than 100000 nodes)");
        if (depth > kMaxDepth) fail(node, "document nested too deeply");
        switch (node.Type()) {
            case YAML::NodeType::Undefined:
            case YAML::NodeType::Null:
                return nullptr;
            case YAML::NodeType::Scalar:
                return scalar(node);
            case YAML::NodeType::Sequence: {
                json arr = json::array();
                for (const auto& item : node) arr.push_back(convert(item, depth + 1));
                return arr;
            }
            case YAML::NodeType::Map: {
                json obj = json::object();
                std::set<std::string> seen;
                for (const auto& pair : node) {
                    // Named copies: GCC 12 sees yaml-cpp's iterator proxies as dangling.
                    const YAML::Node key = pair.first;
                    const YAML::Node value = pair.second;
                    if (!key.IsScalar()) fail(key, "mapping keys must be plain strings");
                    const std::string k = key.Scalar();
                    if (!seen.insert(k).second) fail(key, "duplicate key \"" + k + "\"");
                    obj[k] = convert(value, depth + 1);
                }
                return obj;
            }
        }
        return nullptr;
    }

    [[noreturn]] void fail(const YAML::Node& node, const std::string& what) const {
        throw ConvertError{where(node.Mark()) + what};
    }

    std::string where(const YAML::Mark& mark) const {
        if (mark.is_null() || mark.line < 0) return origin_ + ": ";
        return origin_ + ":" + std::to_string(mark.line + 1) + ":" +
               std::to_string(mark.column + 1) + ": ";
    }

private:
    json scalar(const YAML::Node& node) {
        const std::string& tag = node.Tag();
        const std::string& s = node.Scalar();
        // "!" = quoted or block scalar (non-plain): always a string in YAML 1.2.
        if (tag == "!" || tag == "tag:yaml.org,2002:str") return s;
        if (tag != "?") {
            fail(node,
                 "unsupported tag " + tag + " (only !!str is allowed; quote the value instead)");
        }
        return resolve_plain(node, s);
    }

    json resolve_plain(const YAML::Node& node, const std::string& s) {
        if (s.empty() || s == "~" || asset_sdk::iequals(s, "null")) return nullptr;
        if (asset_sdk::iequals(s, "true")) return true;
        if (asset_sdk::iequals(s, "false")) return false;

        if (is_decimal(s)) return integer(node, s, 10);
        if (s.size() > 2 && s[0] == '0' && s[1] == 'o' && all_of(s, 2, is_octal_digit)) {
            return integer(node, s.substr(2), 8);
        }
        if (s.size() > 2 && s[0] == '0' && s[1] == 'x' && all_of(s, 2, is_hex_digit)) {
            return integer(node, s.substr(2), 16);
        }
        if (is_float(s)) {
            const std::string digits = (s[0] == '+') ? s.substr(1) : s;
            double d = 0;
            const auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), d);
            if (ec != std::errc() || p != digits.data() + digits.size()) {
                fail(node, "number out of range (quote it to make it a string)");
            }
            return d;
        }
        if (is_inf_or_nan(s)) {
            fail(node,
                 ".inf and .nan have no JSON equivalent (quote the value to make it a string)");
        }
        return s;
    }

    json integer(const YAML::Node& node, const std::string& text, int base) {
        std::string digits = text;
        bool negative = false;
        if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
            negative = digits[0] == '-';
            digits.erase(0, 1);
        }
        std::uint64_t v = 0;
        const auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
        if (ec != std::errc() || p != digits.data() + digits.size()) {
            fail(node, "integer out of range (quote it to make it a string)");
        }
        if (negative) {
            constexpr std::uint64_t kMinMagnitude = std::uint64_t{1} << 63;
            if (v > kMinMagnitude)
                fail(node, "integer out of range (quote it to make it a string)");
            if (v == kMinMagnitude) return std::numeric_limits<std::int64_t>::min();
            return -static_cast<std::int64_t>(v);
        }
        if (v <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            return static_cast<std::int64_t>(v);
        }
        return v;
    }

    const std::string& origin_;
    std::size_t nodes_ = 0;
};

}  // namespace

namespace {

// Offset of the first control character YAML does not allow in a file (C0 except tab, LF and
// CR; DEL), or npos. yaml-cpp does not refuse them: a NUL inside a quoted scalar sends its
// scanner into a loop that allocates until memory runs out (found by the manifest fuzz target).
std::size_t find_forbidden_control(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return i;
    }
    return std::string_view::npos;
}

// YAML is Unicode text without most control characters. The file is checked before yaml-cpp
// sees it: yaml-cpp passes stray bytes through to the JSON libraries behind it, which must never
// see them (valijson's string length check reads past a table on invalid UTF-8).
std::optional<std::string> text_error(std::string_view text, const Converter& converter) {
    const std::size_t bad_utf8 = asset_sdk::find_invalid_utf8(text);
    const std::size_t control = find_forbidden_control(text.substr(0, bad_utf8));
    const std::size_t at = std::min(bad_utf8, control);
    if (at == std::string_view::npos) return std::nullopt;
    const std::string_view before = text.substr(0, at);
    const auto line = static_cast<int>(std::count(before.begin(), before.end(), '\n'));
    const std::size_t line_start = before.rfind('\n');
    const std::size_t column = at - (line_start == std::string_view::npos ? 0 : line_start + 1);
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X",
                  static_cast<unsigned>(static_cast<unsigned char>(text[at])));
    // The position as yaml-cpp's own errors give it (0-based mark, "file:line:column: ").
    YAML::Mark mark;
    mark.pos = static_cast<int>(at);
    mark.line = line;
    mark.column = static_cast<int>(column);
    const std::string where = converter.where(mark);
    if (at == control) {
        return where + "control character " + byte +
               " is not allowed in YAML (remove it; write \"\\x..\" escapes in a double-quoted "
               "string)";
    }
    return where + "not valid UTF-8 (byte " + byte + "); save the file as UTF-8";
}

// Counts the documents of a stream, stopping at the second. YAML::LoadAll is not used: in
// yaml-cpp 0.7, on input such as ",x" the parser reports a new empty document forever without
// consuming anything, and LoadAll collects them until memory runs out (fixed upstream after
// 0.8; found here by the manifest fuzz target). A second document starting where the first did
// is that loop: the input is invalid at that mark.
class DocumentCounter final : public YAML::EventHandler {
public:
    void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}

    std::vector<YAML::Mark> starts;
};

std::vector<YAML::Mark> first_two_document_starts(const std::string& text) {
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentCounter counter;
    while (counter.starts.size() < 2 && parser.HandleNextDocument(counter)) {
    }
    return counter.starts;
}

}  // namespace

Result<json> yaml_to_json(std::string_view text, const std::string& origin) {
    Converter converter(origin);
    if (auto error = text_error(text, converter)) return asset_sdk::invalid_argument(*error);
    try {
        const std::string input(text);
        const std::vector<YAML::Mark> starts = first_two_document_starts(input);
        if (starts.empty()) return json(nullptr);
        if (starts.size() > 1 && starts[1].pos == starts[0].pos) {
            const auto at = static_cast<std::size_t>(std::max(starts[0].pos, 0));
            const std::string token = at < input.size() ? input.substr(at, 1) : "end of file";
            return asset_sdk::invalid_argument(converter.where(starts[0]) +
                                               "invalid YAML: unexpected \"" + token + "\"");
        }
        if (starts.size() > 1) {
            return asset_sdk::invalid_argument(
                origin + ": more than one YAML document (\"---\"); one connector per file");
        }
        return converter.convert(YAML::Load(input), 0);
    } catch (const ConvertError& e) {
        return asset_sdk::invalid_argument(e.message);
    } catch (const YAML::Exception& e) {
        return asset_sdk::invalid_argument(converter.where(e.mark) + "invalid YAML: " + e.msg);
    } catch (const std::exception& e) {
        return asset_sdk::invalid_argument(origin + ": invalid YAML: " + e.what());
    }
}

Result<json> load_yaml_file(const std::filesystem::path& file) {
    const std::string origin = display_path(file);
    constexpr std::size_t kMaxManifestBytes = 1 << 20;
    auto text = read_small_file(file, kMaxManifestBytes);
    if (!text)
        return asset_sdk::io_error(origin + ": cannot read file: " + text.status().message());
    return yaml_to_json(*text, origin);
}

}  // namespace asset_host
