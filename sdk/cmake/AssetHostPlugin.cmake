# asset_host_add_plugin(): how an asset-host connector plugin is built. One file for plugins
# built in the asset-host tree (its cmake/AssetHostBuild.cmake includes it) and outside it
# (find_package(AssetHostSDK) includes the installed copy), so both get the same library.
#
#   asset_host_add_plugin(<target> SOURCES <files>... [LIBS <targets>...]
#                         [OUTPUT_NAME <name>] [OUTPUT_DIR <dir>])
#
# Builds <target> as a MODULE (a library only dlopen()ed, never linked against) named
# <OUTPUT_NAME>.so without the "lib" prefix (default: the target name), into OUTPUT_DIR
# (default: ASSET_HOST_PLUGIN_OUTPUT_DIR when set, else CMake's usual place). It links
# AssetHost::plugin_api (the C ABI header) and LIBS (e.g. AssetHost::sdk for the C++ SDK), and
# exports exactly one symbol, the ABI entry point:
#   - hidden visibility for C and C++ (the entry is marked AH_PLUGIN_EXPORT);
#   - a linker version script (plugin_exports.map) that also hides weak template instances and
#     type info pulled from libstdc++ headers;
#   - --exclude-libs,ALL: nothing of the static libraries linked in (the SDK's support library)
#     is exported;
#   - --no-undefined: a missing symbol fails the build, not the host's dlopen().
# Compile options in ASSET_HOST_PLUGIN_COMPILE_OPTIONS are added to every plugin (this tree
# sets its strict warnings there; empty by default).
# Needs CMake >= 3.17 (CMAKE_CURRENT_FUNCTION_LIST_DIR).

function(asset_host_add_plugin target)
  cmake_parse_arguments(P "" "OUTPUT_NAME;OUTPUT_DIR" "SOURCES;LIBS" ${ARGN})
  if(NOT P_SOURCES)
    message(FATAL_ERROR "asset_host_add_plugin(${target}): SOURCES is required")
  endif()
  if(NOT P_OUTPUT_NAME)
    set(P_OUTPUT_NAME "${target}")
  endif()
  if(NOT P_OUTPUT_DIR)
    set(P_OUTPUT_DIR "${ASSET_HOST_PLUGIN_OUTPUT_DIR}")
  endif()
  set(version_script "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/plugin_exports.map")

  add_library(${target} MODULE ${P_SOURCES})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "${P_OUTPUT_NAME}"
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(P_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${P_OUTPUT_DIR}")
  endif()
  target_compile_options(${target} PRIVATE ${ASSET_HOST_PLUGIN_COMPILE_OPTIONS})
  target_link_libraries(${target} PRIVATE AssetHost::plugin_api ${P_LIBS})
  target_link_options(${target} PRIVATE "LINKER:--exclude-libs,ALL" "LINKER:--no-undefined"
    "LINKER:--version-script=${version_script}")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${version_script}")
endfunction()
