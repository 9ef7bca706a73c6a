#include "scim_filter.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

#include "time_format.h"

namespace oktasim {

namespace {

enum class Op { kEq, kNe, kGt, kGe, kLt, kLe, kSw, kCo, kPr };

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::optional<Op> op_from(std::string_view word) {
    const std::string w = lower(word);
    if (w == "eq") return Op::kEq;
    if (w == "ne") return Op::kNe;
    if (w == "gt") return Op::kGt;
    if (w == "ge") return Op::kGe;
    if (w == "lt") return Op::kLt;
    if (w == "le") return Op::kLe;
    if (w == "sw") return Op::kSw;
    if (w == "co") return Op::kCo;
    if (w == "pr") return Op::kPr;
    return std::nullopt;
}

struct Token {
    enum Kind { kWord, kString, kLParen, kRParen, kEnd } kind;
    std::string text;
};

struct Literal {
    enum Kind { kString, kBool, kNull, kNumber } kind = kNull;
    std::string text;
    bool boolean = false;
    double number = 0;
    int64_t time_us = 0;  // for lastUpdated comparisons
};

std::optional<std::string> tokenize(std::string_view s, std::vector<Token>& out) {
    size_t i = 0;
    while (i < s.size()) {
        const char c = s[i];
        if (c == ' ' || c == '\t') {
            ++i;
        } else if (c == '(') {
            out.push_back({Token::kLParen, "("});
            ++i;
        } else if (c == ')') {
            out.push_back({Token::kRParen, ")"});
            ++i;
        } else if (c == '"') {
            std::string value;
            ++i;
            bool closed = false;
            while (i < s.size()) {
                if (s[i] == '\\') {
                    if (i + 1 >= s.size()) return "unterminated escape in string literal";
                    value.push_back(s[i + 1]);
                    i += 2;
                } else if (s[i] == '"') {
                    closed = true;
                    ++i;
                    break;
                } else {
                    value.push_back(s[i++]);
                }
            }
            if (!closed) return "unterminated string literal";
            out.push_back({Token::kString, value});
        } else {
            const size_t start = i;
            while (i < s.size() && s[i] != ' ' && s[i] != '\t' && s[i] != '(' && s[i] != ')' &&
                   s[i] != '"') {
                ++i;
            }
            out.push_back({Token::kWord, std::string(s.substr(start, i - start))});
        }
    }
    out.push_back({Token::kEnd, ""});
    return std::nullopt;
}

bool is_known_attribute(const std::string& path) {
    static const std::vector<std::string> kProfile = {"displayName",
                                                      "platform",
                                                      "manufacturer",
                                                      "model",
                                                      "osVersion",
                                                      "serialNumber",
                                                      "imei",
                                                      "meid",
                                                      "udid",
                                                      "sid",
                                                      "tpmPublicKeyHash",
                                                      "registered",
                                                      "secureHardwarePresent",
                                                      "diskEncryptionType",
                                                      "integrityJailbreak",
                                                      "managed"};
    if (path == "id" || path == "status" || path == "lastUpdated") return true;
    if (path.rfind("profile.", 0) == 0) {
        return std::find(kProfile.begin(), kProfile.end(), path.substr(8)) != kProfile.end();
    }
    return false;
}

bool allows_contains(const std::string& path) {
    return path == "profile.displayName" || path == "profile.serialNumber" ||
           path == "profile.imei" || path == "profile.meid" || path == "profile.udid" ||
           path == "profile.sid";
}

}  // namespace

struct ScimFilter::Node {
    enum Kind { kAnd, kOr, kNot, kCompare } kind = kCompare;
    std::unique_ptr<Node> left, right;  // kAnd/kOr use both, kNot uses left
    std::string attribute;
    Op op = Op::kEq;
    Literal literal;

