#include "delivery/destination_factory.h"

#include "common/paths.h"

#include "delivery/file_destination.h"
#include "delivery/sekoia_checks.h"

#include <cerrno>
#include <system_error>

#include <unistd.h>

namespace asset_host::delivery {

namespace {

bool file_checks(const FileDestinationSpec& spec,
                 const std::function<void(const CheckResult&)>& on_check) {
    if (spec.path.empty()) {
        on_check(destination_check("destination.file", AH_CHECK_FAIL, "destination.path is empty",
                                   "set destination.path to the NDJSON file to append records to"));
        return false;
    }
    std::error_code ec;
    const std::filesystem::path dir =
        spec.path.has_parent_path() ? spec.path.parent_path() : std::filesystem::path(".");
    if (!std::filesystem::is_directory(dir, ec)) {
        on_check(destination_check("destination.file", AH_CHECK_FAIL,
                                   "directory " + dir.string() + " does not exist",
                                   "create it or change destination.path"));
        return false;
    }
    const auto status = std::filesystem::symlink_status(spec.path, ec);
    const bool exists = std::filesystem::exists(status);
    if (exists && !std::filesystem::is_regular_file(status)) {
        on_check(destination_check(
            "destination.file", AH_CHECK_FAIL,
            spec.path.string() + " is " +
                (std::filesystem::is_symlink(status) ? "a symbolic link" : "not a regular file") +
                ": records are only appended to a regular file (links are not followed)",
            "point destination.path at a regular file, or at a new file name"));
        return false;
    }
    const auto& probe = exists ? spec.path : dir;
    if (::access(probe.c_str(), W_OK) != 0) {
        on_check(destination_check("destination.file", AH_CHECK_FAIL,
                                   "cannot write " + probe.string() + ": " + errno_message(errno),
                                   "fix the permissions or change destination.path"));
        return false;
    }
    on_check(destination_check("destination.file", AH_CHECK_OK,
                               std::string("records will be appended to ") + spec.path.string() +
                                   (exists ? " (exists)" : " (will be created)")));
    return true;
}

}  // namespace

asset_sdk::Result<std::unique_ptr<Destination>> make_destination(
    const DestinationSpec& spec, asset_sdk::Clock& clock, std::shared_ptr<spdlog::logger> log,
    SekoiaRetryPolicy sekoia_policy, std::shared_ptr<ClientPool> clients) {
    switch (spec.type) {
        case DestinationSpec::Type::kSekoia:
            return std::unique_ptr<Destination>(
                new SekoiaDestination(spec.sekoia, spec.batch_size, clock, std::move(log),
                                      sekoia_policy, std::move(clients)));
        case DestinationSpec::Type::kFile:
            if (spec.file.path.empty()) {
                return asset_sdk::invalid_argument("destination.path is required for type file");
            }
            return std::unique_ptr<Destination>(new FileDestination(spec.file.path));
        case DestinationSpec::Type::kStdout:
            return std::unique_ptr<Destination>(new StdoutDestination());
    }
    return asset_sdk::internal_error("unknown destination type");
}

bool destination_checks(const DestinationSpec& spec,
                        const std::function<void(const CheckResult&)>& on_check,
                        const asset_sdk::CancelCheck& cancelled) {
    switch (spec.type) {
        case DestinationSpec::Type::kSekoia:
            return sekoia_checks(spec.sekoia, on_check, cancelled);
        case DestinationSpec::Type::kFile:
            return file_checks(spec.file, on_check);
        case DestinationSpec::Type::kStdout:
            on_check(destination_check("destination.stdout", AH_CHECK_OK,
                                       "records will be written to standard output as NDJSON"));
            return true;
    }
    return false;
}

}  // namespace asset_host::delivery
