// The simulated org's device inventory: generated from the config, kept sorted by id (Okta's
// stable order), paged by an opaque cursor, and changed between cycles by /_sim/mutate.
// Thread-safe: pages are read under a shared lock, regeneration and mutation are exclusive.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "device_factory.h"
#include "device_model.h"
#include "scim_filter.h"

namespace oktasim {

struct OrgShape {
    uint64_t seed = 1;
    size_t devices = 500;
    size_t invalid_devices = 0;
    std::string origin;  // for hrefs inside objects
    int64_t anchor_ms = 0;
};

struct PageQuery {
    std::optional<std::string> after_key;  // decoded cursor: serve devices with a larger key
    size_t limit = 200;
    const ScimFilter* filter = nullptr;
    ExpandMode expand = ExpandMode::kNone;
};

struct Page {
    std::string body;  // JSON array
    size_t count = 0;
    std::string last_key;  // sort key of the last device served (for the next cursor)
    bool more = false;     // another matching device exists after last_key
};

class SimOrg {
public:
    void regenerate(const OrgShape& shape);

    // `buffer`: storage for the body (cleared first). A server thread passes the same one for
    // every page, so a 300 KB body is not mapped and faulted in afresh per request.
    Page page(const PageQuery& query, std::string buffer = {}) const;
    // The single device with this id (as GET /api/v1/devices/{id} serves it), or nullopt.
    std::optional<std::string> device_json(const std::string& id) const;
    std::optional<std::string> device_users_json(const std::string& id, ExpandMode mode) const;
    // Every device, expand=user form, one JSON array (GET /_sim/devices).
    std::string all_devices_json() const;
    size_t size() const;

    // /_sim/mutate. `body` as documented in README.md; returns the affected ids, or an error
    // message (std::string) for a malformed request. `now_ms` is the simulated clock.
    struct MutateResult {
        bool ok = true;
        std::string error;
        Json result;
    };
    MutateResult mutate(const Json& body, int64_t now_ms);

private:
    std::vector<size_t> pick_valid(size_t count);  // deterministic pseudo-random choice
    int64_t next_stamp(int64_t now_ms);            // strictly increasing lastUpdated
    void resort();

    mutable std::shared_mutex mu_;
    std::unique_ptr<DeviceFactory> factory_;
    std::vector<Device> devices_;  // sorted by sort_key
    uint64_t next_index_ = 0;      // generation index for devices added at runtime
    uint64_t mutation_round_ = 0;
    int64_t max_last_updated_ms_ = 0;
};

}  // namespace oktasim