    bool eval(const Device& d) const;
};

namespace {

const Json* lookup(const Device& d, const std::string& path) {
    if (path.rfind("profile.", 0) == 0) {
        const auto profile = d.doc.find("profile");
        if (profile == d.doc.end() || !profile->is_object()) return nullptr;
        const auto it = profile->find(path.substr(8));
        return it == profile->end() ? nullptr : &*it;
    }
    const auto it = d.doc.find(path);
    return it == d.doc.end() ? nullptr : &*it;
}

template <typename T>
bool ordered(Op op, const T& a, const T& b) {
    switch (op) {
        case Op::kGt:
            return a > b;
        case Op::kGe:
            return a >= b;
        case Op::kLt:
            return a < b;
        case Op::kLe:
            return a <= b;
        default:
            return false;
    }
}

class Parser {
public:
    explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

    std::unique_ptr<ScimFilter::Node> parse_all(std::string& error) {
        auto node = parse_or(error);
        if (node && peek().kind != Token::kEnd) {
            error = "unexpected '" + peek().text + "'";
            return nullptr;
        }
        return node;
    }

private:
    const Token& peek() const { return tokens_[pos_]; }
    Token next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
    bool peek_keyword(const char* kw) const {
        return peek().kind == Token::kWord && lower(peek().text) == kw;
    }

    std::unique_ptr<ScimFilter::Node> parse_or(std::string& error) {
        auto left = parse_and(error);
        while (left && peek_keyword("or")) {
            next();
            auto right = parse_and(error);
            if (!right) return nullptr;
            auto node = std::make_unique<ScimFilter::Node>();
            node->kind = ScimFilter::Node::kOr;
            node->left = std::move(left);
            node->right = std::move(right);
            left = std::move(node);
        }
        return left;
    }

    std::unique_ptr<ScimFilter::Node> parse_and(std::string& error) {
        auto left = parse_unary(error);
        while (left && peek_keyword("and")) {
            next();
            auto right = parse_unary(error);
            if (!right) return nullptr;
            auto node = std::make_unique<ScimFilter::Node>();
            node->kind = ScimFilter::Node::kAnd;
            node->left = std::move(left);
            node->right = std::move(right);
            left = std::move(node);
        }
        return left;
    }

    std::unique_ptr<ScimFilter::Node> parse_unary(std::string& error) {
        if (peek_keyword("not")) {
            next();
            auto inner = parse_unary(error);
            if (!inner) return nullptr;
            auto node = std::make_unique<ScimFilter::Node>();
            node->kind = ScimFilter::Node::kNot;
            node->left = std::move(inner);
            return node;
        }
        if (peek().kind == Token::kLParen) {
            next();
            auto inner = parse_or(error);
            if (!inner) return nullptr;
            if (peek().kind != Token::kRParen) {
                error = "missing ')'";
                return nullptr;
            }
            next();
            return inner;
        }
        return parse_comparison(error);
    }

    std::unique_ptr<ScimFilter::Node> parse_comparison(std::string& error) {
        const Token attr = next();
        if (attr.kind != Token::kWord) {
            error = attr.kind == Token::kEnd
                        ? "unexpected end of filter"
                        : "expected an attribute name, got '" + attr.text + "'";
            return nullptr;
        }
        if (!is_known_attribute(attr.text)) {
            error = "'" + attr.text + "' is not a searchable device attribute";
            return nullptr;
        }
        const Token op_token = next();
        const auto op = op_token.kind == Token::kWord ? op_from(op_token.text) : std::nullopt;
        if (!op) {
            error = "expected an operator after '" + attr.text + "'";
            return nullptr;
        }
        auto node = std::make_unique<ScimFilter::Node>();
        node->attribute = attr.text;
        node->op = *op;
        if (*op == Op::kPr) return node;
        if (*op == Op::kCo && !allows_contains(attr.text)) {
            error = "operator 'co' is not supported for '" + attr.text + "'";
            return nullptr;
        }
        const Token value = next();
        Literal& lit = node->literal;
        if (value.kind == Token::kString) {
            lit.kind = Literal::kString;
            lit.text = value.text;
        } else if (value.kind == Token::kWord) {
            const std::string w = lower(value.text);
            if (w == "true" || w == "false") {
                lit.kind = Literal::kBool;
                lit.boolean = w == "true";
            } else if (w == "null") {
                lit.kind = Literal::kNull;
            } else {
                char* end = nullptr;
                lit.number = std::strtod(value.text.c_str(), &end);
                if (value.text.empty() || *end != '\0') {
                    error = "invalid value '" + value.text + "' (strings must be double-quoted)";
                    return nullptr;
                }
                lit.kind = Literal::kNumber;
            }
        } else {
            error = "expected a value after the operator";
            return nullptr;
        }
        if (attr.text == "lastUpdated") {
            const auto us =
                lit.kind == Literal::kString ? parse_iso8601_us(lit.text) : std::nullopt;
            if (!us) {
                error = "lastUpdated needs a date in the form yyyy-MM-dd'T'HH:mm:ss.SSSZ";
                return nullptr;
            }
            lit.time_us = *us;
        }
        if ((*op == Op::kSw || *op == Op::kCo) && lit.kind != Literal::kString) {
            error = "operators sw and co need a string value";
            return nullptr;
        }
        return node;
    }

