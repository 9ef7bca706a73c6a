#include "config/manifest_loader.h"

#include "common/paths.h"
#include "common/redactor.h"
#include "config/byte_size.h"
#include "config/host_schemas.h"
#include "config/yaml_json.h"

#include <asset_sdk/text.h>
#include <asset_sdk/time_util.h>
#include <asset_sdk/url.h>

#include <unistd.h>

#include <cerrno>

namespace asset_host {
namespace {

using nlohmann::json;

// The smallest limits.memory: below it the worker (this executable, its libraries, the
// plugin's, a few thread stacks) cannot even start.
constexpr std::uint64_t kMinMemoryLimit = 128u << 20;

const char* kDurationHelp =
    "must be a duration such as 30s, 20m, 1h or 1d (a bare number means seconds)";

class Loader {
public:
    Loader(const std::filesystem::path& file, const PluginSchemaLookup& lookup,
           const ManifestLoadOptions& options, ManifestLoad& out)
        : file_(file), where_(display_path(file)), lookup_(lookup), options_(options), out_(out) {
        base_dir_ = file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
    }

    void run() {
        auto parsed = load_yaml_file(file_);
        if (!parsed) {
            out_.errors.push_back(parsed.status().message());
            return;
        }
        doc_ = std::move(parsed).value();
        if (doc_.is_null()) {
            error("",
                  "the manifest is empty (it needs at least name and plugin; see "
                  "manifests/README.md)");
            return;
        }
        if (!doc_.is_object()) {
            error("", "the manifest must be a mapping (name: ..., plugin: ..., config: ...)");
            return;
        }
        // `config:` with nothing under it is an empty config, not a type error.
        if (auto it = doc_.find("config"); it != doc_.end() && it->is_null()) *it = json::object();

        refs_ = resolve_references(doc_, base_dir_, options_.env);
        for (const auto& e : refs_.errors) out_.errors.push_back(where_ + ": " + e);
        if (auto it = doc_.find("name"); it != doc_.end() && it->is_string()) out_.name = *it;
        if (auto it = doc_.find("plugin"); it != doc_.end() && it->is_string()) out_.plugin = *it;

        report(manifest_schema().validate(doc_, ""));

        Manifest m;
        m.file = file_;
        m.name = out_.name;
        m.plugin = out_.plugin;
        if (auto it = doc_.find("enabled"); it != doc_.end() && it->is_boolean()) m.enabled = *it;
        if (auto it = doc_.find("log_level"); it != doc_.end() && it->is_string()) {
            m.log_level = *it;
        }
        read_schedule(m);
        read_isolation(m);
        read_destination(m);
        read_config(m);
        register_secrets(m);
        if (out_.errors.empty()) out_.manifest = std::move(m);
    }

private:
    void error(const std::string& path, const std::string& message) {
        out_.errors.push_back(where_ + ": " + (path.empty() ? message : path + ": " + message));
    }

    void report(const std::vector<SchemaIssue>& issues) {
        for (const auto& issue : issues) {
            // A key whose reference failed was already reported; its raw text would only
            // produce a second, confusing message.
            if (refs_.failed_paths.count(issue.path)) continue;
            out_.errors.push_back(where_ + ": " + issue.str());
        }
    }

    std::optional<asset_sdk::Millis> duration(const json& v, const std::string& path,
                                              asset_sdk::Millis minimum) {
        std::optional<asset_sdk::Millis> d;
        if (v.is_number_integer() && v.get<std::int64_t>() >= 0 &&
            v.get<std::int64_t>() < (std::int64_t{1} << 40)) {
            d = std::chrono::seconds(v.get<std::int64_t>());
        } else if (v.is_string()) {
            d = asset_sdk::parse_duration(v.get<std::string>());
        } else {
            return std::nullopt;  // wrong type: the schema already said so
        }
        if (!d) {
            if (!refs_.failed_paths.count(path)) error(path, kDurationHelp);
            return std::nullopt;
        }
        if (*d < minimum) {
            error(path, "must be at least " + asset_sdk::format_duration(minimum));
            return std::nullopt;
        }
        return d;
    }

    void read_schedule(Manifest& m) {
        const auto it = doc_.find("schedule");
        if (it == doc_.end() || !it->is_object()) return;
        if (const auto every = it->find("every"); every != it->end()) {
            if (auto d = duration(*every, "schedule.every", std::chrono::seconds(1))) {
                m.schedule.every = *d;
            }
        }
    }

