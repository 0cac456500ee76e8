# The layering test (ctest layering_includes):
#     cmake -DSOURCE_DIR=<worktree> [-DQT_GUI_HEADER_DIRS=dir|dir] -P tests/layering/tst_layering.cmake
# First the checker must catch every wrong include planted in fixtures/ (and nothing else there),
# so a checker that stopped looking fails here instead of passing; then the real src/, ui/ and app/
# must follow the layers.
cmake_minimum_required(VERSION 3.25)

set(checker "${CMAKE_CURRENT_LIST_DIR}/checkincludes.cmake")
set(fixtures "${CMAKE_CURRENT_LIST_DIR}/fixtures")

execute_process(
    COMMAND "${CMAKE_COMMAND}" "-DSOURCE_DIR=${fixtures}" "-DQT_GUI_HEADER_DIRS=${QT_GUI_HEADER_DIRS}" -P "${checker}"
    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
set(expected
    "src/core/upward.h:4: core -> engine: #include \"engine/releaseengine.h\""
    "src/engine/releaseengine.h:5: engine -> sim: #include \"sim/democluster.h\""
    "src/models/painted.h:6: src/ -> QtWidgets"
    "ui/panel.cpp:2: ui -> kube: #include \"kube/json.h\""
    "ui/panel.cpp:5: ui -> nlohmann/json.hpp"
    "5 layering violations")
set(failures)
if(result EQUAL 0)
    list(APPEND failures "the checker passed a tree with wrong includes")
endif()
foreach(line IN LISTS expected)
    string(FIND "${output}" "${line}" at)
    if(at EQUAL -1)
        list(APPEND failures "the checker did not report: ${line}")
    endif()
endforeach()
if(failures)
    string(REPLACE ";" "\n  " failures "${failures}")
    message(FATAL_ERROR "The layering checker is broken on its fixtures (tests/layering/fixtures):\n  ${failures}\n"
        "Its output was:\n${output}")
endif()
message("layering: the checker catches the 5 wrong includes planted in tests/layering/fixtures")

execute_process(
    COMMAND "${CMAKE_COMMAND}" "-DSOURCE_DIR=${SOURCE_DIR}" "-DQT_GUI_HEADER_DIRS=${QT_GUI_HEADER_DIRS}" -P "${checker}"
    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
message("${output}")
if(NOT result EQUAL 0)
    message(FATAL_ERROR "Includes go against the layers; fix the includes above (or, if the design changed, the "
        "table in tests/layering/checkincludes.cmake together with DESIGN.md)")
endif()
