#include "common/heap.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace asset_host {

namespace {

// glibc's default starting threshold, kept fixed (setting it turns the dynamic raise off).
constexpr int kMmapThreshold = 128 * 1024;

}  // namespace

void tune_heap() {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, kMmapThreshold);
#endif
}

void release_free_heap() {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

}  // namespace asset_host
