#!/usr/bin/env bash
# Makes the Linux packages from a configured and built build directory, then checks them:
# CPack's .deb (dependencies from dpkg-shlibdeps), .rpm and .tar.gz; desktop-file-validate,
# appstreamcli validate and lintian (overrides, each with its reason, in linux/lintian-overrides).
# Usage: packaging/make-packages.sh BUILD_DIR    Prints the .deb's path last.
# A missing tool stops it with the Debian package to install; nothing is skipped.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)

for tool in "dpkg-shlibdeps dpkg-dev" "rpmbuild rpm" "lintian lintian" "desktop-file-validate desktop-file-utils" \
    "appstreamcli appstream" "fakeroot fakeroot"; do
    set -- $tool
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "package: $1 is missing: install the Debian package $2 (./scripts/setup does)" >&2
        exit 1
    fi
done

rm -f "$build"/curtain_*.deb "$build"/curtain-*.rpm "$build"/curtain-*.tar.gz
(cd "$build" && fakeroot cpack >"$build/cpack.log" 2>&1) || {
    tail -30 "$build/cpack.log" >&2
    exit 1
}
deb=$(ls "$build"/curtain_*.deb)
echo "package: $(basename "$deb"), $(basename "$(ls "$build"/curtain-*.rpm)"), $(basename "$(ls "$build"/curtain-*.tar.gz)")" >&2
echo "package: depends on $(dpkg-deb -f "$deb" Depends)" >&2

desktop-file-validate "$build"/packaging/linux/*.desktop
appstreamcli validate --no-net --pedantic "$build"/packaging/linux/*.metainfo.xml >&2
lintian --fail-on error,warning --suppress-tags-from-file "$here/linux/lintian-overrides" "$deb" >&2
echo "package: desktop file, metainfo and lintian pass" >&2
echo "$deb"
