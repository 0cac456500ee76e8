# curtain_add_test(name SOURCES ... LIBS ... LABEL unit|integration|gui|conformance [TIMEOUT s])
# curtain_add_test(name ... LABELS integration slow) gives several labels: `ctest -LE slow` skips
# the real-time runs.
# The one place a test is registered: it runs headless, in a fixed locale, and carries a label so
# `ctest -L unit` runs only the fast, pure tests.
function(curtain_add_test name)
    cmake_parse_arguments(ARG "" "LABEL;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
    list(APPEND ARG_LABELS ${ARG_LABEL})
    if(NOT ARG_LABELS)
        message(FATAL_ERROR "curtain_add_test(${name}): LABEL is required (unit, integration, gui, conformance)")
    endif()
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 120)
    endif()
    set(qtest_timeout_ms 300000) # QTest's own default for one test function
    if(CURTAIN_SANITIZED)
        # Sanitized code (and every child process it starts) runs two to ten times slower.
        math(EXPR ARG_TIMEOUT "${ARG_TIMEOUT} * 4")
        math(EXPR qtest_timeout_ms "${qtest_timeout_ms} * 4")
    endif()
    add_executable(${name} ${ARG_SOURCES})
    # One source each: a unity build gains nothing, and gcc would warn (an error here) that the test
    # class holds types of the file's anonymous namespace, as if the file were a header.
    set_target_properties(${name} PROPERTIES UNITY_BUILD OFF)
    curtain_use_pch(${name} core)
    target_link_libraries(${name} PRIVATE curtain_build_settings curtain_testsupport Qt6::Test ${ARG_LIBS})
    add_test(NAME ${name} COMMAND ${name})
    # The journal and settings of what a test runs (curtainctl, curtain) stay in the build tree,
    # one place per test, never in the user's home.
    set(test_home "XDG_STATE_HOME=${PROJECT_BINARY_DIR}/test-home/${name}/state")
    string(APPEND test_home ";XDG_CONFIG_HOME=${PROJECT_BINARY_DIR}/test-home/${name}/config")
    set_tests_properties(${name} PROPERTIES
        LABELS "${ARG_LABELS}"
        TIMEOUT ${ARG_TIMEOUT}
        ENVIRONMENT "LC_ALL=C.UTF-8;QT_QPA_PLATFORM=offscreen;QTEST_FUNCTION_TIMEOUT=${qtest_timeout_ms};CURTAIN_BIN_DIR=${PROJECT_BINARY_DIR}/bin;CURTAIN_SOURCE_DIR=${PROJECT_SOURCE_DIR};${test_home}")
endfunction()
