// asset-host fetch NAME|FILE [--output FILE|-] [--full]: one cycle of one connector.
// - Without --output: delivered to the manifest's destination (cycle::run_cycle), checkpoints
//   persisted after acknowledgement.
// - With --output, a dry run: records are written as NDJSON while the plugin runs; nothing is
//   delivered and no checkpoint is stored. A regular FILE is written as FILE.partial and
//   renamed when the cycle succeeds, so a failed or cancelled fetch never leaves a
//   half-written FILE behind.
#include "cli/commands.h"
#include "cli/connector_setup.h"
#include "cli/ndjson_sink.h"
#include "common/cancellation.h"
#include "common/console.h"
#include "common/exit_codes.h"
#include "common/logging.h"
#include "common/paths.h"
#include "common/signals.h"
#include "cycle/cycle_runner.h"
#include "delivery/destination_factory.h"
#include "plugin/connector_plugin.h"
#include "state/checkpoint_store.h"

#include <asset_sdk/time_util.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

namespace asset_host {

namespace {

// Where the records go: stdout, or FILE.partial until the cycle succeeds.
class Output {
public:
    explicit Output(const std::string& target) : target_(target) {}
    ~Output() { discard(); }

    asset_sdk::Status open() {
        if (target_ == "-") {
            fd_ = STDOUT_FILENO;
            return asset_sdk::Status::ok();
        }
        const std::string partial = target_ + ".partial";
        fd_ = open_exclusive(partial);
        if (fd_ < 0 && errno == EEXIST) {
            // A FILE.partial left by a killed fetch is ours to replace; anything else there
            // (a symlink planted by someone, another user's file) is refused.
            if (auto st = remove_stale_partial(partial); !st.is_ok()) return st;
            fd_ = open_exclusive(partial);
        }
        if (fd_ < 0) {
            return asset_sdk::io_error("cannot write " + display_path(partial) + ": " +
                                       errno_message(errno));
        }
        partial_ = partial;
        return asset_sdk::Status::ok();
    }

    int fd() const { return fd_; }
    std::string name() const { return target_ == "-" ? "stdout" : display_path(target_); }

    // Makes FILE appear, complete, in one step.
    asset_sdk::Status commit() {
        if (partial_.empty()) return asset_sdk::Status::ok();
        const int fd = fd_;
        fd_ = -1;
        if (::fsync(fd) != 0 || ::close(fd) != 0) {
            const int err = errno;
            ::unlink(partial_.c_str());
            partial_.clear();
            return asset_sdk::io_error("cannot write " + display_path(target_) + ": " +
                                       errno_message(err));
        }
        if (::rename(partial_.c_str(), target_.c_str()) != 0) {
            const int err = errno;
            ::unlink(partial_.c_str());
            partial_.clear();
            return asset_sdk::io_error("cannot rename output to " + display_path(target_) + ": " +
                                       errno_message(err));
        }
        partial_.clear();
        return asset_sdk::Status::ok();
    }

    // Removes FILE.partial (failure, cancellation).
    void discard() {
        if (partial_.empty()) return;
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
        ::unlink(partial_.c_str());
        partial_.clear();
    }

private:
    // Created, never reused: O_EXCL refuses an existing file and O_NOFOLLOW a symlink, so a
    // link planted at FILE.partial cannot make a root-run fetch write somewhere else. The
    // records hold people's names and e-mails: 0600. rename() then replaces FILE itself, never
    // what a symlink at FILE points to.
    static int open_exclusive(const std::string& path) {
        return ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    }

    static asset_sdk::Status remove_stale_partial(const std::string& path) {
        struct stat st {};
        if (::lstat(path.c_str(), &st) != 0) return asset_sdk::Status::ok();  // gone meanwhile
        if (!S_ISREG(st.st_mode) || st.st_uid != ::geteuid()) {
            return asset_sdk::io_error("refusing to write " + display_path(path) +
                                       ": it exists and is " +
                                       (S_ISREG(st.st_mode) ? std::string("owned by another user")
                                                            : std::string(file_kind(st.st_mode))) +
                                       "; remove it or choose another --output");
        }
        if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
            return asset_sdk::io_error("cannot replace " + display_path(path) + ": " +
                                       errno_message(errno));
        }
        return asset_sdk::Status::ok();
    }

