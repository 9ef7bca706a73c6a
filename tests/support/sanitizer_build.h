// Whether this build is instrumented by AddressSanitizer (-DASSET_HOST_SANITIZE=ON applies it
// to every target, so a test's own build tells for the asset-host it runs). A few behaviours
// cannot be the same there and their tests adapt, each saying so: RLIMIT_AS cannot bound a
// process whose shadow memory alone reserves terabytes of address space, and LeakSanitizer's
// exit-time check stops threads with ptrace, which fails under strace.
#pragma once

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

}  // namespace testsupport
