// The asset-host command line (CLI11): global options with environment variables and defaults,
// the commands (host/README.md), and the exit-code contract (0 ok, 1 failure, 2 usage/config).
#pragma once

namespace asset_host {

// Parses argv and runs the command. Usage errors print the message and the usage of the
// command concerned on stderr and return 2; --help prints to stdout and returns 0.
int run_cli(int argc, char** argv);

}  // namespace asset_host
