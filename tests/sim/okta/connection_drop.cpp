#include "connection_drop.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdlib>
#include <cstring>

namespace oktasim {

namespace {

bool same_endpoint(const sockaddr_storage& ss, int port, const std::string* addr) {
    if (ss.ss_family != AF_INET) return false;
    const auto& in = reinterpret_cast<const sockaddr_in&>(ss);
    if (ntohs(in.sin_port) != port) return false;
    if (!addr) return true;
    char buf[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &in.sin_addr, buf, sizeof buf);
    return *addr == buf;
}

}  // namespace

bool shutdown_connection(int local_port, const std::string& remote_addr, int remote_port) {
    DIR* dir = opendir("/proc/self/fd");
    if (!dir) return false;
    bool done = false;
    while (const dirent* entry = readdir(dir)) {
        if (entry->d_name[0] == '.') continue;
        const int fd = std::atoi(entry->d_name);
        sockaddr_storage local{}, peer{};
        socklen_t local_len = sizeof local, peer_len = sizeof peer;
        if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) != 0) continue;
        if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0) continue;
        if (same_endpoint(local, local_port, nullptr) &&
            same_endpoint(peer, remote_port, &remote_addr)) {
            done = ::shutdown(fd, SHUT_RDWR) == 0;
            break;
        }
    }
    closedir(dir);
    return done;
}

}  // namespace oktasim
