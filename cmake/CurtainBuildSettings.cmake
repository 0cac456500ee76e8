# One INTERFACE target carries the language level, warnings and Qt's string-safety defines, so every
# layer builds the same way and none can quietly opt out.
add_library(curtain_build_settings INTERFACE)
target_compile_features(curtain_build_settings INTERFACE cxx_std_20)
target_compile_definitions(curtain_build_settings INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_URL_CAST_FROM_STRING
    QT_USE_QSTRINGBUILDER
    QT_NO_KEYWORDS
    CURTAIN_VERSION="${PROJECT_VERSION}")
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    # lld links a debug test program in 1.7 s where ld.bfd takes 12 s, and there are about a hundred
    # of them: a fresh build is minutes shorter. ld.bfd stays the fallback where there is no lld.
    include(CheckLinkerFlag)
    check_linker_flag(CXX "-fuse-ld=lld" CURTAIN_HAVE_LLD)
    if(CURTAIN_HAVE_LLD)
        target_link_options(curtain_build_settings INTERFACE -fuse-ld=lld)
    endif()
    target_compile_options(curtain_build_settings INTERFACE
        -Wall -Wextra -Wpedantic -Wnon-virtual-dtor -Woverloaded-virtual -Wcast-align)
    # gcc leaves a precompiled header's contents out of an object's dependency record unless asked;
    # layering_ui_headers reads those records to prove no ui/ object compiles nlohmann or curl.
    target_compile_options(curtain_build_settings INTERFACE $<$<CXX_COMPILER_ID:GNU>:-fpch-deps>)
    if(CURTAIN_WARNINGS_AS_ERRORS)
        target_compile_options(curtain_build_settings INTERFACE -Werror)
        if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
            # GCC 12's flow-sensitive warnings fire inside libstdc++'s inlined code at -O2/-O3 (e.g.
            # -Wrestrict in std::string's operator+, GCC bug 105329): still printed in the packages'
            # Release build, not fatal there. Debug builds keep them fatal.
            set(optimizerWarnings restrict stringop-overflow stringop-overread array-bounds maybe-uninitialized
                dangling-pointer)
            list(TRANSFORM optimizerWarnings PREPEND -Wno-error=)
            target_compile_options(curtain_build_settings INTERFACE "$<$<NOT:$<CONFIG:Debug>>:${optimizerWarnings}>")
        endif()
    endif()
    # scripts/sanitize builds these into build-asan, build-ubsan and build-tsan. Undefined behaviour
    # stops the process like a memory error does, so a test cannot pass over it.
    # A sanitizer's report needs file and line, not variables: line tables alone (-g1 in gcc) instead
    # of full debug information write and link far less (a clean ASan build: see scripts/sanitize).
    if(CURTAIN_SANITIZED)
        target_compile_options(curtain_build_settings INTERFACE
            $<$<CXX_COMPILER_ID:Clang>:-gline-tables-only> $<$<CXX_COMPILER_ID:GNU>:-g1>)
    endif()
    if(CURTAIN_SANITIZE MATCHES "^(ON|address)$")
        target_compile_options(curtain_build_settings INTERFACE -fsanitize=address,undefined
            -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
        target_link_options(curtain_build_settings INTERFACE -fsanitize=address,undefined)
    elseif(CURTAIN_SANITIZE STREQUAL "undefined")
        # UBSan alone: what every CI run can afford (scripts/test) — its checks cost the build and the
        # suites little, where ASan's shadow memory and leak scan cost both minutes.
        # The suites' own code keeps the checks too: a header's inline function compiled without them
        # in a suite's object could be the copy the linker keeps for the code under test.
        target_compile_options(curtain_build_settings INTERFACE -fsanitize=undefined
            -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
        target_link_options(curtain_build_settings INTERFACE -fsanitize=undefined)
    elseif(CURTAIN_SANITIZE STREQUAL "thread")
        target_compile_options(curtain_build_settings INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
        target_link_options(curtain_build_settings INTERFACE -fsanitize=thread)
    elseif(CURTAIN_SANITIZED)
        message(FATAL_ERROR "CURTAIN_SANITIZE=${CURTAIN_SANITIZE}: use address, undefined or thread")
    endif()
elseif(MSVC)
    target_compile_options(curtain_build_settings INTERFACE /W4 /permissive- /utf-8)
    if(CURTAIN_WARNINGS_AS_ERRORS)
        target_compile_options(curtain_build_settings INTERFACE /WX)
    endif()
endif()

# curtain_add_library(name SOURCES ... PUBLIC_LIBS ... PRIVATE_LIBS ...)
# One static library per layer. The include root is src/, so code says #include "core/result.h";
# the repository root is not an include path, so nothing outside src/ is reachable by accident.
# PUBLIC_LIBS are only what the library's own headers include (a consumer compiles those headers);
# everything the .cpp files alone use is PRIVATE, so curl, yaml-cpp and friends do not travel up
# the layers. curtain_build_settings stays PUBLIC: the headers are C++20 and must be read with the
# same string-safety defines on both sides. Which layer may include which is checked by the
# layering test (tests/layering/), since one shared src/ root cannot make an upward include fail.
function(curtain_add_library name)
    cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_LIBS;PRIVATE_LIBS" ${ARGN})
    add_library(${name} STATIC ${ARG_SOURCES})
    target_include_directories(${name} PUBLIC "${PROJECT_SOURCE_DIR}/src")
    target_link_libraries(${name} PUBLIC curtain_build_settings ${ARG_PUBLIC_LIBS} PRIVATE ${ARG_PRIVATE_LIBS})
    curtain_use_pch(${name} core) # cmake/CurtainPrecompiled.cmake
endfunction()

# CURTAIN_FUZZ (tests/fuzz, scripts/fuzz): every layer gets libFuzzer's coverage hooks, so the fuzzer
# is guided through our parsers and not only the harnesses; undefined behaviour aborts, so it counts
# as a finding like a crash. Only clang has libFuzzer.
if(CURTAIN_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
        message(FATAL_ERROR "CURTAIN_FUZZ=ON needs clang (libFuzzer): configure a build directory of its own "
            "with CC=clang CXX=clang++, as scripts/fuzz does (Debian: apt install clang libclang-rt-14-dev)")
    endif()
    target_compile_options(curtain_build_settings INTERFACE -fsanitize=fuzzer-no-link,address,undefined
        -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
    target_link_options(curtain_build_settings INTERFACE -fsanitize=address,undefined)
endif()
