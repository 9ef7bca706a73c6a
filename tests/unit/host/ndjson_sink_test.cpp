// The NDJSON writer of `fetch --output`: lines, flush points, broken pipes, cancellation.
#include "cli/ndjson_sink.h"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <string>

using namespace asset_host;

namespace {
struct Pipe {
    int fds[2] = {-1, -1};
    Pipe() {
        REQUIRE(::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0);
        ::signal(SIGPIPE, SIG_IGN);
    }
    ~Pipe() {
        if (fds[0] >= 0) ::close(fds[0]);
        if (fds[1] >= 0) ::close(fds[1]);
    }
    std::string drain() {
        std::string out;
        char buf[4096];
        ssize_t n;
        while ((n = ::read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
        return out;
    }
};
}  // namespace

TEST_CASE("records become lines; they are written at checkpoints and at the end") {
    Pipe p;
    NdjsonSink sink(p.fds[1], {});
    CHECK(sink.record(R"({"a":1})") == SinkResult::kContinue);
    CHECK(sink.record(R"({"b":2})") == SinkResult::kContinue);
    CHECK(p.drain().empty());  // buffered: no write per record
    CHECK(sink.checkpoint(R"({"next":2})") == SinkResult::kContinue);
    CHECK(p.drain() == "{\"a\":1}\n{\"b\":2}\n");  // the marker itself is not output
    CHECK(sink.record("{\n  \"c\": 3\r\n}") == SinkResult::kContinue);
    CHECK(sink.record("") == SinkResult::kContinue);  // nothing to write
    REQUIRE(sink.finish().is_ok());
    CHECK(p.drain() == "{   \"c\": 3  }\n");
    CHECK(sink.records() == 3);
    CHECK(sink.checkpoints() == 1);
}

TEST_CASE("a full buffer is written without waiting for a checkpoint") {
    Pipe p;
    NdjsonSink sink(p.fds[1], {}, /*flush_bytes=*/64);
    const std::string rec = R"({"payload":"0123456789012345678901234567890123456789"})";
    CHECK(sink.record(rec) == SinkResult::kContinue);
    CHECK(sink.record(rec) == SinkResult::kContinue);
    CHECK(p.drain() == rec + "\n" + rec + "\n");
}

TEST_CASE("a closed reader stops the cycle with a clear error") {
    Pipe p;
    ::close(p.fds[0]);
    p.fds[0] = -1;
    NdjsonSink sink(p.fds[1], {});
    CHECK(sink.record("{}") == SinkResult::kContinue);
    CHECK(sink.checkpoint("1") == SinkResult::kStop);
    CHECK(sink.record("{}") == SinkResult::kStop);
    CHECK(sink.finish().message() == "the output was closed (broken pipe)");
}

TEST_CASE("cancellation stops the cycle at the next record") {
    Pipe p;
    CancelSource cancel;
    NdjsonSink sink(p.fds[1], cancel.token());
    CHECK(sink.record("{}") == SinkResult::kContinue);
    cancel.cancel();
    CHECK(sink.record("{}") == SinkResult::kStop);
    CHECK(sink.checkpoint("{}") == SinkResult::kStop);
    CHECK(sink.records() == 1);
}
