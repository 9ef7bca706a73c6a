// Deterministic generation of the simulated org: every device and user is a pure function of
// (seed, generation index, anchor time), following the variant rules documented in README.md
// ("Data coverage rules"). Also (re)builds a device's links and serialized caches after edits.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "device_model.h"

namespace oktasim {

class DeviceFactory {
public:
    // `origin` ("http://127.0.0.1:1234") prefixes the hrefs inside objects; `anchor_ms` is the
    // instant every generated timestamp precedes; `device_count` sizes the user pool.
    DeviceFactory(uint64_t seed, std::string origin, int64_t anchor_ms, size_t device_count);

    // Device number `index` per the coverage rules (index 0..N-1 at start-up).
    Device make_device(uint64_t index) const;
    // A device added at runtime (/_sim/mutate add): same rules, but created = lastUpdated = now.
    Device make_added_device(uint64_t index, int64_t now_ms) const;
    // Extra device k of --invalid-devices: lacks id or profile.displayName (see README).
    Device make_invalid_device(uint64_t k) const;

    // Rebuilds _links for the current status (and drops users of DEACTIVATED devices), then the
    // serialized caches. Call after any change to `device.doc` or `device.users`.
    void serialize(Device& device) const;

    // Stable pseudo-random 64-bit value for (seed, a, b): all "random" choices go through it.
    uint64_t mix(uint64_t a, uint64_t b) const;
    // `len` characters of [A-Za-z0-9] derived from (a, b).
    std::string alnum(uint64_t a, uint64_t b, size_t len) const;

private:
    UserRecord make_user(size_t u) const;
    std::vector<DeviceUserLink> make_links(uint64_t index, const std::string& status,
                                           int64_t created_ms, int64_t updated_ms) const;
    int64_t created_ms(uint64_t index) const;
    int64_t last_updated_ms(uint64_t index) const;
    Json make_profile(uint64_t index, const std::string& platform) const;
    std::string make_id(uint64_t index) const;

    uint64_t seed_;
    std::string origin_;
    int64_t anchor_ms_;
    std::vector<UserRecord> users_;
};

// Stable pseudo-random 64-bit value for (seed, a, b), and `len` characters of [A-Za-z0-9]
// derived from it: every "random" choice of the simulator goes through these.
uint64_t stable_mix(uint64_t seed, uint64_t a, uint64_t b);
std::string stable_alnum(uint64_t seed, uint64_t a, uint64_t b, size_t len);

// Names of the profile properties (everything but displayName/platform is optional).
const std::vector<std::string>& profile_field_names();

}  // namespace oktasim
