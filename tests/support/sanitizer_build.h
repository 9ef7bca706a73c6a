// Whether this build is instrumented by AddressSanitizer (-DASSET_HOST_SANITIZE=ON applies it
// to every target, so a test's own build tells for the asset-host it runs). A few behaviours
// cannot be the same there and their tests adapt, each saying so: RLIMIT_AS cannot bound a
// process whose shadow memory alone reserves terabytes of address space, and LeakSanitizer's
// exit-time check stops threads with ptrace, which fails under strace.
#pragma once

#include <chrono>

namespace testsupport {

#if defined(__SANITIZE_ADDRESS__)  // GCC
inline constexpr bool kSanitizerBuild = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)  // Clang
inline constexpr bool kSanitizerBuild = true;
#else
inline constexpr bool kSanitizerBuild = false;
#endif
#else
inline constexpr bool kSanitizerBuild = false;
#endif

// How many times longer a wall-clock bound may be in the instrumented build, which runs our
// code two to three times slower (measured per test entry in tests/README.md, "Sanitizers").
// The one factor for all such bounds: a bound that only that slowness breaks is written
// scaled_bound(normal bound), and the normal build keeps its own. It is the factor the ctest
// TIMEOUTs of the build are multiplied by: ASSET_HOST_TEST_TIME_SCALE, set once in
// tests/CMakeLists.txt and given to every test through asset_test_support's definitions. No
// factor covers a test process that waits for a CPU: run the suite at the priority of the
// machine's other work, not under nice -n 19 beside builds.
#ifndef ASSET_HOST_TEST_TIME_SCALE
#error "ASSET_HOST_TEST_TIME_SCALE comes from tests/CMakeLists.txt (link asset_test_support)"
#endif
inline constexpr int kTimeScale = ASSET_HOST_TEST_TIME_SCALE;

template <class Rep, class Period>
constexpr std::chrono::duration<Rep, Period> scaled_bound(std::chrono::duration<Rep, Period> d) {
    return d * kTimeScale;
}

}  // namespace testsupport
