#include "config/manifest_finder.h"

#include "common/paths.h"
#include "config/yaml_json.h"

#include <algorithm>
#include <map>
#include <system_error>

namespace asset_host {

namespace fs = std::filesystem;

namespace {
bool has_manifest_extension(const fs::path& p) {
    const std::string ext = p.extension().string();
    return ext == ".yaml" || ext == ".yml";
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
}
}  // namespace

asset_sdk::Result<std::vector<fs::path>> list_manifest_files(const fs::path& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        return asset_sdk::not_found("manifests directory " + display_path(dir) +
                                    " does not exist (set --manifests-dir or "
                                    "ASSET_HOST_MANIFESTS_DIR)");
    }
    std::vector<fs::path> files;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (has_manifest_extension(it->path()) && it->is_regular_file(ec)) {
            files.push_back(it->path());
        }
    }
    if (ec) {
        return asset_sdk::io_error("cannot list manifests directory " + display_path(dir) + ": " +
                                   ec.message());
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::optional<std::string> peek_manifest_name(const fs::path& file) {
    auto doc = load_yaml_file(file);
    if (!doc || !doc->is_object()) return std::nullopt;
    const auto it = doc->find("name");
    if (it == doc->end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

bool is_file_argument(const std::string& arg) {
    std::error_code ec;
    return has_manifest_extension(fs::path(arg)) || fs::exists(arg, ec);
}

asset_sdk::Result<fs::path> find_manifest(const std::string& arg, const fs::path& manifests_dir) {
    if (is_file_argument(arg)) {
        std::error_code ec;
        if (!fs::exists(arg, ec)) return asset_sdk::not_found(arg + ": no such file");
        if (fs::is_directory(arg, ec)) {
            return asset_sdk::invalid_argument(arg + ": is a directory, not a manifest file");
        }
        return fs::path(arg);
    }
    auto files = list_manifest_files(manifests_dir);
    if (!files) return files.status();
    std::vector<fs::path> matches;
    std::vector<std::string> known;
    for (const auto& f : *files) {
        const auto name = peek_manifest_name(f);
        if (!name) continue;
        known.push_back(*name);
        if (*name == arg) matches.push_back(f);
    }
    if (matches.size() > 1) {
        return asset_sdk::invalid_argument("connector name \"" + arg + "\" is defined by both " +
                                           display_path(matches[0]) + " and " +
                                           display_path(matches[1]));
    }
    if (matches.empty()) {
        std::sort(known.begin(), known.end());
        known.erase(std::unique(known.begin(), known.end()), known.end());
        return asset_sdk::not_found("no connector named \"" + arg + "\" in " +
                                    display_path(manifests_dir) +
                                    (known.empty() ? std::string(" (no valid manifest there)")
                                                   : " (known: " + join(known) + ")"));
    }
    return matches.front();
}

std::vector<DuplicateName> find_duplicate_names(const std::vector<fs::path>& files) {
    std::vector<DuplicateName> out;
    std::map<std::string, fs::path> first_by_name;
    for (const auto& f : files) {
        const auto name = peek_manifest_name(f);
        if (!name) continue;
        const auto [it, inserted] = first_by_name.emplace(*name, f);
        if (!inserted) out.push_back({*name, it->second, f});
    }
    return out;
}

}  // namespace asset_host
