// Writing a whole buffer to a socket in tests that play one end of a stream (the worker
// protocol's host or worker): send() until every byte went or the peer is gone.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <string_view>

namespace testsupport {

// Stops quietly when the peer has gone (the test then sees that on its other end).
inline void send_all(int fd, std::string_view bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return;
        sent += static_cast<std::size_t>(n);
    }
}

}  // namespace testsupport
