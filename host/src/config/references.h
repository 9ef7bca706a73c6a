// ${env:NAME}, ${file:PATH} and ${cred:NAME} references inside the string values of a manifest,
// resolved when the manifest is loaded so that secrets never have to be written in the file
// itself.
//   ${env:NAME}   the environment variable NAME (must be set; may be empty)
//   ${file:PATH}  the content of PATH (relative to the manifest's directory), one trailing
//                 newline removed; at most 1 MiB
//   ${cred:NAME}  the systemd credential NAME: the file $CREDENTIALS_DIRECTORY/NAME (systemd
//                 sets the variable for a service with LoadCredential=NAME), read like ${file:}
//   $${           a literal "${"
// A reference may be part of a longer string ("Bearer ${env:TOKEN}"). Resolved values are always
// strings. Error messages name the key path and the reference, never a value:
//   config.api_token: environment variable OKTA_API_TOKEN is not set (referenced as
//   ${env:OKTA_API_TOKEN})
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace asset_host {

// Looks up an environment variable; nullopt when unset. The default reads the real environment.
// ${cred:} asks it for CREDENTIALS_DIRECTORY.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup process_env();

struct ReferenceResolution {
    // "<key path>: <problem>", one per bad reference (the caller prefixes the file).
    std::vector<std::string> errors;
    // Key paths (as in messages, e.g. "config.api_token") whose value used a reference.
    std::set<std::string> referenced_paths;
    // Key paths whose reference failed: their value is left as written.
    std::set<std::string> failed_paths;
};

// Resolves every reference in the string values of `doc`, in place. Keys are not resolved.
ReferenceResolution resolve_references(nlohmann::json& doc, const std::filesystem::path& base_dir,
                                       const EnvLookup& env);

// "a.b[2].c": the path notation used in every manifest message.
std::string join_key_path(const std::string& parent, const std::string& key);
std::string join_index_path(const std::string& parent, std::size_t index);

}  // namespace asset_host
