// The plugin's one exported symbol: asset_host_plugin_entry, describing DevicesPlugin.
#include "sdk_example.hpp"

ASSET_HOST_PLUGIN(sdk_example::DevicesPlugin, "sdk_example", "0.1.0",
                  "Synthetic devices from a plugin built outside the asset-host tree", "ocsf/5001",
                  sdk_example::kSchema)
