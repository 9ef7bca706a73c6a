#include <asset_sdk/text.h>
#include <asset_sdk/www_authenticate.h>

#include <cstddef>

// Hand-written: libcurl parses challenges only inside its own authentication code and exposes
// no parser, and no Debian library offers one. The grammar is small (RFC 9110 §11):
//   challenges = 1#( auth-scheme [ 1*SP ( token68 / #auth-param ) ] )
//   auth-param = token BWS "=" BWS ( token / quoted-string )
// Commas separate both challenges and parameters, so after a comma a look-ahead decides:
// `token =` continues the parameter list, anything else starts a new challenge.
namespace asset_sdk {

namespace {

constexpr std::size_t kMaxChallenges = 32;
constexpr std::size_t kMaxParams = 32;

bool is_tchar(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    switch (c) {
        case '!':
        case '#':
        case '$':
        case '%':
        case '&':
        case '\'':
        case '*':
        case '+':
        case '-':
        case '.':
        case '^':
        case '_':
        case '`':
        case '|':
        case '~':
            return true;
        default:
            return false;
    }
}

bool is_token68_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
}

bool is_ws(char c) {
    return c == ' ' || c == '\t';
}

class Parser {
public:
    explicit Parser(std::string_view s) : s_(s) {}

    void parse_into(std::vector<AuthChallenge>& out) {
        while (out.size() < kMaxChallenges) {
            skip_ws_and_commas();
            if (at_end()) return;
            std::string scheme = read_token();
            if (scheme.empty()) {  // not a token: skip the list element
                skip_element();
                continue;
            }
            skip_ws();
            if (peek() == '=') {  // a parameter without a scheme: skip it
                skip_element();
                continue;
            }
            AuthChallenge challenge;
            challenge.scheme = std::move(scheme);
            if (!read_token68(challenge.token68)) read_params(challenge);
            out.push_back(std::move(challenge));
        }
    }

private:
    bool at_end() const { return pos_ >= s_.size(); }
    char peek() const { return at_end() ? '\0' : s_[pos_]; }
    void skip_ws() {
        while (!at_end() && is_ws(s_[pos_])) ++pos_;
    }
    void skip_ws_and_commas() {
        while (!at_end() && (is_ws(s_[pos_]) || s_[pos_] == ',')) ++pos_;
    }

    std::string read_token() {
        const std::size_t start = pos_;
        while (!at_end() && is_tchar(s_[pos_])) ++pos_;
        return std::string(s_.substr(start, pos_ - start));
    }

    // Advances to the next top-level comma (or the end), stepping over quoted strings.
    void skip_element() {
        while (!at_end() && s_[pos_] != ',') {
            if (s_[pos_] == '"') {
                read_quoted();
            } else {
                ++pos_;
            }
        }
    }

    // pos_ at the opening quote; returns the unescaped content. Unterminated: up to the end.
    std::string read_quoted() {
        std::string out;
        ++pos_;
        while (!at_end() && s_[pos_] != '"') {
            if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) ++pos_;
            out.push_back(s_[pos_++]);
        }
        if (!at_end()) ++pos_;
        return out;
    }

    // token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=", alone up to the
    // next comma or the end. Leaves pos_ unchanged when the text is not a token68.
    bool read_token68(std::string& out) {
        std::size_t p = pos_;
        while (p < s_.size() && is_token68_char(s_[p])) ++p;
        if (p == pos_) return false;
        while (p < s_.size() && s_[p] == '=') ++p;
        const std::size_t end = p;
        while (p < s_.size() && is_ws(s_[p])) ++p;
        if (p < s_.size() && s_[p] != ',') return false;
        out = std::string(s_.substr(pos_, end - pos_));
        pos_ = p;
        return true;
    }

    // After a comma: does a parameter (`token BWS "="`) follow, rather than a new challenge?
    bool param_follows_comma() const {
        std::size_t p = pos_;
        while (p < s_.size() && (is_ws(s_[p]) || s_[p] == ',')) ++p;
        const std::size_t name_start = p;
        while (p < s_.size() && is_tchar(s_[p])) ++p;
        if (p == name_start) return false;
        while (p < s_.size() && is_ws(s_[p])) ++p;
        return p < s_.size() && s_[p] == '=';
    }

    void read_params(AuthChallenge& challenge) {
        for (;;) {
            skip_ws();
            if (at_end()) return;
            if (s_[pos_] == ',') {
                if (!param_follows_comma()) return;  // the next challenge starts here
                skip_ws_and_commas();
            }
            std::string name = read_token();
            skip_ws();
            if (name.empty() || peek() != '=') {  // garbage inside the list: skip the element
                skip_element();
                continue;
            }
            ++pos_;
            skip_ws();
            std::string value = peek() == '"' ? read_quoted() : read_token();
            skip_ws();
            if (!at_end() && s_[pos_] != ',') skip_element();  // junk after the value
            if (challenge.params.size() < kMaxParams) {
                for (char& c : name) c = ascii_lower(c);
                challenge.params.push_back({std::move(name), std::move(value)});
            }
        }
    }

    std::string_view s_;
    std::size_t pos_ = 0;
};

}  // namespace

bool AuthChallenge::is(std::string_view scheme_name) const {
    return iequals(scheme, scheme_name);
}

const std::string* AuthChallenge::param(std::string_view name) const {
    for (const AuthParam& p : params) {
        if (iequals(p.name, name)) return &p.value;
    }
    return nullptr;
}

std::vector<AuthChallenge> parse_www_authenticate(std::string_view value) {
    std::vector<AuthChallenge> out;
    Parser(value).parse_into(out);
    return out;
}

std::vector<AuthChallenge> parse_www_authenticate(const std::vector<std::string_view>& values) {
    std::vector<AuthChallenge> out;
    for (std::string_view v : values) {
        if (out.size() >= kMaxChallenges) break;
        Parser(v).parse_into(out);
    }
    return out;
}

const AuthChallenge* find_challenge(const std::vector<AuthChallenge>& challenges,
                                    std::string_view scheme) {
    for (const AuthChallenge& c : challenges) {
        if (c.is(scheme)) return &c;
    }
    return nullptr;
}

}  // namespace asset_sdk
