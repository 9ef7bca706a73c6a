// Finding manifests: the NAME|FILE argument of the commands, and the manifests directory.
//   - an argument that names an existing path, or ends in .yaml/.yml, is a file;
//   - anything else is a connector name, looked up by the `name:` field of every manifest in the
//     manifests directory (a name defined by two files is an error naming both).
#pragma once

#include <asset_sdk/status.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace asset_host {

// *.yaml and *.yml files directly in `dir`, sorted by name. Fails when `dir` is missing.
asset_sdk::Result<std::vector<std::filesystem::path>> list_manifest_files(
    const std::filesystem::path& dir);

// The `name:` of a manifest, read without validating anything else; nullopt when the file
// cannot be read or parsed or has no string name. References in the name are not resolved.
std::optional<std::string> peek_manifest_name(const std::filesystem::path& file);

bool is_file_argument(const std::string& arg);

// Resolves NAME|FILE to a manifest path. Errors (kNotFound / kInvalidArgument) are complete
// sentences naming the directory or the files involved.
asset_sdk::Result<std::filesystem::path> find_manifest(const std::string& arg,
                                                       const std::filesystem::path& manifests_dir);

struct DuplicateName {
    std::string name;
    std::filesystem::path first;
    std::filesystem::path second;
};
// Connector names defined by more than one of `files`.
std::vector<DuplicateName> find_duplicate_names(const std::vector<std::filesystem::path>& files);

}  // namespace asset_host
