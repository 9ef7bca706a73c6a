// The exit codes of asset-host. They are part of the product's contract (host/README.md, --help):
// scripts and service managers act on them, so they never change meaning.
#pragma once

namespace asset_host {

inline constexpr int kExitOk = 0;       // the command did what was asked
inline constexpr int kExitFailure = 1;  // operational failure: a check failed, a cycle failed,
                                        // a fetch was cancelled by a signal
inline constexpr int kExitUsage = 2;    // usage or configuration error: bad command line, invalid
                                        // manifest, a plugin that cannot be loaded

}  // namespace asset_host
