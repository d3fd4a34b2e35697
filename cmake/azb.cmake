# Shared build settings and helper functions for every azbridge target.

if(AZB_USE_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  find_program(AZB_CCACHE ccache)
  if(AZB_CCACHE)
    # PCH and ccache work together only with these sloppiness settings. BASEDIR/NOHASHDIR make the cache
    # independent of where the clone is (CI builds a fresh clone in another folder of the same machine).
    set(CMAKE_CXX_COMPILER_LAUNCHER
        ${CMAKE_COMMAND} -E env CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
        CCACHE_BASEDIR=${PROJECT_SOURCE_DIR} CCACHE_NOHASHDIR=1
        ${AZB_CCACHE})
  endif()
endif()

# Warnings and sanitizers apply to our own targets only.
set(AZB_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wno-missing-field-initializers)
set(AZB_SANITIZER_FLAGS "")
if(AZB_SANITIZE)
  set(AZB_SANITIZER_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
endif()
if(AZB_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "AZB_FUZZ needs clang (use the 'fuzz' preset)")
  endif()
  set(AZB_SANITIZER_FLAGS -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  set(AZB_BUILD_TESTS OFF)
endif()

# The Asio/Beast/SSL implementation is compiled once (src/net/asio_impl.cpp);
# every target that includes those headers sees these definitions through azb::net.
set(AZB_ASIO_DEFINITIONS
    BOOST_ASIO_SEPARATE_COMPILATION
    BOOST_BEAST_SEPARATE_COMPILATION
    BOOST_ASIO_NO_DEPRECATED)

function(azb_target_defaults target)
  target_compile_options(${target} PRIVATE ${AZB_WARNINGS} ${AZB_SANITIZER_FLAGS})
  target_link_options(${target} PRIVATE ${AZB_SANITIZER_FLAGS})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/include)
endfunction()

# azb_add_library(name SOURCES ... [ASIO] [LIBS ...])
# ASIO: the library includes Asio/Beast; it reuses the precompiled header of azb_net.
function(azb_add_library name)
  cmake_parse_arguments(ARG "ASIO" "" "SOURCES;LIBS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  add_library(azb::${name} ALIAS ${name})
  azb_target_defaults(${name})
  target_link_libraries(${name} PUBLIC ${ARG_LIBS})
  if(ARG_ASIO AND AZB_USE_PCH AND NOT name STREQUAL "net")
    target_precompile_headers(${name} REUSE_FROM net)
  endif()
endfunction()

# azb_add_unit_test(name SOURCES ... LIBS ...): a Catch2 executable registered with CTest.
function(azb_add_unit_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  if(NOT AZB_BUILD_TESTS)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  azb_target_defaults(${name})
  target_link_libraries(${name} PRIVATE azb_catch_main ${ARG_LIBS})
  catch_discover_tests(${name} TEST_PREFIX "${name}:" PROPERTIES LABELS unit TIMEOUT 120)
  add_dependencies(unit_tests ${name})
endfunction()

# azb_add_fuzzer(name SOURCE LIBS ...): a libFuzzer target, built only in the fuzz preset.
function(azb_add_fuzzer name)
  cmake_parse_arguments(ARG "" "SOURCE" "LIBS" ${ARGN})
  if(NOT AZB_FUZZ)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCE})
  azb_target_defaults(${name})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_libraries(${name} PRIVATE ${ARG_LIBS})
  add_dependencies(fuzzers ${name})
  # A short smoke run so that `ctest --preset fuzz` proves each target starts and survives its seeds.
  # libFuzzer writes new inputs into its FIRST corpus folder: give it one in the build tree so the seeds in
  # the source tree stay as committed.
  set(corpus ${CMAKE_CURRENT_SOURCE_DIR}/corpus/${name})
  set(scratch ${CMAKE_CURRENT_BINARY_DIR}/corpus-new/${name})
  add_test(NAME fuzz:${name}
           COMMAND bash -c "mkdir -p '${scratch}' && exec '$<TARGET_FILE:${name}>' -runs=20000 -max_len=4096 '${scratch}' '${corpus}'")
  set_tests_properties(fuzz:${name} PROPERTIES LABELS fuzz TIMEOUT 300)
endfunction()

# azb_add_integration_test(name SCRIPT file [TIMEOUT s] [LABELS ...]):
# a Python (stdlib only) or shell test that drives the real azbridge binary over loopback.
function(azb_add_integration_test name)
  cmake_parse_arguments(ARG "" "SCRIPT;TIMEOUT" "LABELS" ${ARGN})
  if(NOT AZB_BUILD_TESTS)
    return()
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  get_filename_component(ext ${ARG_SCRIPT} LAST_EXT)
  if(ext STREQUAL ".py")
    set(cmd ${Python3_EXECUTABLE} ${ARG_SCRIPT})
  else()
    set(cmd bash ${ARG_SCRIPT})
  endif()
  add_test(NAME ${name} COMMAND ${cmd} WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR})
  set_tests_properties(${name} PROPERTIES
    LABELS "integration;${ARG_LABELS}"
    TIMEOUT ${ARG_TIMEOUT}
    ENVIRONMENT "AZBRIDGE_BIN=$<TARGET_FILE:azbridge>;AZBRIDGE_SOURCE_DIR=${PROJECT_SOURCE_DIR};PYTHONDONTWRITEBYTECODE=1")
endfunction()
