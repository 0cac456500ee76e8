# CPack: `cpack` in a build directory makes the packages for the platform it runs on.
set(CPACK_PACKAGE_NAME "curtain")
set(CPACK_PACKAGE_VENDOR "${CURTAIN_VENDOR}")
set(CPACK_PACKAGE_CONTACT "${CURTAIN_VENDOR} <${CURTAIN_CONTACT}>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CURTAIN_SUMMARY}")
set(CPACK_PACKAGE_DESCRIPTION "${CURTAIN_DESCRIPTION}")
set(CPACK_PACKAGE_HOMEPAGE_URL "${CURTAIN_HOMEPAGE}")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "${CURTAIN_DISPLAY_NAME}")
set(CPACK_PACKAGE_EXECUTABLES "curtain;${CURTAIN_DISPLAY_NAME}")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_CHECKSUM SHA256)

if(UNIX AND NOT APPLE)
    set(CPACK_GENERATOR "DEB;RPM;TGZ")
    set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
    # Debian: dependencies computed by dpkg-shlibdeps from the binaries; the Qt platform plugins
    # (xcb, wayland) are loaded at run time, so no binary names them: that one is listed.
    set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
    set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
    set(CPACK_DEBIAN_PACKAGE_DEPENDS "qt6-qpa-plugins")
    # kubectl beside the console; HAProxy (with Prometheus and wrk) for the console's lab context.
    set(CPACK_DEBIAN_PACKAGE_SUGGESTS "kubernetes-client, haproxy, prometheus, wrk")
    set(CPACK_DEBIAN_PACKAGE_SECTION "devel")
    set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
    # The extended description, wrapped under 80 columns (CPack puts the summary first and indents).
    string(REPLACE " " ";" words "${CURTAIN_DESCRIPTION}")
    set(wrapped "")
    set(line "")
    foreach(word IN LISTS words)
        string(LENGTH "${line} ${word}" length)
        if(length GREATER 72 AND NOT line STREQUAL "")
            string(APPEND wrapped "${line}\n")
            set(line "${word}")
        elseif(line STREQUAL "")
            set(line "${word}")
        else()
            string(APPEND line " ${word}")
        endif()
    endforeach()
    set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "${wrapped}${line}")
    # RPM: requirements found by rpmbuild's own dependency generator.
    set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
    set(CPACK_RPM_PACKAGE_LICENSE "${CURTAIN_LICENSE}")
    set(CPACK_RPM_PACKAGE_GROUP "Development/Tools")
    set(CPACK_RPM_PACKAGE_URL "${CURTAIN_HOMEPAGE}")
    set(CPACK_RPM_PACKAGE_AUTOREQ ON)
    # Directories other packages own (filesystem, hicolor-icon-theme, bash-completion): not ours.
    set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
        /usr/share/applications /usr/share/metainfo /usr/share/icons /usr/share/icons/hicolor
        /usr/share/icons/hicolor/scalable /usr/share/icons/hicolor/scalable/apps
        /usr/share/bash-completion /usr/share/bash-completion/completions /usr/share/man /usr/share/man/man1)
    foreach(size IN ITEMS 16 22 24 32 48 64 128 256 512)
        list(APPEND CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
            /usr/share/icons/hicolor/${size}x${size} /usr/share/icons/hicolor/${size}x${size}/apps)
    endforeach()
elseif(APPLE)
    set(CPACK_GENERATOR "DragNDrop")
    set(CPACK_DMG_VOLUME_NAME "${CURTAIN_DISPLAY_NAME}")
    set(CPACK_PRE_BUILD_SCRIPTS "${PROJECT_SOURCE_DIR}/packaging/macos/sign.cmake")
elseif(WIN32)
    set(CPACK_GENERATOR "NSIS")
    set(CPACK_NSIS_DISPLAY_NAME "${CURTAIN_DISPLAY_NAME}")
    set(CPACK_NSIS_PACKAGE_NAME "${CURTAIN_DISPLAY_NAME}")
    set(CPACK_NSIS_MUI_ICON "${CURTAIN_PACKAGING_DIR}/icons/curtain.ico")
    set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\\\curtain.exe")
    set(CPACK_NSIS_URL_INFO_ABOUT "${CURTAIN_HOMEPAGE}")
    set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
    set(CPACK_NSIS_MODIFY_PATH ON) # curtainctl on PATH, for scripts
endif()

include(CPack)
