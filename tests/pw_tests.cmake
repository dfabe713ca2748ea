# pw_add_c_tests(KIND LABEL): one cmocka executable per tests/KIND/test_*.c,
# linked with the common library and every service core library, registered
# with ctest under KIND/<name>. A cmocka skip() fails the test: a C test has
# no optional dependency, and ctest's SKIP_REGULAR_EXPRESSION would also hide
# a failure in the same executable.
# The tests' own helpers (tests/lib: a fresh database, the bad-input
# corpus harness, the fixtures several integration tests share), built once.
# A program links only the helpers it calls (a static library).
if(NOT TARGET pathways_testlib)
  add_library(pathways_testlib STATIC "${PROJECT_SOURCE_DIR}/tests/lib/testdb.c"
              "${PROJECT_SOURCE_DIR}/tests/lib/corpus.c"
              "${PROJECT_SOURCE_DIR}/tests/lib/testports.c"
              "${PROJECT_SOURCE_DIR}/tests/lib/elig_fixture.c"
              "${PROJECT_SOURCE_DIR}/tests/lib/enrollment_fixture.c"
              "${PROJECT_SOURCE_DIR}/tests/lib/reporting_fixture.c")
  target_include_directories(pathways_testlib PUBLIC "${PROJECT_SOURCE_DIR}/tests/lib")
  target_link_libraries(pathways_testlib PUBLIC pathways_eligibility_core pathways_enrollment_core
                        pathways_reporting_core pathways_common PkgConfig::CMOCKA)
endif()

function(pw_add_c_tests kind)
  file(GLOB srcs CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/test_*.c")
  set(cores "")
  foreach(s eligibility enrollment notification reporting synth publish roster)
    if(TARGET pathways_${s}_core)
      list(APPEND cores pathways_${s}_core)
    endif()
  endforeach()
  # The tools' shared library (CSV reader, import rows).
  if(TARGET pathways_tools)
    list(APPEND cores pathways_tools)
  endif()
  foreach(src IN LISTS srcs)
    get_filename_component(name "${src}" NAME_WE)
    set(exe "${kind}_${name}")
    add_executable(${exe} "${src}")
    set_target_properties(${exe} PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/tests")
    target_include_directories(${exe} PRIVATE "${PROJECT_SOURCE_DIR}/tests/lib")
    target_compile_definitions(${exe} PRIVATE PW_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    target_link_libraries(${exe} PRIVATE pathways_testlib ${cores} pathways_common
                          PkgConfig::CMOCKA)
    add_test(NAME ${kind}/${name} COMMAND ${exe})
    set_tests_properties(${kind}/${name} PROPERTIES LABELS ${kind} TIMEOUT 300
      FAIL_REGULAR_EXPRESSION "\\[  SKIPPED \\]")
  endforeach()
endfunction()
