#include <asset_sdk/json_repair.h>

#include "utf8.h"

#include <vector>

namespace asset_sdk {

namespace {

bool is_json_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// The value of four hex digits at text[i..i+4), or -1.
int hex4(std::string_view text, std::size_t i) {
    if (i + 4 > text.size()) return -1;
    int v = 0;
    for (std::size_t k = i; k < i + 4; ++k) {
        const char c = text[k];
        int d;
        if (c >= '0' && c <= '9') {
            d = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            d = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            d = c - 'A' + 10;
        } else {
            return -1;
        }
        v = v * 16 + d;
    }
    return v;
}

bool is_high_surrogate(int cp) {
    return cp >= 0xD800 && cp <= 0xDBFF;
}
bool is_low_surrogate(int cp) {
    return cp >= 0xDC00 && cp <= 0xDFFF;
}

class StringRepairer {
public:
    StringRepairer(std::string_view text, std::string& out) : text_(text), out_(out) {}

    JsonRepairCounts run() {
        out_.clear();
        out_.reserve(text_.size() + 64);
        bool in_string = false;
        while (i_ < text_.size()) {
            const char c = text_[i_];
            if (!in_string) {
                out_.push_back(c);
                ++i_;
                in_string = c == '"';
            } else if (c == '"') {
                out_.push_back(c);
                ++i_;
                in_string = false;
            } else if (c == '\\') {
                escape();
            } else if (static_cast<unsigned char>(c) < 0x20) {
                control(static_cast<unsigned char>(c));
            } else if (static_cast<unsigned char>(c) >= 0x80) {
                non_ascii();
            } else {
                out_.push_back(c);
                ++i_;
            }
        }
        return counts_;
    }

private:
    void note(std::size_t& counter) {
        if (counts_.total() == 0) counts_.first_offset = i_;
        ++counter;
    }

    void replace(std::size_t& counter, std::size_t length) {
        note(counter);
        out_.append(detail::kReplacementUtf8);
        i_ += length;
    }

    void control(unsigned char c) {
        static constexpr char kHex[] = "0123456789abcdef";
        note(counts_.control_chars);
        const char esc[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out_.append(esc, sizeof esc);
        ++i_;
    }

    void non_ascii() {
        std::size_t consumed = 0;
        const std::size_t len = detail::utf8_sequence(text_, i_, consumed);
        if (len == 0) return replace(counts_.invalid_utf8, consumed);
        out_.append(text_.substr(i_, len));
        i_ += len;
    }

    // At a backslash inside a string.
    void escape() {
        if (i_ + 1 >= text_.size()) {  // the text ends inside the escape: nothing to decode
            out_.push_back('\\');
            ++i_;
            return;
        }
        const char e = text_[i_ + 1];
        if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' ||
            e == 't') {
            out_.append(text_.substr(i_, 2));
            i_ += 2;
            return;
        }
        if (e != 'u') return replace(counts_.invalid_escapes, 2);
        const int cp = hex4(text_, i_ + 2);
        if (cp < 0) return replace(counts_.invalid_escapes, 2);
        if (is_high_surrogate(cp)) {
            const bool pair = i_ + 12 <= text_.size() && text_[i_ + 6] == '\\' &&
                              text_[i_ + 7] == 'u' && is_low_surrogate(hex4(text_, i_ + 8));
            if (pair) {
                out_.append(text_.substr(i_, 12));
                i_ += 12;
                return;
            }
            return replace(counts_.lone_surrogates, 6);
        }
        if (is_low_surrogate(cp)) return replace(counts_.lone_surrogates, 6);
        out_.append(text_.substr(i_, 6));
        i_ += 6;
    }

    std::string_view text_;
    std::string& out_;
    std::size_t i_ = 0;
    JsonRepairCounts counts_;
};

}  // namespace

bool json_structure_complete(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size() && is_json_space(text[i])) ++i;
    if (i == text.size() || (text[i] != '[' && text[i] != '{')) return false;
    std::vector<char> open;  // the closers expected, innermost last
    bool in_string = false;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') {
                ++i;  // whatever is escaped cannot end the string
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            open.push_back(c == '[' ? ']' : '}');
        } else if (c == ']' || c == '}') {
            if (open.empty() || open.back() != c) return false;
            open.pop_back();
            if (open.empty()) break;
        }
    }
    if (in_string || !open.empty() || i >= text.size()) return false;
    for (++i; i < text.size(); ++i) {
        if (!is_json_space(text[i])) return false;
    }
    return true;
}

JsonRepairCounts repair_json_strings(std::string_view text, std::string& out) {
    return StringRepairer(text, out).run();
}

}  // namespace asset_sdk
