# The one branding source: every template in packaging/ (desktop file, AppStream metainfo, macOS
# Info.plist, Windows .rc and manifest, the man page) and the apps' own About text read these.
set(CURTAIN_APP_ID "dev.curtain.Curtain")
set(CURTAIN_DISPLAY_NAME "Curtain")
set(CURTAIN_SUMMARY "Blue-green and canary release console")
set(CURTAIN_DESCRIPTION "Curtain shows each release as two environments, blue and green, side by side, moves traffic with a live weight slider, and promotes, flips and rolls back through the systems that route the traffic: Kubernetes Services, Gateway API HTTPRoutes, Istio, SMI, NGINX canary Ingresses, Argo Rollouts, Flagger canaries, OpenFeature flag rollouts and HAProxy fleets. Its judge compares the canary with stable and decides with sequential statistics; its schema gate runs expand/contract migrations and refuses any flip, rollback or contract that would break a version still serving.")
set(CURTAIN_HOMEPAGE "${PROJECT_HOMEPAGE_URL}")
set(CURTAIN_VENDOR "The Curtain developers")
set(CURTAIN_CONTACT "maintainers@curtain.dev")
set(CURTAIN_COPYRIGHT "Copyright 2026 The Curtain developers")
set(CURTAIN_LICENSE "MIT")
set(CURTAIN_RELEASE_DATE "2026-11-26")
# Windows wants the version as four numbers.
set(CURTAIN_VERSION_COMMA "${PROJECT_VERSION_MAJOR},${PROJECT_VERSION_MINOR},${PROJECT_VERSION_PATCH},0")

set(CURTAIN_PACKAGING_DIR "${PROJECT_BINARY_DIR}/packaging")
# The desktop file and the metainfo carry the application id in their names, as their specs want.
configure_file("${PROJECT_SOURCE_DIR}/packaging/linux/curtain.desktop.in"
    "${CURTAIN_PACKAGING_DIR}/linux/${CURTAIN_APP_ID}.desktop" @ONLY)
configure_file("${PROJECT_SOURCE_DIR}/packaging/linux/curtain.metainfo.xml.in"
    "${CURTAIN_PACKAGING_DIR}/linux/${CURTAIN_APP_ID}.metainfo.xml" @ONLY)
foreach(template
        linux/curtain.1
        linux/curtainctl.1
        linux/curtain-sim.1
        linux/changelog
        macos/Info.plist
        windows/curtain.rc
        windows/curtain.manifest)
    configure_file("${PROJECT_SOURCE_DIR}/packaging/${template}.in" "${CURTAIN_PACKAGING_DIR}/${template}" @ONLY)
endforeach()
configure_file("${PROJECT_SOURCE_DIR}/packaging/branding.h.in" "${CURTAIN_PACKAGING_DIR}/branding.h" @ONLY)
