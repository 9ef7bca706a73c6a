#include "isolation/open_plugin.h"

#include "plugin/plugin_instance.h"

namespace asset_host::isolation {

asset_sdk::Result<std::unique_ptr<ConnectorPlugin>> open_plugin(const LoadedPlugin& plugin,
                                                                const Manifest& manifest,
                                                                CancelToken cancel,
                                                                const ProcessOptions& options,
                                                                bool check_config) {
    if (manifest.isolation == Isolation::kThread) {
        auto instance = PluginInstance::create(plugin, manifest, std::move(cancel));
        if (!instance) return instance.status();
        return std::unique_ptr<ConnectorPlugin>(std::move(instance).value());
    }
    auto process = std::make_unique<ProcessPlugin>(plugin, manifest, std::move(cancel), options);
    if (check_config) {
        if (auto st = process->check_configuration(); !st.is_ok()) return st;
    }
    return std::unique_ptr<ConnectorPlugin>(std::move(process));
}

}  // namespace asset_host::isolation
