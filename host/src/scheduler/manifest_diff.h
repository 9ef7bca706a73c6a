// Which connectors a manifest reload adds, removes or changes (SIGHUP).
#pragma once

#include "config/manifest.h"

#include <string>
#include <vector>

namespace asset_host::scheduler {

// True when running `a` or `b` is the same thing: every field of the manifest, resolved secrets
// included (a rotated key is a change), compared.
bool same_manifest(const Manifest& a, const Manifest& b);

struct ManifestDiff {
    std::vector<Manifest> added;
    std::vector<std::string> removed;
    std::vector<Manifest> changed;  // the new version
};

// `current` and `next` hold enabled manifests with unique names.
ManifestDiff diff_manifests(const std::vector<Manifest>& current,
                            const std::vector<Manifest>& next);

}  // namespace asset_host::scheduler
