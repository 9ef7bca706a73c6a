#include "config/references.h"

#include "common/paths.h"

#include <asset_sdk/text.h>

#include <cstdlib>
#include <string_view>

namespace asset_host {
namespace {

constexpr std::size_t kMaxReferencedFileBytes = 1 << 20;

bool valid_env_name(std::string_view name) {
    if (name.empty()) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
        const bool digit = c >= '0' && c <= '9';
        if (!(alpha || (digit && i > 0))) return false;
    }
    return true;
}

class Resolver {
public:
    Resolver(const std::filesystem::path& base_dir, const EnvLookup& env, ReferenceResolution& out)
        : base_dir_(base_dir), env_(env), out_(out) {}

    void walk(nlohmann::json& node, const std::string& path) {
        if (node.is_object()) {
            for (auto it = node.begin(); it != node.end(); ++it) {
                walk(it.value(), join_key_path(path, it.key()));
            }
        } else if (node.is_array()) {
            for (std::size_t i = 0; i < node.size(); ++i) walk(node[i], join_index_path(path, i));
        } else if (node.is_string()) {
            resolve_string(node, path);
        }
    }

private:
    void resolve_string(nlohmann::json& node, const std::string& path) {
        const std::string& in = node.get_ref<const std::string&>();
        if (in.find('$') == std::string::npos) return;
        std::string result;
        result.reserve(in.size());
        bool used_reference = false;
        bool failed = false;
        std::size_t i = 0;
        while (i < in.size()) {
            if (in.compare(i, 3, "$${") == 0) {  // escape: a literal "${"
                result += "${";
                i += 3;
                continue;
            }
            if (in.compare(i, 2, "${") != 0) {
                result += in[i++];
                continue;
            }
            const std::size_t close = in.find('}', i + 2);
            if (close == std::string::npos) {
                // The text itself is not quoted: it may be (part of) an inline secret.
                error(path,
                      "unterminated reference: \"${\" without a closing \"}\" (write $${ "
                      "for a literal ${)");
                failed = true;
                break;
            }
            const std::string ref = in.substr(i, close + 1 - i);  // "${env:NAME}"
            const std::string body = in.substr(i + 2, close - i - 2);
            std::string value;
            used_reference = true;
            if (!resolve_one(path, ref, body, value)) failed = true;
            result += value;
            i = close + 1;
        }
        if (used_reference) out_.referenced_paths.insert(path);
        if (!failed && asset_sdk::find_invalid_utf8(result) != std::string::npos) {
            // A binary key file or a mis-encoded variable: configuration values are text, and
            // the JSON libraries they go through need UTF-8. The value itself is never shown.
            error(path, "the referenced value is not valid UTF-8 text (save it as UTF-8)");
            failed = true;
        }
        if (failed) {
            out_.failed_paths.insert(path);
            return;  // leave the value as written
        }
        node = std::move(result);
    }

    bool resolve_one(const std::string& path, const std::string& ref, const std::string& body,
                     std::string& value) {
        const std::size_t colon = body.find(':');
        const std::string kind = colon == std::string::npos ? body : body.substr(0, colon);
        const std::string arg = colon == std::string::npos ? "" : body.substr(colon + 1);
        if (colon != std::string::npos && kind == "env") return resolve_env(path, ref, arg, value);
        if (colon != std::string::npos && kind == "file")
            return resolve_file(path, ref, arg, value);
        if (colon != std::string::npos && kind == "cred")
            return resolve_cred(path, ref, arg, value);
        error(path, "unknown reference kind \"" + kind.substr(0, 16) +
                        "\" (use ${env:NAME}, ${file:PATH} or ${cred:NAME}; write $${ for a "
                        "literal ${)");
        return false;
    }

    bool resolve_env(const std::string& path, const std::string& ref, const std::string& name,
                     std::string& value) {
        if (!valid_env_name(name)) {
            error(path, "invalid environment variable name in " + ref);
            return false;
        }
        const std::optional<std::string> v = env_(name);
        if (!v) {
            error(path, "environment variable " + name + " is not set (referenced as " + ref + ")");
            return false;
        }
        value = *v;
        return true;
    }

    bool resolve_file(const std::string& path, const std::string& ref, const std::string& arg,
                      std::string& value) {
        if (arg.empty()) {
            error(path, "empty file path in " + ref);
            return false;
        }
        std::filesystem::path file(arg);
        if (file.is_relative()) file = base_dir_ / file;
        return read_secret(path, "file " + display_path(file), file, "(referenced as " + ref + ")",
                           value);
    }

    // systemd credentials: the service manager copies each LoadCredential= secret into a private
    // directory it names in $CREDENTIALS_DIRECTORY.
    bool resolve_cred(const std::string& path, const std::string& ref, const std::string& name,
                      std::string& value) {
        if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos) {
            error(path, "invalid credential name in " + ref + " (a file name, without '/')");
            return false;
        }
        const std::optional<std::string> dir = env_("CREDENTIALS_DIRECTORY");
        if (!dir || dir->empty()) {
            error(path, ref +
                            " needs CREDENTIALS_DIRECTORY, which is not set: systemd sets it "
                            "for a service with LoadCredential=" +
                            name);
            return false;
        }
        const std::filesystem::path file = std::filesystem::path(*dir) / name;
        return read_secret(
            path, "credential " + name + " (" + display_path(file) + ")", file,
            "(referenced as " + ref + "; does the service have LoadCredential=" + name + "?)",
            value);
    }

    // The content of a secret file; the trailing newline editors and `echo` add is not part of
    // the secret.
    bool read_secret(const std::string& path, const std::string& what,
                     const std::filesystem::path& file, const std::string& hint,
                     std::string& value) {
        auto content = read_small_file(file, kMaxReferencedFileBytes);
        if (!content) {
            error(path, "cannot read " + what + ": " + content.status().message() + " " + hint);
            return false;
        }
        value = std::move(content).value();
        if (!value.empty() && value.back() == '\n') value.pop_back();
        if (!value.empty() && value.back() == '\r') value.pop_back();
        return true;
    }

    void error(const std::string& path, const std::string& what) {
        out_.errors.push_back((path.empty() ? std::string() : path + ": ") + what);
    }

    const std::filesystem::path& base_dir_;
    const EnvLookup& env_;
    ReferenceResolution& out_;
};

}  // namespace

EnvLookup process_env() {
    return [](const std::string& name) -> std::optional<std::string> {
        const char* v = std::getenv(name.c_str());
        if (!v) return std::nullopt;
        return std::string(v);
    };
}

ReferenceResolution resolve_references(nlohmann::json& doc, const std::filesystem::path& base_dir,
                                       const EnvLookup& env) {
    ReferenceResolution out;
    Resolver(base_dir, env, out).walk(doc, "");
    return out;
}

std::string join_key_path(const std::string& parent, const std::string& key) {
    return parent.empty() ? key : parent + "." + key;
}

std::string join_index_path(const std::string& parent, std::size_t index) {
    return parent + "[" + std::to_string(index) + "]";
}

}  // namespace asset_host
