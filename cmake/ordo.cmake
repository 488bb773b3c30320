# Helpers every CMakeLists.txt uses (after abseil's absl_cc_library):
#   ordo_cc_library(NAME x HDRS ... SRCS ... DEPS ...)  -> ordo_x, alias ordo::x
#   ordo_cc_test(NAME x_test SRCS ... DEPS ... [LABELS ...]) -> one gtest binary
#   ordo_cc_binary(NAME ordo-x SRCS ... DEPS ...)        -> build/bin/ordo-x
#     (outside bench/, also a dependency of the `binaries` target)

function(ordo_cc_library)
  cmake_parse_arguments(ARG "" "NAME" "HDRS;SRCS;DEPS" ${ARGN})
  if(ARG_SRCS)
    add_library(ordo_${ARG_NAME} STATIC ${ARG_SRCS} ${ARG_HDRS})
    target_include_directories(ordo_${ARG_NAME} PUBLIC ${PROJECT_SOURCE_DIR})
    target_link_libraries(ordo_${ARG_NAME} PUBLIC ${ARG_DEPS})
    target_compile_options(ordo_${ARG_NAME} PRIVATE ${ORDO_WARNINGS})
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
  target_compile_options(${ARG_NAME} PRIVATE ${ORDO_WARNINGS})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  gtest_discover_tests(${ARG_NAME} DISCOVERY_MODE PRE_TEST PROPERTIES LABELS "${ARG_LABELS}")
endfunction()

function(ordo_cc_binary)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} ${ORDO_TCMALLOC})
  target_compile_options(${ARG_NAME} PRIVATE ${ORDO_WARNINGS})
  # The cluster's programs (not the benchmarks') make the `binaries` target:
  # what `make up` and the images need, without building every test.
  if(NOT CMAKE_CURRENT_SOURCE_DIR MATCHES "/bench$")
    set_property(GLOBAL APPEND PROPERTY ORDO_BINARIES ${ARG_NAME})
  endif()
endfunction()
