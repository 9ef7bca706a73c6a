// Run real binaries from tests: start a child with arguments and environment, feed stdin, read
// stdout/stderr (all at the end, or stdout line by line while it runs), send signals, and wait
// with a timeout. POSIX only.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace testsupport {

struct ProcessResult {
    int exit_code = -1;   // valid when exited normally
    int term_signal = 0;  // non-zero when killed by a signal
    bool timed_out = false;
    std::string out;
    std::string err;
    // What the child cost, from wait4(): wall time since the spawn, its own CPU, its peak RSS.
    double wall_seconds = 0;
    double user_seconds = 0;
    double sys_seconds = 0;
    long max_rss_kib = 0;
    bool exited_with(int code) const { return term_signal == 0 && !timed_out && exit_code == code; }
};

struct ProcessOptions {
    std::map<std::string, std::string> env;  // added to (or overriding) the test's environment
    std::vector<std::string> unset_env;      // removed from the environment
    std::string stdin_data;                  // written to the child's stdin, then closed
    std::string cwd;                         // working directory; empty = inherit
};

class Process {
public:
    Process(std::vector<std::string> argv, ProcessOptions options = {});
    ~Process();  // kills the child (SIGKILL) if still running
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    int pid() const { return pid_; }
    bool running();
    void signal(int sig);

    // Next complete stdout line (without '\n'), or nullopt on EOF/timeout. Lines read this way
    // are not repeated in wait()'s result.out.
    std::optional<std::string> read_line(std::chrono::milliseconds timeout);
    // Read stdout lines until one contains `needle`; returns it (nullopt on EOF/timeout).
    std::optional<std::string> wait_for_line(const std::string& needle,
                                             std::chrono::milliseconds timeout);

    // Read stderr until it holds a complete line containing `needle`; returns that line
    // (nullopt on EOF/timeout). stderr is not consumed: wait()'s result.err still has it all.
    std::optional<std::string> wait_for_err_line(const std::string& needle,
                                                 std::chrono::milliseconds timeout);

    // Wait for exit, collecting the rest of stdout and stderr. On timeout the child is killed
    // with SIGKILL and timed_out is set.
    ProcessResult wait(std::chrono::milliseconds timeout);

private:
    void pump(std::chrono::milliseconds timeout);  // read whatever is available
    bool reap(int wait_flags);  // wait4(); true when the child has exited and was recorded
    int pid_ = -1;
    std::chrono::steady_clock::time_point started_;
    int out_fd_ = -1;
    int err_fd_ = -1;
    bool out_eof_ = false;
    bool err_eof_ = false;
    std::string out_buf_;
    std::string err_buf_;
    std::optional<ProcessResult> finished_;
};

// Start, feed, wait: the common case.
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(120));

// User + system CPU a running process has used so far, in seconds (/proc/<pid>/stat); 0 when
// it is gone. Benchmarks use it for simulators that keep running across measurements.
double cpu_seconds_so_far(int pid);

// Split stdout into lines (no trailing empty line).
std::vector<std::string> split_lines(const std::string& text);

// Whether `text` (a run's output, a file) contains `needle`.
inline bool contains(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

}  // namespace testsupport
