#include "process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace testsupport {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> build_env(const ProcessOptions& o) {
    std::map<std::string, std::string> env;
    for (char** e = environ; *e; ++e) {
        const std::string kv(*e);
        const auto eq = kv.find('=');
        if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (const auto& k : o.unset_env) env.erase(k);
    for (const auto& [k, v] : o.env) env[k] = v;
    std::vector<std::string> out;
    out.reserve(env.size());
    for (const auto& [k, v] : env) out.push_back(k + "=" + v);
    return out;
}

std::vector<char*> c_array(std::vector<std::string>& v) {
    std::vector<char*> out;
    for (auto& s : v) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

}  // namespace

Process::Process(std::vector<std::string> argv, ProcessOptions options) {
    int in_pipe[2], out_pipe[2], err_pipe[2];
    if (pipe2(in_pipe, O_CLOEXEC) || pipe2(out_pipe, O_CLOEXEC) || pipe2(err_pipe, O_CLOEXEC))
        throw std::runtime_error("pipe2 failed");

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in_pipe[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
    if (!options.cwd.empty()) {
        // glibc 2.29+: change directory in the child before exec.
        posix_spawn_file_actions_addchdir_np(&fa, options.cwd.c_str());
    }
    // The child gets default signal handling and its own process group, so a Ctrl-C in the
    // terminal running the tests does not reach it twice.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(
        &attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);

    std::vector<std::string> env = build_env(options);
    auto argv_c = c_array(argv);
    auto env_c = c_array(env);
    started_ = Clock::now();
    const int rc = posix_spawn(&pid_, argv[0].c_str(), &fa, &attr, argv_c.data(), env_c.data());
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(in_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    if (rc != 0) {
        close(in_pipe[1]);
        close(out_pipe[0]);
        close(err_pipe[0]);
        throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
    }
    // Feed stdin then close it. Small inputs only (tests), so a blocking write is fine.
    const char* p = options.stdin_data.data();
    size_t left = options.stdin_data.size();
    ::signal(SIGPIPE, SIG_IGN);  // the C function, not Process::signal
    while (left > 0) {
        const ssize_t n = write(in_pipe[1], p, left);
        if (n <= 0) break;
        p += n;
        left -= static_cast<size_t>(n);
    }
    close(in_pipe[1]);
    out_fd_ = out_pipe[0];
    err_fd_ = err_pipe[0];
}

Process::~Process() {
    if (!finished_ && pid_ > 0) {
        ::kill(pid_, SIGKILL);
        int st;
        waitpid(pid_, &st, 0);
    }
    if (out_fd_ >= 0) close(out_fd_);
    if (err_fd_ >= 0) close(err_fd_);
}

bool Process::reap(int wait_flags) {
    int st = 0;
    rusage usage{};
    if (wait4(pid_, &st, wait_flags, &usage) != pid_) return false;
    ProcessResult res;
    if (WIFEXITED(st)) res.exit_code = WEXITSTATUS(st);
    if (WIFSIGNALED(st)) res.term_signal = WTERMSIG(st);
    res.wall_seconds = std::chrono::duration<double>(Clock::now() - started_).count();
    res.user_seconds = static_cast<double>(usage.ru_utime.tv_sec) + usage.ru_utime.tv_usec / 1e6;
    res.sys_seconds = static_cast<double>(usage.ru_stime.tv_sec) + usage.ru_stime.tv_usec / 1e6;
    res.max_rss_kib = usage.ru_maxrss;
    finished_ = res;
    return true;
}

bool Process::running() {
    if (finished_) return false;
    return !reap(WNOHANG);
}

void Process::signal(int sig) {
    if (!finished_) ::kill(pid_, sig);
}

void Process::pump(std::chrono::milliseconds timeout) {
    pollfd fds[2];
    int n = 0;
    int idx_out = -1, idx_err = -1;
    if (!out_eof_) {
        idx_out = n;
        fds[n++] = {out_fd_, POLLIN, 0};
    }
    if (!err_eof_) {
        idx_err = n;
        fds[n++] = {err_fd_, POLLIN, 0};
    }
    if (n == 0) return;
    const int r = poll(fds, n, static_cast<int>(timeout.count()));
    if (r <= 0) return;
    char buf[65536];
    auto drain = [&](int idx, int fd, std::string& into, bool& eof) {
        if (idx < 0 || !(fds[idx].revents & (POLLIN | POLLHUP | POLLERR))) return;
        const ssize_t got = read(fd, buf, sizeof buf);
        if (got > 0)
            into.append(buf, static_cast<size_t>(got));
        else if (got == 0 || (errno != EINTR && errno != EAGAIN))
            eof = true;
    };
    drain(idx_out, out_fd_, out_buf_, out_eof_);
    drain(idx_err, err_fd_, err_buf_, err_eof_);
}

std::optional<std::string> Process::read_line(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (true) {
        const auto nl = out_buf_.find('\n');
        if (nl != std::string::npos) {
            std::string line = out_buf_.substr(0, nl);
            out_buf_.erase(0, nl + 1);
            return line;
        }
        if (out_eof_) return std::nullopt;
        const auto now = Clock::now();
        if (now >= deadline) return std::nullopt;
        pump(std::min(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now),
                      std::chrono::milliseconds(100)));
    }
}