    // isolation: and limits: (manifests/README.md, "Isolation and limits").
    void read_isolation(Manifest& m) {
        if (auto it = doc_.find("isolation"); it != doc_.end() && *it == "thread") {
            m.isolation = Isolation::kThread;
        }
        const auto limits = doc_.find("limits");
        if (limits == doc_.end() || !limits->is_object()) return;
        if (const auto memory = limits->find("memory"); memory != limits->end()) {
            read_memory_limit(*memory, m);
        }
        if (const auto timeout = limits->find("cycle_timeout"); timeout != limits->end()) {
            if (auto d = duration(*timeout, "limits.cycle_timeout", std::chrono::seconds(1))) {
                m.limits.cycle_timeout = *d;
            }
        }
        if (m.isolation == Isolation::kThread && (m.limits.memory || m.limits.cycle_timeout)) {
            out_.warnings.push_back(where_ +
                                    ": limits: apply with isolation: process only; ignored with "
                                    "isolation: thread");
        }
    }

    void read_memory_limit(const json& v, Manifest& m) {
        const std::string path = "limits.memory";
        std::optional<std::uint64_t> bytes;
        if (v.is_number_integer()) {
            if (v.get<std::int64_t>() > 0) bytes = v.get<std::uint64_t>();
        } else if (v.is_string()) {
            bytes = parse_byte_size(v.get<std::string>());
        } else {
            return;  // wrong type: the schema already said so
        }
        if (!bytes) {
            if (!refs_.failed_paths.count(path)) {
                error(path,
                      "must be a size such as 512MiB or 2GiB (units B, KiB, MiB, GiB, TiB; a "
                      "bare number means bytes)");
            }
            return;
        }
        if (*bytes < kMinMemoryLimit) {
            error(path, "must be at least " + format_byte_size(kMinMemoryLimit) +
                            " (the worker process itself needs about that much address space)");
            return;
        }
        m.limits.memory = *bytes;
    }

    void read_destination(Manifest& m) {
        const auto it = doc_.find("destination");
        if (it == doc_.end()) return;  // default: stdout
        if (!it->is_object()) return;  // the manifest schema reported it
        const json& d = *it;
        const auto type = d.find("type");
        if (type == d.end() || !type->is_string()) return;
        const JsonSchema* schema = destination_schema(type->get<std::string>());
        if (!schema) return;  // the manifest schema reported the enum
        report(schema->validate(d, "destination"));
        for (auto& secret : schema->secrets(d, "destination"))
            secrets_.push_back(std::move(secret));

        DestinationSpec& spec = m.destination;
        const std::string t = type->get<std::string>();
        if (t == "stdout") {
            spec.type = DestinationSpec::Type::kStdout;
        } else if (t == "file") {
            spec.type = DestinationSpec::Type::kFile;
            if (auto p = d.find("path"); p != d.end() && p->is_string()) {
                std::filesystem::path path(p->get<std::string>());
                spec.file.path = path.is_relative() ? base_dir_ / path : path;
            }
        } else {
            spec.type = DestinationSpec::Type::kSekoia;
            read_sekoia(d, spec);
        }
    }

