# Build settings shared by every target of the project.

# Strict warnings on our own code only (not on imported targets).
function(asset_host_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
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

set(ASSET_HOST_PLUGIN_VERSION_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/plugin_exports.map")

# A connector plugin: a MODULE library (dlopen-only) with hidden visibility, exporting only the
# ABI entry symbol, written to the build tree's plugins directory.
#   asset_host_add_plugin(<target> OUTPUT_NAME <file name without .so> SOURCES ... [LIBS ...])
function(asset_host_add_plugin target)
  cmake_parse_arguments(P "" "OUTPUT_NAME;OUTPUT_DIR" "SOURCES;LIBS" ${ARGN})
  if(NOT P_OUTPUT_DIR)
    set(P_OUTPUT_DIR "${ASSET_HOST_PLUGIN_OUTPUT_DIR}")
  endif()
  add_library(${target} MODULE ${P_SOURCES})
  asset_host_warnings(${target})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "${P_OUTPUT_NAME}"
    LIBRARY_OUTPUT_DIRECTORY "${P_OUTPUT_DIR}"
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_link_libraries(${target} PRIVATE asset_host::plugin_api ${P_LIBS})
  # Export exactly the ABI entry: hidden visibility covers our code, the version script also
  # hides weak template instantiations and type info pulled from libstdc++ headers, and symbols
  # of static libraries linked in (the sdk support library). Resolve everything at link time so
  # a missing symbol fails the build, not the dlopen.
  target_link_options(${target} PRIVATE "LINKER:--exclude-libs,ALL" "LINKER:--no-undefined"
    "LINKER:--version-script=${ASSET_HOST_PLUGIN_VERSION_SCRIPT}")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${ASSET_HOST_PLUGIN_VERSION_SCRIPT}")
endfunction()
