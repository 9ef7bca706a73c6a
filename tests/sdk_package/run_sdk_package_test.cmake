# The SDK package, as a plugin author outside this repository uses it (cmake -P, run by ctest):
#  1. install the SDK component of this build into a staging prefix;
#  2. configure and build tests/sdk_package/plugin (a C++ plugin with its RecordingHost unit
#     test, and a C plugin) against it with find_package(AssetHostSDK 1.1);
#  3. run the plugin's unit test, then load both plugins with the real asset-host binary
#     (`plugins`) and run a cycle of each (`fetch --output -`);
#  4. check the package's version rule (SameMajorVersion: 1.0 and 1.1 accepted, 1.2 and 2.0 not);
#  5. check that sdk/README.md's example is this project, byte for byte.
# Inputs (-D): BUILD_DIR, SOURCE_DIR, WORK_DIR, ASSET_HOST, C_COMPILER, CXX_COMPILER, BUILD_TYPE,
# LIB_DIR and INCLUDE_DIR (GNUInstallDirs' relative dirs), SANITIZE_FLAGS (compiler and linker
# flags, empty unless the build is sanitized).
cmake_minimum_required(VERSION 3.25)

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()

function(expect_in text what)
  foreach(needle IN LISTS ARGN)
    string(FIND "${text}" "${needle}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "${what}: expected to find\n  ${needle}\nin:\n${text}")
    endif()
  endforeach()
endfunction()

set(prefix "${WORK_DIR}/prefix")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

# 1. The SDK component only: headers, the static library, the CMake package. Nothing else.
run("cmake --install --component sdk"
    "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}" --component sdk)
file(GLOB_RECURSE installed RELATIVE "${prefix}" "${prefix}/*")
list(SORT installed)
string(JOIN "\n" installed_text ${installed})
set(inc "${INCLUDE_DIR}")
set(cmake_dir "${LIB_DIR}/cmake/AssetHostSDK")
expect_in("${installed_text}" "installed files"
  ${inc}/asset_host/plugin_abi.h ${inc}/asset_host/plugin.hpp ${inc}/asset_host/host.hpp
  ${inc}/asset_host/recording_host.hpp ${inc}/asset_sdk/ocsf.h ${inc}/asset_sdk/json_writer.h
  ${LIB_DIR}/libasset_sdk.a ${cmake_dir}/AssetHostSDKConfig.cmake
  ${cmake_dir}/AssetHostSDKConfigVersion.cmake ${cmake_dir}/AssetHostSDKTargets.cmake
  ${cmake_dir}/AssetHostPlugin.cmake ${cmake_dir}/plugin_exports.map)
foreach(file IN LISTS installed)
  string(FIND "${file}" "${inc}/asset_host/" in_abi)
  string(FIND "${file}" "${inc}/asset_sdk/" in_sdk)
  string(FIND "${file}" "${cmake_dir}/" in_cmake)
  if(NOT (in_abi EQUAL 0 OR in_sdk EQUAL 0 OR in_cmake EQUAL 0 OR
          file STREQUAL "${LIB_DIR}/libasset_sdk.a"))
    message(FATAL_ERROR "the sdk component installs ${file}, which is not part of the SDK")
  endif()
endforeach()

# 2. Configure and build the out-of-tree project.
set(flags "")
if(SANITIZE_FLAGS)
  set(flags "-DCMAKE_C_FLAGS=${SANITIZE_FLAGS}" "-DCMAKE_CXX_FLAGS=${SANITIZE_FLAGS}"
            "-DCMAKE_EXE_LINKER_FLAGS=${SANITIZE_FLAGS}"
            "-DCMAKE_MODULE_LINKER_FLAGS=${SANITIZE_FLAGS}")
endif()
run("configuring the out-of-tree plugin project"
    "${CMAKE_COMMAND}" -S "${SOURCE_DIR}/tests/sdk_package/plugin" -B "${WORK_DIR}/build"
    "-DCMAKE_PREFIX_PATH=${prefix}" "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}"
    "-DCMAKE_C_COMPILER=${C_COMPILER}" "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}" ${flags})
run("building the out-of-tree plugin project"
    "${CMAKE_COMMAND}" --build "${WORK_DIR}/build" --parallel 2)

# 3. The plugin's own unit test, then the real host loading and running both plugins.
run("sdk_example_test" "${WORK_DIR}/build/sdk_example_test")
expect_in("${out}" "sdk_example_test" "sdk_example_test: ok")

set(host "${CMAKE_COMMAND}" -E env --unset=ASSET_HOST_PLUGINS_DIR --unset=ASSET_HOST_MANIFESTS_DIR
    --unset=ASSET_HOST_STATE_DIR --unset=ASSET_HOST_LOG_LEVEL --unset=ASSET_HOST_LOG_FORMAT
    "${ASSET_HOST}" --plugins-dir "${WORK_DIR}/build/plugins"
    --manifests-dir "${WORK_DIR}/manifests" --state-dir "${WORK_DIR}/state")
run("asset-host plugins" ${host} plugins)
expect_in("${out}" "asset-host plugins"
  "sdk_example    0.1.0    1.1  ocsf/5001" "sdk_example_c  0.1.0    1.1  test/c")

file(WRITE "${WORK_DIR}/manifests/cpp.yaml"
  "name: sdk-cpp\nplugin: sdk_example\nconfig:\n  records: 4\n")
run("asset-host fetch (C++ plugin)" ${host} fetch "${WORK_DIR}/manifests/cpp.yaml" --output -)
string(REGEX MATCHALL "[^\n]+" records "${out}")
list(LENGTH records count)
if(NOT count EQUAL 4)
  message(FATAL_ERROR "the C++ plugin gave ${count} records, not 4:\n${out}")
endif()
list(GET records 3 last)
expect_in("${last}" "last record of the C++ plugin"
  [[{"activity_id":2,"activity_name":"Collect","category_name":"Discovery","category_uid":5,]]
  [["type_uid":500102,"severity":"Informational","severity_id":1,"time":]]
  [["metadata":{"product":{"name":"SDK example","vendor_name":"Example Corp","version":"0.1.0"},"version":"1.6.0"},"device":{"uid":"sdk-3","type":"Server","type_id":1}}]])

file(WRITE "${WORK_DIR}/manifests/c.yaml" "name: sdk-c\nplugin: sdk_example_c\nconfig:\n  records: 2\n")
run("asset-host fetch (C plugin)" ${host} fetch "${WORK_DIR}/manifests/c.yaml" --output -)
if(NOT out STREQUAL "{\"uid\":\"c-0\"}\n{\"uid\":\"c-1\"}\n")
  message(FATAL_ERROR "the C plugin's records:\n${out}")
endif()

# 4. The version rule, as find_package() applies it to the installed version file.
set(CMAKE_SIZEOF_VOID_P 8)
foreach(case "1.0;TRUE" "1.1;TRUE" "1.2;FALSE" "2.0;FALSE")
  list(GET case 0 PACKAGE_FIND_VERSION)
  list(GET case 1 want)
  string(REGEX MATCH "^[0-9]+" PACKAGE_FIND_VERSION_MAJOR "${PACKAGE_FIND_VERSION}")
  unset(PACKAGE_VERSION_COMPATIBLE)
  include("${prefix}/${cmake_dir}/AssetHostSDKConfigVersion.cmake")
  if(NOT "${PACKAGE_VERSION_COMPATIBLE}" STREQUAL "${want}")
    message(FATAL_ERROR "SDK ${PACKAGE_VERSION} asked for ${PACKAGE_FIND_VERSION}: compatible "
                        "is '${PACKAGE_VERSION_COMPATIBLE}', expected ${want}")
  endif()
endforeach()
if(NOT PACKAGE_VERSION STREQUAL "1.1")
  message(FATAL_ERROR "the package version is ${PACKAGE_VERSION}, not the ABI version 1.1")
endif()

# 5. sdk/README.md shows this project's files as a plugin author's example: each block marked
#    "<!-- tested: PATH -->" must be the file, byte for byte.
file(READ "${SOURCE_DIR}/sdk/README.md" rest)
set(compared 0)
while(TRUE)
  string(FIND "${rest}" "<!-- tested: " at)
  if(at EQUAL -1)
    break()
  endif()
  math(EXPR at "${at} + 13")
  string(SUBSTRING "${rest}" ${at} -1 rest)
  string(FIND "${rest}" " -->" end)
  string(SUBSTRING "${rest}" 0 ${end} path)
  string(FIND "${rest}" "```" fence)
  string(SUBSTRING "${rest}" ${fence} -1 rest)
  string(FIND "${rest}" "\n" line_end)
  math(EXPR line_end "${line_end} + 1")
  string(SUBSTRING "${rest}" ${line_end} -1 rest)
  string(FIND "${rest}" "\n```" close)
  math(EXPR close "${close} + 1")
  string(SUBSTRING "${rest}" 0 ${close} block)
  file(READ "${SOURCE_DIR}/${path}" content)
  if(NOT block STREQUAL content)
    message(FATAL_ERROR "sdk/README.md's copy of ${path} is not the file: update the guide")
  endif()
  math(EXPR compared "${compared} + 1")
endwhile()
if(compared LESS 4)
  message(FATAL_ERROR "sdk/README.md: ${compared} tested blocks found, expected 4")
endif()

message(STATUS "SDK package: installed, built out of tree, loaded and run by asset-host")
