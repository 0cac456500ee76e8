# Run by CPack before it makes the .dmg (CPACK_PRE_BUILD_SCRIPTS), after Qt's deploy script has
# filled the bundle: signs every .app with the hardened runtime notarization needs, when
# MACOS_SIGNING_IDENTITY names a certificate in the keychain. Without it the .dmg is unsigned.
if("$ENV{MACOS_SIGNING_IDENTITY}" STREQUAL "")
    message(STATUS "macOS signing: MACOS_SIGNING_IDENTITY is not set, the .dmg stays unsigned")
    return()
endif()
file(GLOB_RECURSE bundles LIST_DIRECTORIES true "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*.app")
list(FILTER bundles INCLUDE REGEX "\\.app$")
foreach(bundle IN LISTS bundles)
    execute_process(
        COMMAND codesign --deep --force --options runtime --timestamp --sign "$ENV{MACOS_SIGNING_IDENTITY}" "${bundle}"
        RESULT_VARIABLE result)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "macOS signing: codesign failed for ${bundle}")
    endif()
    message(STATUS "macOS signing: signed ${bundle}")
endforeach()