    std::string target_;
    std::string partial_;
    int fd_ = -1;
};

std::string seconds_text(std::chrono::steady_clock::duration d) {
    return asset_sdk::format_duration(std::chrono::duration_cast<asset_sdk::Millis>(d),
                                      asset_sdk::DurationPrecision::kTenths);
}

// The stored checkpoint a dry run starts from (an incremental dry run), none with --full.
asset_sdk::Result<std::optional<std::string>> dry_run_checkpoint(const GlobalOptions& g,
                                                                 const Manifest& manifest,
                                                                 bool full) {
    if (full) return std::optional<std::string>();
    CheckpointStore store(g.state_dir);
    auto stored = store.load(manifest.name);
    if (!stored) return stored.status();
    if (*stored) return std::optional<std::string>((*stored)->marker_json);
    return std::optional<std::string>();
}

// How a dry run ended: the output kept (renamed into place) only when the plugin finished and
// every line was written. Returns the exit code.
int finish_dry_run(Output& output, NdjsonSink& sink, const FetchResult& result,
                   const CancelSource& cancel, std::chrono::steady_clock::time_point started,
                   spdlog::logger& log) {
    const asset_sdk::Status written = sink.finish();
    const auto elapsed = std::chrono::steady_clock::now() - started;
    std::string counts = std::to_string(sink.records()) + " records, " +
                         std::to_string(sink.checkpoints()) + " checkpoint markers";
    if (sink.refused() > 0) {
        // Delivery would refuse them too (same check): they are not in the output.
        counts += ", " + std::to_string(sink.refused()) + " records refused (" +
                  sink.first_refusal() + (sink.refused() > 1 ? ", ..." : "") + ")";
    }
    if (!written.is_ok()) {
        output.discard();
        print_error("asset-host: fetch stopped: cannot write " + output.name() + ": " +
                    written.message() + " (" + counts + ")");
        return kExitFailure;
    }
    if (result.outcome == FetchResult::Outcome::kCancelled || cancel.cancelled()) {
        output.discard();
        const int sig = shutdown_signal();
        print_error(std::string("asset-host: fetch cancelled") +
                    (sig == SIGTERM  ? " by SIGTERM"
                     : sig == SIGINT ? " by SIGINT"
                                     : "") +
                    " after " + seconds_text(elapsed) + " (" + counts + "; nothing stored)");
        return kExitFailure;
    }
    if (result.outcome == FetchResult::Outcome::kError) {
        output.discard();
        print_error("asset-host: fetch failed: " + result.error + " (" + counts + ")");
        return kExitFailure;
    }
    if (auto st = output.commit(); !st.is_ok()) {
        print_error("asset-host: " + st.message());
        return kExitFailure;
    }
    log.log(sink.refused() > 0 ? spdlog::level::warn : spdlog::level::info,
            "fetch done in {}: {} to {} (dry run: nothing delivered, no checkpoint stored)",
            seconds_text(elapsed), counts, output.name());
    return kExitOk;
}

// fetch --output FILE|-: the records as NDJSON, nothing delivered, nothing persisted.
int fetch_to_output(const GlobalOptions& g, const FetchArgs& args, OpenConnector& connector) {
    const Manifest& manifest = connector.manifest;
    auto log = connector_logger(manifest.name);
    auto checkpoint = dry_run_checkpoint(g, manifest, args.full);
    if (!checkpoint) {
        print_error("asset-host: " + checkpoint.status().message());
        return kExitFailure;
    }
    Output output(*args.output);
    if (auto st = output.open(); !st.is_ok()) {
        print_error("asset-host: " + st.message());
        return kExitFailure;
    }
    log->info("fetch (dry run) to {}: {}", output.name(),
              args.full     ? "full sync (--full)"
              : *checkpoint ? "resuming from the stored checkpoint"
                            : "no stored checkpoint");

    NdjsonSink sink(output.fd(), connector.cancel.token(), 64 * 1024,
                    manifest.destination.max_record_bytes);
    const auto started = std::chrono::steady_clock::now();
    const FetchResult result = connector.plugin->fetch(sink, *checkpoint, args.full);
    return finish_dry_run(output, sink, result, connector.cancel, started, *log);
}

// fetch without --output: one cycle delivered to the manifest's destination, checkpoints
// persisted after acknowledgement.
int fetch_and_deliver(const GlobalOptions& g, const FetchArgs& args, OpenConnector& connector) {
    const Manifest& manifest = connector.manifest;
    auto& clock = asset_sdk::SystemClock::instance();
    auto destination =
        delivery::make_destination(manifest.destination, clock, connector_logger(manifest.name));
    if (!destination) {
        print_error("asset-host: " + destination.status().message());
        return kExitUsage;
    }
    CheckpointStore store(g.state_dir);
    cycle::CycleOptions options;
    options.full = args.full;
    const cycle::CycleSummary summary =
        cycle::run_cycle(manifest, *connector.plugin, **destination, store,
                         connector.cancel.token(), clock, options);
    return summary.ok() ? kExitOk : kExitFailure;
}

}  // namespace

int cmd_fetch(const GlobalOptions& g, const FetchArgs& args) {
    int exit_code = kExitOk;
    // A delivering fetch changes state (checkpoints, dead letters); a dry run only reads it.
    std::optional<StateDirLock> lock;
    if (!args.output) {
        lock = lock_state_dir(g, exit_code);
        if (!lock) return exit_code;
    }
    auto connector = open_connector(g, args.target, exit_code);
    if (!connector) return exit_code;
    return args.output ? fetch_to_output(g, args, *connector)
                       : fetch_and_deliver(g, args, *connector);
}

}  // namespace asset_host
