#include "isolation/spawner.h"

#include "common/paths.h"
#include "common/redactor.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <filesystem>
#include <string_view>

extern char** environ;

namespace asset_host::isolation {

namespace {

// Deliberately absent: systemd's NOTIFY_SOCKET, WATCHDOG_USEC/WATCHDOG_PID and LISTEN_FDS/
// LISTEN_PID/LISTEN_FDNAMES (only the daemon itself talks to its service manager: a worker that
// said READY=1 or pinged the watchdog would lie about the daemon), and every variable a manifest
// may name in ${env:...} (secrets). The sanitizers' variables pass so that a sanitizer build's
// worker reports like its host.
bool allowed_variable(std::string_view name) {
    static constexpr std::array<std::string_view, 18> kNames = {
        "PATH",         "HOME",          "LANG",          "TZ",           "http_proxy",
        "https_proxy",  "no_proxy",      "all_proxy",     "HTTP_PROXY",   "HTTPS_PROXY",
        "NO_PROXY",     "ALL_PROXY",     "SSL_CERT_FILE", "SSL_CERT_DIR", "CURL_CA_BUNDLE",
        "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"};
    if (name.starts_with("LC_")) return true;
    for (std::string_view n : kNames) {
        if (n == name) return true;
    }
    return false;
}

WorkerExit exit_of(int status, const rusage& usage) {
    WorkerExit e;
    e.signaled = WIFSIGNALED(status);
    e.code = e.signaled ? WTERMSIG(status) : WEXITSTATUS(status);
    e.cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                    static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    e.max_rss_kib = usage.ru_maxrss;
    return e;
}

class PosixWorker final : public WorkerProcess {
public:
    PosixWorker(pid_t pid, int socket_fd)
        : pid_(pid),
          socket_(socket_fd),
          pidfd_(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0))) {}

    ~PosixWorker() override {
        if (!exit_) {
            kill();
            int status = 0;
            rusage usage{};
            while (::wait4(pid_, &status, 0, &usage) < 0 && errno == EINTR) {
            }
        }
        ::close(socket_);
        if (pidfd_ >= 0) ::close(pidfd_);
    }

    int pid() const override { return pid_; }
    int socket() const override { return socket_; }
    int exit_fd() const override { return pidfd_; }

    std::optional<WorkerExit> try_reap() override {
        if (exit_) return exit_;
        int status = 0;
        rusage usage{};
        pid_t r;
        do {
            r = ::wait4(pid_, &status, WNOHANG, &usage);
        } while (r < 0 && errno == EINTR);
        if (r == pid_) exit_ = exit_of(status, usage);
        return exit_;
    }

    // The pid cannot have been reused: it is ours until wait4() reaps it.
    void kill() override {
        if (!exit_) ::kill(pid_, SIGKILL);
    }

private:
    pid_t pid_;
    int socket_;
    int pidfd_;  // -1 when the kernel has no pidfd_open (then the session polls try_reap)
    std::optional<WorkerExit> exit_;
};

// posix_spawn's attributes and file actions, released however spawn() leaves.
struct SpawnSetup {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    SpawnSetup() {
        posix_spawn_file_actions_init(&actions);
        posix_spawnattr_init(&attr);
    }
    ~SpawnSetup() {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;

    // The worker's descriptors: 0 from /dev/null, 1 onto the host's stderr, the socket as
    // kWorkerFd, nothing else.
    int describe(int child_socket) {
        int rc = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, 1);
        if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, child_socket, kWorkerFd);
        if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(&actions, kWorkerFd + 1);
        if (rc == 0) rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
        if (rc == 0) rc = posix_spawnattr_setpgroup(&attr, 0);
        return rc;
    }
};

class ProcessSpawner final : public WorkerSpawner {
public:
    explicit ProcessSpawner(asset_sdk::Result<std::string> executable)
        : executable_(std::move(executable)) {}

    asset_sdk::Result<std::unique_ptr<WorkerProcess>> spawn(const std::string& label) override {
        if (!executable_) return executable_.status();
        int fds[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
            return failure(errno);
        }
        int child = fds[1];
        if (child == kWorkerFd) {
            // dup2() onto itself would keep close-on-exec: move it out of the way first.
            child = ::fcntl(fds[1], F_DUPFD_CLOEXEC, kWorkerFd + 1);
            ::close(fds[1]);
            if (child < 0) {
                const int err = errno;
                ::close(fds[0]);
                return failure(err);
            }
        }
        SpawnSetup setup;
        int rc = setup.describe(child);
        std::string arg0 = kWorkerExecutable, arg1 = label;
        char* argv[] = {arg0.data(), arg1.data(), nullptr};
        std::vector<std::string> env = worker_environment(environ);
        std::vector<char*> envp;
        for (auto& e : env) envp.push_back(e.data());
        envp.push_back(nullptr);
        pid_t pid = -1;
        if (rc == 0) {
            rc = ::posix_spawn(&pid, executable_->c_str(), &setup.actions, &setup.attr, argv,
                               envp.data());
        }
        ::close(child);
        if (rc != 0) {
            ::close(fds[0]);
            return failure(rc);
        }
        ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);
        return std::unique_ptr<WorkerProcess>(new PosixWorker(pid, fds[0]));
    }

private:
    static asset_sdk::Status failure(int err) {
        return asset_sdk::Status(asset_sdk::StatusCode::kInternal,
                                 "cannot start a worker process: " + errno_message(err));
    }

    asset_sdk::Result<std::string> executable_;
};

bool is_executable_file(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
           ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::shared_ptr<WorkerSpawner> process_spawner() {
    // Looked for once: a daemon's workers all come from the installation it started with.
    static const asset_sdk::Result<std::string> executable = worker_executable();
    return std::make_shared<ProcessSpawner>(executable);
}

std::shared_ptr<WorkerSpawner> process_spawner(std::string executable) {
    return std::make_shared<ProcessSpawner>(std::move(executable));
}

asset_sdk::Result<std::string> worker_executable() {
    return worker_executable(executable_dir().string(), ASSET_HOST_INSTALLED_WORKER);
}

asset_sdk::Result<std::string> worker_executable(const std::string& exe_dir,
                                                 const std::string& installed_relative) {
    const std::filesystem::path dir(exe_dir);
    const std::string installed = (dir / installed_relative).lexically_normal().string();
    const std::string beside = (dir / kWorkerExecutable).lexically_normal().string();
    if (!exe_dir.empty()) {
        if (is_executable_file(installed)) return installed;
        if (is_executable_file(beside)) return beside;
    }
    return asset_sdk::Status(
        asset_sdk::StatusCode::kNotFound,
        "cannot start a worker process: its executable " + std::string(kWorkerExecutable) +
            " is neither at " + installed + " nor at " + beside +
            " (it is installed with asset-host; reinstall, or use isolation: thread)");
}

std::vector<std::string> worker_environment(char** environ_entries) {
    std::vector<std::string> out;
    for (char** e = environ_entries; e && *e; ++e) {
        const std::string_view entry(*e);
        const std::size_t eq = entry.find('=');
        if (eq == std::string_view::npos || !allowed_variable(entry.substr(0, eq))) continue;
        const std::string_view value = entry.substr(eq + 1);
        if (redact(value) != value) continue;  // it holds a registered secret
        out.emplace_back(entry);
    }
    return out;
}

}  // namespace asset_host::isolation
