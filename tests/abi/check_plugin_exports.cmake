# Fails unless each plugin library exports exactly one symbol, the ABI entry point
# (hidden visibility + sdk/cmake/plugin_exports.map; host/README.md). A plugin that leaked its C++
# internals (or a static copy of a dependency) into the dynamic symbol table could bind
# another plugin's or the host's symbols at load time.
#   cmake -DNM=<nm> -DPLUGINS=<a.so;b.so> -P check_plugin_exports.cmake
foreach(plugin IN LISTS PLUGINS)
  execute_process(COMMAND "${NM}" -D --defined-only "${plugin}"
    OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${NM} failed on ${plugin}")
  endif()
  string(REGEX MATCHALL "[^\n]+" lines "${symbols}")
  set(exported "")
  foreach(line IN LISTS lines)
    # "<address> <type> <name>"; keep the name
    string(REGEX REPLACE "^[0-9a-fA-F]* *[A-Za-z] " "" name "${line}")
    list(APPEND exported "${name}")
  endforeach()
  if(NOT exported STREQUAL "asset_host_plugin_entry")
    message(FATAL_ERROR "${plugin} exports [${exported}]; expected only asset_host_plugin_entry")
  endif()
  message(STATUS "${plugin}: exports only asset_host_plugin_entry")
endforeach()
