#include "observe/observe_server.h"

#include <httplib.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

namespace asset_host::observe {

namespace {

// cpp-httplib's own ThreadPool queues every accepted connection without limit. This one has a
// fixed number of threads and a bounded queue: when it is full, enqueue() (called by the
// accepting thread) waits, so no more connections are accepted until a request is done.
class BoundedPool final : public httplib::TaskQueue {
public:
    BoundedPool(std::size_t threads, std::size_t capacity) : capacity_(capacity) {
        for (std::size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
    }
    ~BoundedPool() override { shutdown(); }

    void enqueue(std::function<void()> fn) override {
        std::unique_lock lock(mu_);
        has_room_.wait(lock, [&] { return jobs_.size() < capacity_ || stopping_; });
        if (stopping_) return;  // the server is stopping; fn's socket is closed with it
        jobs_.push_back(std::move(fn));
        has_job_.notify_one();
    }

    void shutdown() override {
        {
            std::lock_guard lock(mu_);
            if (stopping_ && workers_.empty()) return;
            stopping_ = true;
        }
        has_job_.notify_all();
        has_room_.notify_all();
        for (auto& t : workers_) {
            if (t.joinable()) t.join();
        }
        workers_.clear();
    }

private:
    void work() {
        for (;;) {
            std::function<void()> job;
            {
                std::unique_lock lock(mu_);
                has_job_.wait(lock, [&] { return !jobs_.empty() || stopping_; });
                if (jobs_.empty()) return;  // stopping, nothing left
                job = std::move(jobs_.front());
                jobs_.pop_front();
            }
            has_room_.notify_one();
            job();
        }
    }

    std::size_t capacity_;
    std::mutex mu_;
    std::condition_variable has_job_;
    std::condition_variable has_room_;
    std::deque<std::function<void()>> jobs_;
    std::vector<std::thread> workers_;
    bool stopping_ = false;
};

constexpr const char* kText = "text/plain; charset=utf-8";
constexpr const char* kExposition = "text/plain; version=0.0.4; charset=utf-8";

void answer(httplib::Response& res, int status, const std::string& body, const char* type = kText) {
    res.status = status;
    res.set_content(body, type);
}

void health(const DaemonState& state, httplib::Response& res) {
    if (state.alive()) return answer(res, 200, "ok\n");
    const auto since = state.since_last_tick();
    answer(res, 503,
           since.count() < 0 ? std::string("not alive: the scheduler loop has not started\n")
                             : "not alive: the scheduler loop last ran " +
                                   std::to_string(since.count()) + " ms ago\n");
}

void readiness(const DaemonState& state, httplib::Response& res) {
    if (state.ready()) return answer(res, 200, "ready\n");
    answer(res, 503, "not ready: " + std::string(phase_name(state.phase())) + "\n");
}

}  // namespace

ObserveServer::ObserveServer(const DaemonState& state, const HostMetrics& metrics,
                             ObserveServerOptions options)
    : state_(state), metrics_(metrics), options_(options) {}

ObserveServer::~ObserveServer() {
    stop();
}

asset_sdk::Result<ListenAddress> ObserveServer::start(const ListenAddress& address) {
    server_ = std::make_unique<httplib::Server>();
    httplib::Server& s = *server_;
    const std::size_t threads = options_.threads;
    const std::size_t queue = options_.queue;
    s.new_task_queue = [threads, queue] { return new BoundedPool(threads, queue); };
    s.set_read_timeout(options_.read_timeout);
    s.set_write_timeout(options_.write_timeout);
    s.set_keep_alive_timeout(std::max<time_t>(
        1, std::chrono::duration_cast<std::chrono::seconds>(options_.read_timeout).count()));
    s.set_keep_alive_max_count(1);
    // SO_REUSEADDR only: cpp-httplib's default adds SO_REUSEPORT, with which a second daemon
    // could bind the same port and steal half the scrapes instead of failing to start.
    s.set_socket_options([](socket_t sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
        const bool known =
            req.path == "/metrics" || req.path == "/healthz" || req.path == "/readyz";
        if (!known) {
            answer(res, 404, "not found: serving /metrics, /healthz and /readyz\n");
        } else if (req.method != "GET" && req.method != "HEAD") {
            res.set_header("Allow", "GET, HEAD");
            answer(res, 405, "method not allowed: use GET\n");
        } else if (req.path == "/metrics") {
            answer(res, 200, metrics_.scrape(), kExposition);
        } else if (req.path == "/healthz") {
            health(state_, res);
        } else {
            readiness(state_, res);
        }
        return httplib::Server::HandlerResponse::Handled;
    });

    ListenAddress bound = address;
    if (address.port == 0) {
        bound.port = s.bind_to_any_port(address.host);
    } else if (!s.bind_to_port(address.host, address.port)) {
        bound.port = -1;
    }
    if (bound.port <= 0) {
        server_.reset();
        return asset_sdk::io_error("--listen " + address.to_string() +
                                   ": cannot listen there (address in use, not local, or a "
                                   "privileged port)");
    }
    thread_ = std::thread([&s] { s.listen_after_bind(); });
    return bound;
}

void ObserveServer::stop() {
    if (!server_) return;
    server_->stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
}

}  // namespace asset_host::observe
