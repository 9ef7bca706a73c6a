// Starting worker processes, injected: the real spawner re-executes this binary in its hidden
// worker mode; tests of the supervisor (session.h) give it a fake that speaks the protocol from
// a thread, so crash handling, garbage and time-outs are tested without a plugin.
#pragma once

#include <asset_sdk/status.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace asset_host::isolation {

// The worker executable (worker_main.h) and its command line: `asset-host-worker <connector>`
// (the connector name is there only so `ps` tells workers apart; nothing else is on it).
inline constexpr const char* kWorkerExecutable = "asset-host-worker";
// The worker's end of the socketpair, in the worker process.
inline constexpr int kWorkerFd = 3;

// How a worker process ended (wait4()).
struct WorkerExit {
    bool signaled = false;   // killed by a signal
    int code = 0;            // the exit status, or the signal number when signaled
    double cpu_seconds = 0;  // user + system
    long max_rss_kib = 0;    // peak resident set
};

// One running worker as its supervisor sees it.
class WorkerProcess {
public:
    virtual ~WorkerProcess() = default;  // kills and reaps it when still running
    virtual int pid() const = 0;
    // The host's end of the socketpair: non-blocking, close-on-exec.
    virtual int socket() const = 0;
    // Readable once the process has exited (a pidfd), or -1: then poll try_reap().
    virtual int exit_fd() const = 0;
    // Reaps it when it has exited (never blocks).
    virtual std::optional<WorkerExit> try_reap() = 0;
    // SIGKILL (idempotent; nothing once reaped).
    virtual void kill() = 0;
};

class WorkerSpawner {
public:
    virtual ~WorkerSpawner() = default;
    // Starts a worker; `label` is the connector name (for ps).
    virtual asset_sdk::Result<std::unique_ptr<WorkerProcess>> spawn(const std::string& label) = 0;
};

// The real spawner: `executable` (worker_executable()'s by default) via posix_spawn: the
// worker's end of a socketpair as fd kWorkerFd and no other descriptor, stdin from /dev/null,
// stdout onto stderr (stdout is for command output such as `fetch --output -`), its own process
// group (a Ctrl-C at the terminal reaches the host, which stops the worker through the
// protocol), the host's signal mask (SIGINT/SIGTERM/SIGHUP stay blocked: only the host stops a
// worker), and worker_environment(). No executable (the installation lacks it): every spawn
// fails with a message naming where it was looked for.
std::shared_ptr<WorkerSpawner> process_spawner();
std::shared_ptr<WorkerSpawner> process_spawner(std::string executable);

// Where the worker executable is, relative to the running asset-host like its plugins (so /usr,
// /opt/x and a DESTDIR staging all work): <libexecdir>/asset-host/asset-host-worker of an
// installation, else beside asset-host (the build tree's bin/). The error names both places.
asset_sdk::Result<std::string> worker_executable();
// The same, from asset-host's directory and the installed location relative to it.
asset_sdk::Result<std::string> worker_executable(const std::string& exe_dir,
                                                 const std::string& installed_relative);

// The environment a worker gets from `environ`: only PATH, HOME, LANG, LC_*, TZ, the proxy
// variables (http_proxy, https_proxy, no_proxy, all_proxy in both cases), SSL_CERT_FILE,
// SSL_CERT_DIR, CURL_CA_BUNDLE, and the sanitizers' ASAN_OPTIONS, UBSAN_OPTIONS, LSAN_OPTIONS;
// and none whose value holds a registered secret. Never systemd's NOTIFY_SOCKET, WATCHDOG_* or
// LISTEN_* (the daemon alone speaks to its service manager). Secrets reach a worker in its
// config frame only.
std::vector<std::string> worker_environment(char** environ_entries);

}  // namespace asset_host::isolation
