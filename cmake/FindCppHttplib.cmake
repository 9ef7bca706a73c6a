# Find cpp-httplib as Debian packages it (libcpp-httplib-dev): a compiled library plus a
# pkg-config file, no CMake config. Defines the imported target CppHttplib::CppHttplib.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(PC_CPP_HTTPLIB QUIET cpp-httplib)
endif()

find_path(CppHttplib_INCLUDE_DIR httplib.h HINTS ${PC_CPP_HTTPLIB_INCLUDE_DIRS})
find_library(CppHttplib_LIBRARY NAMES cpp-httplib HINTS ${PC_CPP_HTTPLIB_LIBRARY_DIRS})
set(CppHttplib_VERSION "${PC_CPP_HTTPLIB_VERSION}")

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(CppHttplib
  REQUIRED_VARS CppHttplib_LIBRARY CppHttplib_INCLUDE_DIR
  VERSION_VAR CppHttplib_VERSION)

if(CppHttplib_FOUND AND NOT TARGET CppHttplib::CppHttplib)
  find_package(OpenSSL REQUIRED)
  add_library(CppHttplib::CppHttplib UNKNOWN IMPORTED)
  set_target_properties(CppHttplib::CppHttplib PROPERTIES
    IMPORTED_LOCATION "${CppHttplib_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${CppHttplib_INCLUDE_DIR}"
    # The Debian build enables TLS, zlib and brotli; the header must see the same switches.
    INTERFACE_COMPILE_DEFINITIONS "CPPHTTPLIB_OPENSSL_SUPPORT;CPPHTTPLIB_ZLIB_SUPPORT;CPPHTTPLIB_BROTLI_SUPPORT"
    INTERFACE_LINK_LIBRARIES "OpenSSL::SSL;OpenSSL::Crypto;Threads::Threads")
endif()
mark_as_advanced(CppHttplib_INCLUDE_DIR CppHttplib_LIBRARY)
