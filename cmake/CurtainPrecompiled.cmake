# Two precompiled headers, each built once with only the settings every user shares, and reused
# (REUSE_FROM) by the targets below them: cmake/pch/core.h (QtCore, nlohmann/json) for src/, the
# programs and the suites; cmake/pch/widgets.h (Qt Widgets) for ui/ and the console. Each PCH target
# links no more than its users all link: gcc refuses a PCH built with a define its user lacks.
# A clean clang ASan build of everything: 693 s without them, on 2026-12-07.
# curtain_use_pch(target core|widgets)
add_library(curtain_pch_core OBJECT "${CMAKE_CURRENT_LIST_DIR}/pch/pch.cpp")
target_link_libraries(curtain_pch_core PRIVATE curtain_build_settings Qt6::Core nlohmann_json::nlohmann_json)
target_precompile_headers(curtain_pch_core PRIVATE "${CMAKE_CURRENT_LIST_DIR}/pch/core.h")

add_library(curtain_pch_widgets OBJECT "${CMAKE_CURRENT_LIST_DIR}/pch/pch.cpp")
target_link_libraries(curtain_pch_widgets PRIVATE curtain_build_settings Qt6::Widgets)
target_precompile_headers(curtain_pch_widgets PRIVATE "${CMAKE_CURRENT_LIST_DIR}/pch/widgets.h")

function(curtain_use_pch target kind)
    target_precompile_headers(${target} REUSE_FROM curtain_pch_${kind})
endfunction()
