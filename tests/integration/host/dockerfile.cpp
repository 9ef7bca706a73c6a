#include "dockerfile.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace hosttest {

namespace {

std::string trim(const std::string& s) {
    const auto begin = s.find_first_not_of(" \t\r");
    if (begin == std::string::npos) return "";
    return s.substr(begin, s.find_last_not_of(" \t\r") + 1 - begin);
}

// Splits `A=1 B="two words"` into pairs; quotes removed. The legacy `ENV A 1` form is one pair.
std::vector<std::pair<std::string, std::string>> env_pairs(const std::string& arguments) {
    std::vector<std::pair<std::string, std::string>> pairs;
    const auto first_space = arguments.find(' ');
    const auto first_equals = arguments.find('=');
    if (first_equals == std::string::npos || first_space < first_equals) {
        pairs.emplace_back(
            arguments.substr(0, first_space),
            first_space == std::string::npos ? "" : trim(arguments.substr(first_space)));
        return pairs;
    }
    std::size_t i = 0;
    while (i < arguments.size()) {
        while (i < arguments.size() && arguments[i] == ' ') ++i;
        const auto equals = arguments.find('=', i);
        if (equals == std::string::npos) break;
        std::string name = arguments.substr(i, equals - i);
        std::string value;
        i = equals + 1;
        if (i < arguments.size() && arguments[i] == '"') {
            const auto close = arguments.find('"', i + 1);
            value = arguments.substr(i + 1, close - i - 1);
            i = close == std::string::npos ? arguments.size() : close + 1;
        } else {
            const auto end = std::min(arguments.find(' ', i), arguments.size());
            value = arguments.substr(i, end - i);
            i = end;
        }
        pairs.emplace_back(std::move(name), std::move(value));
    }
    return pairs;
}

}  // namespace

Dockerfile::Dockerfile(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) throw std::runtime_error("cannot read " + file.string());
    std::string line;
    std::string pending;
    while (std::getline(in, line)) {
        const std::string text = trim(line);
        if (text.empty() || text[0] == '#') continue;  // comments may sit inside a continuation
        const bool continued = text.back() == '\\';
        pending +=
            (pending.empty() ? "" : " ") + trim(continued ? text.substr(0, text.size() - 1) : text);
        if (continued) continue;
        const auto space = pending.find(' ');
        DockerInstruction instruction{pending.substr(0, space), space == std::string::npos
                                                                    ? ""
                                                                    : trim(pending.substr(space))};
        std::transform(instruction.keyword.begin(), instruction.keyword.end(),
                       instruction.keyword.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        instructions_.push_back(std::move(instruction));
        pending.clear();
    }
}

std::vector<std::string> Dockerfile::all(const std::string& keyword) const {
    std::vector<std::string> found;
    for (const auto& i : instructions_) {
        if (i.keyword == keyword) found.push_back(i.arguments);
    }
    return found;
}

std::optional<std::string> Dockerfile::last(const std::string& keyword) const {
    const auto found = all(keyword);
    if (found.empty()) return std::nullopt;
    return found.back();
}

std::map<std::string, std::string> Dockerfile::env() const {
    std::map<std::string, std::string> variables;
    for (const auto& arguments : all("ENV")) {
        for (auto& [name, value] : env_pairs(arguments)) variables[name] = std::move(value);
    }
    return variables;
}

std::vector<std::string> Dockerfile::exec_form(const std::string& keyword) const {
    const auto arguments = last(keyword);
    if (!arguments || arguments->empty() || (*arguments)[0] != '[') return {};
    const auto parsed = nlohmann::json::parse(*arguments, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_array()) return {};
    std::vector<std::string> words;
    for (const auto& w : parsed) {
        if (w.is_string()) words.push_back(w.get<std::string>());
    }
    return words;
}

}  // namespace hosttest