    void read_sekoia(const json& d, DestinationSpec& spec) {
        SekoiaDestinationSpec& s = spec.sekoia;
        auto str = [&](const char* key) -> const std::string* {
            const auto it = d.find(key);
            return (it != d.end() && it->is_string()) ? &it->get_ref<const std::string&>()
                                                      : nullptr;
        };
        auto integer = [&](const char* key, int& into) {
            const auto it = d.find(key);
            if (it != d.end() && it->is_number_integer()) into = it->get<int>();
        };
        if (auto it = d.find("allow_insecure_http"); it != d.end() && it->is_boolean()) {
            s.allow_insecure_http = *it;
        }
        if (const std::string* url = str("base_url")) s.base_url = *url;
        while (s.base_url.size() > 1 && s.base_url.back() == '/') s.base_url.pop_back();
        if (!refs_.failed_paths.count("destination.base_url")) {
            auto parsed = asset_sdk::parse_url(s.base_url);
            if (!parsed) {
                // Not quoting the URL: it could carry credentials.
                error("destination.base_url",
                      "must be an absolute https:// URL without user:password@ (e.g. "
                      "https://api.sekoia.io)");
            } else if (parsed->scheme != "https" && !s.allow_insecure_http) {
                error("destination.base_url",
                      "must use https:// (allow_insecure_http: true is only for a loopback test "
                      "simulator)");
            }
        }
        // Sent trimmed (a ${file:} with a trailing space, a variable with a tab): surrounding
        // whitespace is never part of a key. Both forms are registered as secrets.
        if (const std::string* key = str("api_key")) s.api_key = asset_sdk::trim(*key);
        if (const std::string* uuid = str("connector_uuid")) s.connector_uuid = *uuid;
        integer("batch_size", spec.batch_size);
        integer("max_in_flight", spec.max_in_flight);
        if (auto it = d.find("max_record_bytes"); it != d.end() && it->is_number_unsigned()) {
            spec.max_record_bytes = it->get<std::size_t>();
        }
        if (auto it = d.find("request_timeout"); it != d.end()) {
            if (auto v = duration(*it, "destination.request_timeout", std::chrono::seconds(1))) {
                s.request_timeout = *v;
            }
        }
        if (auto it = d.find("retry_budget"); it != d.end()) {
            if (auto v = duration(*it, "destination.retry_budget", asset_sdk::Millis(0))) {
                s.retry_budget = *v;
            }
        }
        if (const std::string* ca = str("ca_file")) {
            std::filesystem::path path(*ca);
            if (path.is_relative()) path = base_dir_ / path;
            s.ca_file = path.string();
            if (::access(path.c_str(), R_OK) != 0 &&
                !refs_.failed_paths.count("destination.ca_file")) {
                error("destination.ca_file",
                      "cannot read file " + display_path(path) + ": " + errno_message(errno));
            }
        }
        if (const std::string* proxy = str("proxy")) {
            s.proxy = *proxy;
            // A proxy URL may carry credentials (http://user:password@proxy:3128).
            if (proxy->find('@') != std::string::npos) {
                secrets_.push_back({"destination.proxy", *proxy});
            }
        }
    }

    void read_config(Manifest& m) {
        const auto it = doc_.find("config");
        m.config = (it != doc_.end()) ? *it : json::object();
        if (out_.plugin.empty() || refs_.failed_paths.count("plugin")) return;
        // The schema reported a malformed id; looking it up would only repeat that.
        for (const auto& e : out_.errors) {
            if (e.rfind(where_ + ": plugin: ", 0) == 0) return;
        }
        auto schema = lookup_(out_.plugin);
        if (!schema) {
            error("plugin", schema.status().message());
            return;
        }
        if (!m.config.is_object()) return;  // the manifest schema reported it
        report((*schema)->validate(m.config, "config"));
        for (auto& secret : (*schema)->secrets(m.config, "config")) {
            secrets_.push_back(std::move(secret));
        }
    }

    void register_secrets(Manifest& m) {
        for (const auto& secret : secrets_) {
            // A failed reference left its "${...}" text in place: that is not a secret.
            if (secret.value.empty() || refs_.failed_paths.count(secret.path)) continue;
            // Both forms: what was written (or read from the file/variable) and what a consumer
            // sends. Plugins and the Sekoia destination trim surrounding whitespace, so a server
            // echoing the credential it received shows the trimmed form.
            Redactor::global().add(secret.value);
            m.secret_values.push_back(secret.value);
            if (const std::string_view sent = asset_sdk::trim(secret.value);
                !sent.empty() && sent.size() != secret.value.size()) {
                Redactor::global().add(sent);
                m.secret_values.emplace_back(sent);
            }
            const bool inline_value = !refs_.referenced_paths.count(secret.path);
            if (inline_value && secret.path != "destination.proxy") {
                out_.warnings.push_back(where_ + ": " + secret.path +
                                        ": secret written inline in the manifest; prefer "
                                        "${env:NAME} or ${file:PATH}");
            }
        }
    }

    const std::filesystem::path& file_;
    const std::string where_;
    const PluginSchemaLookup& lookup_;
    const ManifestLoadOptions& options_;
    ManifestLoad& out_;
    std::filesystem::path base_dir_;
    json doc_;
    ReferenceResolution refs_;
    std::vector<SecretValue> secrets_;
};

}  // namespace

ManifestLoad load_manifest(const std::filesystem::path& file, const PluginSchemaLookup& lookup,
                           const ManifestLoadOptions& options) {
    ManifestLoad out;
    try {
        Loader(file, lookup, options, out).run();
    } catch (const std::exception& e) {
        // Nothing here should throw; if it does, fail this manifest instead of the process.
        out.manifest.reset();
        out.errors.push_back(display_path(file) + ": internal error while loading: " + e.what());
    }
    return out;
}

}  // namespace asset_host