    std::vector<Token> tokens_;
    size_t pos_ = 0;
};

}  // namespace

bool ScimFilter::Node::eval(const Device& d) const {
    switch (kind) {
        case kAnd:
            return left->eval(d) && right->eval(d);
        case kOr:
            return left->eval(d) || right->eval(d);
        case kNot:
            return !left->eval(d);
        case kCompare:
            break;
    }
    const Json* value = lookup(d, attribute);
    const bool missing = value == nullptr || value->is_null();
    if (op == Op::kPr) return !missing;
    if (op == Op::kEq || op == Op::kNe) {
        bool equal = false;
        if (literal.kind == Literal::kNull) {
            equal = missing;
        } else if (!missing) {
            if (attribute == "lastUpdated") {
                equal = d.last_updated_ms * 1000 == literal.time_us;
            } else if (literal.kind == Literal::kString && value->is_string()) {
                equal = value->get_ref<const std::string&>() == literal.text;
            } else if (literal.kind == Literal::kBool && value->is_boolean()) {
                equal = value->get<bool>() == literal.boolean;
            } else if (literal.kind == Literal::kNumber && value->is_number()) {
                equal = value->get<double>() == literal.number;
            }
        }
        return op == Op::kEq ? equal : !equal;
    }
    if (missing) return false;
    if (attribute == "lastUpdated") return ordered(op, d.last_updated_ms * 1000, literal.time_us);
    if (literal.kind == Literal::kString && value->is_string()) {
        const std::string& s = value->get_ref<const std::string&>();
        if (op == Op::kSw) return s.rfind(literal.text, 0) == 0;
        if (op == Op::kCo) return s.find(literal.text) != std::string::npos;
        return ordered(op, s, literal.text);
    }
    if (literal.kind == Literal::kNumber && value->is_number()) {
        return ordered(op, value->get<double>(), literal.number);
    }
    return false;
}

ScimFilter::ScimFilter(std::unique_ptr<Node> root) : root_(std::move(root)) {}
ScimFilter::ScimFilter(ScimFilter&&) noexcept = default;
ScimFilter& ScimFilter::operator=(ScimFilter&&) noexcept = default;
ScimFilter::~ScimFilter() = default;

std::variant<ScimFilter, std::string> ScimFilter::parse(std::string_view text) {
    std::vector<Token> tokens;
    if (auto err = tokenize(text, tokens)) return *err;
    if (tokens.size() == 1) return std::string("empty search expression");
    Parser parser(std::move(tokens));
    std::string error;
    auto root = parser.parse_all(error);
    if (!root) return error.empty() ? std::string("invalid search expression") : error;
    return ScimFilter(std::move(root));
}

bool ScimFilter::matches(const Device& device) const {
    return root_->eval(device);
}

}  // namespace oktasim
