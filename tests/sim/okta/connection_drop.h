// cpp-httplib gives handlers no access to their socket, yet the "drop_connection" fault must
// end the exchange without any response bytes. This finds the accepted socket by its address
// pair and shuts it down, so the client reads EOF before a status line ("empty reply").
#pragma once

#include <string>

namespace oktasim {

// True when the socket (local_port <-> remote_addr:remote_port, IPv4) was found and shut down.
bool shutdown_connection(int local_port, const std::string& remote_addr, int remote_port);

}  // namespace oktasim
