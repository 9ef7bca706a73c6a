// The ABI glue: the ASSET_HOST_PLUGIN descriptor and a Plugin class handing the host to the
// core (config, checks, sync). Everything with logic lives in the okta_device_core library,
// which the unit tests link directly with a RecordingHost.
#include "config.h"
#include "config_schema.h"
#include "connection_checks.h"
#include "device_sync.h"
#include "okta_auth.h"

#include <asset_sdk/clock.h>
#include <asset_sdk/http_client.h>
#include <asset_host/plugin.hpp>

#include <memory>
#include <random>

namespace okta_device {

namespace {

class OktaDevicePlugin final : public asset_host::Plugin {
public:
    static asset_sdk::Result<std::unique_ptr<OktaDevicePlugin>> create(std::string_view config_json,
                                                                       asset_host::Host& host) {
        auto config = parse_config(config_json);
        if (!config) return config.status();
        auto plugin = std::unique_ptr<OktaDevicePlugin>(
            new OktaDevicePlugin(std::move(config).value(), host));
        auto auth =
            OktaAuth::create(plugin->config_, *plugin->http_, asset_sdk::SystemClock::instance());
        if (!auth) return auth.status();
        plugin->auth_ = std::move(auth).value();
        for (const std::string& note : plugin->config_.notes) host.info(note);
        if (const auto& oauth = plugin->config_.oauth) {
            host.info("signing in as the OAuth service app " + oauth->client_id +
                      " (dpop: " + dpop_mode_name(oauth->dpop) + ")");
        }
        if (plugin->config_.time_unit == TimeUnit::kSeconds) {
            // Said once per configuration, so NDJSON read as OCSF is never silently off by 1000.
            host.info(
                "records carry times in epoch seconds (time_unit: seconds), the unit Sekoia's "
                "device model reads; OCSF's timestamp_t is milliseconds: set time_unit: "
                "milliseconds when another OCSF consumer reads the output");
        }
        return plugin;
    }

    asset_sdk::Status test(asset_host::CheckReporter& reporter) override {
        const bool finished =
            run_connection_checks(config_, *http_, *auth_, asset_sdk::SystemClock::instance(),
                                  host_, [&reporter](const CheckResult& c) {
                                      reporter.report(c.name, c.status, c.detail, c.remedy);
                                  });
        return finished ? asset_sdk::Status::ok() : asset_sdk::cancelled();
    }

    asset_sdk::Status fetch(const asset_host::FetchRequest& request) override {
        DeviceSync sync(config_, *http_, *auth_, asset_sdk::SystemClock::instance(), host_,
                        std::random_device{}());
        return sync.run(request.checkpoint, request.full);
    }

private:
    OktaDevicePlugin(OktaConfig config, asset_host::Host& host)
        : config_(std::move(config)), host_(host) {
        asset_sdk::HttpClientOptions options;
        options.ca_file = config_.ca_file;
        options.proxy = config_.proxy;
        options.connect_timeout = std::min(config_.timeout, asset_sdk::Millis(10'000));
        options.cancelled = [&host] { return host.cancelled(); };
        http_ = asset_sdk::make_curl_client(std::move(options));
    }

    OktaConfig config_;
    asset_host::Host& host_;
    std::unique_ptr<asset_sdk::HttpClient> http_;
    std::unique_ptr<OktaAuth> auth_;  // after http_: it sends token requests through it
};

}  // namespace

}  // namespace okta_device

ASSET_HOST_PLUGIN(okta_device::OktaDevicePlugin, "okta_device", "1.0.0",
                  "Okta Device: every device of an Okta Identity Engine org as OCSF Device "
                  "Inventory Info (class 5001)",
                  "ocsf/5001", okta_device::kConfigSchema)
