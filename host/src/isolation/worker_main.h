// The worker process of `isolation: process`: `asset-host-worker <connector>`, started by the
// host (spawner.h) with its end of a socketpair as fd 3. It reads one kConfig frame, applies
// the memory limit, loads the plugin library, configures an instance (plugin/plugin_instance.h,
// the same code as `isolation: thread`), runs the command (configure only, test, or fetch) and
// relays every host API call over the socket (outbox.h), then sends kResult and exits 0.
// A host that disappears ends the worker at once. Not a user command: started by hand it
// refuses to run.
#pragma once

namespace asset_host::isolation {

// main() of asset-host-worker (no signal thread: the host stops its workers through the socket;
// no command line to parse).
int worker_main(int argc, char** argv);

}  // namespace asset_host::isolation
