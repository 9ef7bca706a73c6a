# Build settings shared by every target of the project.

# Strict warnings on our own code only (not on imported targets). Warnings are errors only when
# ASSET_HOST_WERROR is ON (scripts/test.sh and CI turn it on): a user's build with another
# compiler or optimisation level must not fail on a new or false warning.
set(ASSET_HOST_WARNING_FLAGS -Wall -Wextra)
if(ASSET_HOST_WERROR)
  list(APPEND ASSET_HOST_WARNING_FLAGS -Werror)
  # GCC 12 at -O3/-Os (Release, MinSizeRel) reports -Wrestrict and -Wstringop-overflow inside
  # libstdc++'s inlined std::string copies that cannot happen (impossible sizes near 2^63), e.g.
  # for "text" + std::string. Our code avoids those patterns and valijson's one is silenced
  # where it is included (host/src/config), so a Release build prints no warning
  # (scripts/build-matrix.sh fails on any); a new one, with another libstdc++ or inlining, stays
  # a warning rather than failing a user's build.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    list(APPEND ASSET_HOST_WARNING_FLAGS
      $<$<CONFIG:Release,MinSizeRel>:-Wno-error=restrict>
      $<$<CONFIG:Release,MinSizeRel>:-Wno-error=stringop-overflow>)
  endif()
endif()
function(asset_host_warnings target)
  target_compile_options(${target} PRIVATE ${ASSET_HOST_WARNING_FLAGS})
endfunction()

if(ASSET_HOST_SANITIZE)
  # Applied globally so the host, plugins and tests agree on the runtime.
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 with -fsanitize reports false "may be used uninitialized" errors inside
    # libstdc++'s std::regex (used by cpp-httplib's routes and by some tests). The normal build
    # keeps the warning as an error.
    add_compile_options($<$<COMPILE_LANGUAGE:CXX>:-Wno-maybe-uninitialized>)
  endif()
endif()

# Precompiled headers: the heavy headers (nlohmann/json, spdlog, doctest, cpp-httplib) most files
# of a group of targets include, compiled once by `owner` and reused by the others. Reuse needs
# the same compile flags, and every definition the owner is compiled with must be present in the
# others too (GCC refuses the header otherwise, which -Winvalid-pch and -Werror make an error):
# the owner is the target of the group with the fewest link dependencies.
#   asset_host_share_pch(<owner> HEADERS <header>... [TARGETS <target>...])
function(asset_host_share_pch owner)
  cmake_parse_arguments(P "" "" "HEADERS;TARGETS" ${ARGN})
  target_precompile_headers(${owner} PRIVATE ${P_HEADERS})
  foreach(target IN LISTS P_TARGETS)
    target_precompile_headers(${target} REUSE_FROM ${owner})
  endforeach()
endfunction()

if(ASSET_HOST_FUZZ)
  # libFuzzer is clang's. Every library is instrumented for coverage (fuzzer-no-link) and the
  # sanitizers; the fuzz targets alone link libFuzzer's main (tests/fuzz).
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "ASSET_HOST_FUZZ=ON needs clang: configure with CC=clang-14 CXX=clang++-14")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# Plugins: the helper the installed SDK package ships (sdk/cmake/AssetHostPlugin.cmake), with
# this tree's warnings.
set(ASSET_HOST_PLUGIN_COMPILE_OPTIONS ${ASSET_HOST_WARNING_FLAGS})
include("${CMAKE_CURRENT_LIST_DIR}/../sdk/cmake/AssetHostPlugin.cmake")