std::optional<std::string> Process::wait_for_line(const std::string& needle,
                                                  std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        auto line = read_line(left);
        if (!line) return std::nullopt;
        if (line->find(needle) != std::string::npos) return line;
    }
    return std::nullopt;
}

std::optional<std::string> Process::wait_for_err_line(const std::string& needle,
                                                      std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        const auto at = err_buf_.find(needle);
        if (at != std::string::npos) {
            const auto end = err_buf_.find('\n', at);
            if (end != std::string::npos) {
                const auto begin = err_buf_.rfind('\n', at);
                const auto from = begin == std::string::npos ? 0 : begin + 1;
                return err_buf_.substr(from, end - from);
            }
        }
        const auto now = Clock::now();
        if (err_eof_ || now >= deadline) return std::nullopt;
        pump(std::min(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now),
                      std::chrono::milliseconds(100)));
    }
}

ProcessResult Process::wait(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    bool timed_out = false;
    while (!out_eof_ || !err_eof_ || running()) {
        if (Clock::now() >= deadline) {
            timed_out = true;
            ::kill(pid_, SIGKILL);
            break;
        }
        pump(std::chrono::milliseconds(50));
        if (out_eof_ && err_eof_) {
            // Output closed; the child is exiting. Reap it (bounded by the deadline).
            if (!running()) break;
        }
    }
    if (!finished_) reap(0);
    // Collect whatever output is left after exit.
    while (!out_eof_ || !err_eof_) pump(std::chrono::milliseconds(50));
    ProcessResult res = *finished_;
    res.timed_out = timed_out;
    res.out = std::move(out_buf_);
    res.err = std::move(err_buf_);
    out_buf_.clear();
    err_buf_.clear();
    return res;
}

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options,
                          std::chrono::milliseconds timeout) {
    Process p(argv, options);
    return p.wait(timeout);
}

double cpu_seconds_so_far(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Fields after the command name (in parentheses, may contain spaces): state is field 3,
    // utime 14, stime 15, in clock ticks.
    const auto close_paren = text.rfind(')');
    if (close_paren == std::string::npos) return 0;
    std::istringstream fields(text.substr(close_paren + 2));
    std::string field;
    double ticks = 0;
    for (int i = 3; i <= 15 && (fields >> field); ++i) {
        if (i == 14 || i == 15) ticks += std::stod(field);
    }
    return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size()) {
        const auto nl = text.find('\n', start);
        if (nl == std::string::npos) {
            lines.push_back(text.substr(start));
            break;
        }
        lines.push_back(text.substr(start, nl - start));
        start = nl + 1;
    }
    return lines;
}

}  // namespace testsupport
