# Helpers every CMakeLists.txt uses (after abseil's absl_cc_library):
#   ordo_cc_library(NAME x HDRS ... SRCS ... DEPS ...)  -> ordo_x, alias ordo::x
#   ordo_cc_test(NAME x_test SRCS ... DEPS ... [LABELS ...]) -> one gtest binary
#   ordo_cc_binary(NAME ordo-x SRCS ... DEPS ...)        -> build/bin/ordo-x
#     (outside bench/, also a dependency of the `binaries` target)

# Every compiled ordo target: the warnings, the definitions all of them share
# (ordo_common_flags), and the precompiled headers `pch` (ordo_pch, or
# ordo_test_pch for tests; cmake/pch.h), unless ORDO_PCH is off.
function(ordo_compile_setup target pch)
  target_compile_options(${target} PRIVATE ${ORDO_WARNINGS})
  target_link_libraries(${target} PRIVATE ordo_common_flags)
  if(ORDO_PCH)
    target_precompile_headers(${target} REUSE_FROM ${pch})
  endif()
endfunction()

# Defines ordo_common_flags, ordo_pch and ordo_test_pch; called once the proto
# library exists. GCC takes a precompiled header only in a file compiled
# under the same macros, so every ordo target gets spdlog's and GoogleTest's
# definitions and -pthread, whether or not it uses them.
function(ordo_define_pch_targets)
  add_library(ordo_common_flags INTERFACE)
  target_link_libraries(ordo_common_flags INTERFACE spdlog::spdlog Threads::Threads)
  target_compile_definitions(ordo_common_flags INTERFACE GTEST_HAS_PTHREAD=1)
  target_compile_options(ordo_common_flags INTERFACE -pthread)  # it defines _REENTRANT
  foreach(pch ordo_pch ordo_test_pch)
    add_library(${pch} STATIC ${PROJECT_SOURCE_DIR}/cmake/pch.cc)
    target_include_directories(${pch} PRIVATE ${PROJECT_SOURCE_DIR})
    target_link_libraries(${pch} PRIVATE ordo::proto gRPC::grpc++ ordo_common_flags)
    target_compile_options(${pch} PRIVATE ${ORDO_WARNINGS})
  endforeach()
  target_link_libraries(ordo_test_pch PRIVATE GTest::gmock)
  if(ORDO_PCH)
    target_precompile_headers(ordo_pch PRIVATE ${PROJECT_SOURCE_DIR}/cmake/pch.h)
    target_precompile_headers(ordo_test_pch PRIVATE ${PROJECT_SOURCE_DIR}/cmake/test_pch.h)
  endif()
endfunction()

function(ordo_cc_library)
  cmake_parse_arguments(ARG "" "NAME" "HDRS;SRCS;DEPS" ${ARGN})
  if(ARG_SRCS)
    add_library(ordo_${ARG_NAME} STATIC ${ARG_SRCS} ${ARG_HDRS})
    target_include_directories(ordo_${ARG_NAME} PUBLIC ${PROJECT_SOURCE_DIR})
    target_link_libraries(ordo_${ARG_NAME} PUBLIC ${ARG_DEPS})
    ordo_compile_setup(ordo_${ARG_NAME} ordo_pch)
  else()
    add_library(ordo_${ARG_NAME} INTERFACE)
    target_include_directories(ordo_${ARG_NAME} INTERFACE ${PROJECT_SOURCE_DIR})
    target_link_libraries(ordo_${ARG_NAME} INTERFACE ${ARG_DEPS})
  endif()
  add_library(ordo::${ARG_NAME} ALIAS ordo_${ARG_NAME})
endfunction()

function(ordo_cc_test)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  set_target_properties(${ARG_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  ordo_compile_setup(${ARG_NAME} ordo_test_pch)
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  gtest_discover_tests(${ARG_NAME} DISCOVERY_MODE PRE_TEST PROPERTIES LABELS "${ARG_LABELS}")
endfunction()

function(ordo_cc_binary)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} ${ORDO_TCMALLOC})
  ordo_compile_setup(${ARG_NAME} ordo_pch)
  # The cluster's programs (not the benchmarks') make the `binaries` target:
  # what `make up` and the images need, without building every test.
  if(NOT CMAKE_CURRENT_SOURCE_DIR MATCHES "/bench$")
    set_property(GLOBAL APPEND PROPERTY ORDO_BINARIES ${ARG_NAME})
  endif()
endfunction()
