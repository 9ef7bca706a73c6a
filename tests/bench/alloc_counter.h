// Counts heap allocations made through operator new in this process: alloc_counter.cpp replaces
// the global operator new/delete (all forms) of the benchmark binary that links it. Used to
// measure "no per-record heap churn" as allocations per device.
#pragma once

#include <cstdint>

namespace bench {

struct AllocSnapshot {
    std::uint64_t count = 0;  // operator new calls so far (all threads)
    std::uint64_t bytes = 0;  // bytes requested by them
};

AllocSnapshot alloc_snapshot();

}  // namespace bench
