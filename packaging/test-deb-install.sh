#!/usr/bin/env bash
# Proves the .deb installs and runs on a fresh Debian 12: debootstrap a minimal bookworm root,
# let apt resolve the package's dependencies there (nothing cached from this machine), then run
# `curtainctl --demo releases` and start `curtain --demo` under xvfb-run, checking the window draws.
# Usage: packaging/test-deb-install.sh build-release/curtain_X_amd64.deb   (as root)
set -euo pipefail

deb=$(realpath "$1")
for tool in "debootstrap debootstrap" "chroot coreutils" "mount mount"; do
    set -- $tool
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "install-test: $1 is missing: install the Debian package $2" >&2
        exit 1
    fi
done
if [ "$(id -u)" -ne 0 ]; then
    echo "install-test: debootstrap and chroot need root; run it as root (or with sudo)" >&2
    exit 1
fi

# The Debian archive this machine already uses (its apt configuration, deb822 or one-line format),
# so the test names no archive host of its own; CURTAIN_DEBIAN_MIRROR overrides it.
apt_mirror() {
    {
        awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' /etc/apt/sources.list.d/*.sources 2>/dev/null
        awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; break } }' \
            /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null
    } | grep -E '/debian/?$' | head -1 || true # a missing sources file is not an error
}
mirror=${CURTAIN_DEBIAN_MIRROR:-$(apt_mirror)}
if [ -z "$mirror" ]; then
    echo "install-test: no Debian archive in this machine's apt configuration; set CURTAIN_DEBIAN_MIRROR" >&2
    exit 1
fi
root=$(mktemp -d "${TMPDIR:-/tmp}/curtain-install-test.XXXXXX")
cleanup() {
    umount "$root/proc" 2>/dev/null || true
    rm -rf "$root"
}
trap cleanup EXIT

start=$(date +%s)
echo "install-test: debootstrap bookworm (minbase) from $mirror"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 || {
    tail -20 "$root.log" >&2
    exit 1
}
rm -f "$root.log"
mount -t proc proc "$root/proc"
cp "$deb" "$root/tmp/curtain.deb"
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

echo "install-test: apt installs the package and what it depends on"
in_root apt-get update -qq
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    /tmp/curtain.deb xvfb xauth >/dev/null

echo "install-test: the menu entry, and curtainctl on the demo cluster"
test -f "$root/usr/share/applications/dev.curtain.Curtain.desktop"
exec_line=$(grep '^Exec=' "$root/usr/share/applications/dev.curtain.Curtain.desktop" | cut -d= -f2 | cut -d' ' -f1)
in_root sh -c "command -v $exec_line" >/dev/null
in_root curtainctl --version
in_root env QT_QPA_PLATFORM=offscreen curtain --version
releases=$(in_root curtainctl --demo releases)
echo "$releases"
echo "$releases" | grep -q "payments" || {
    echo "install-test: curtainctl --demo releases did not list the demo's releases" >&2
    exit 1
}

# The window must draw: a blank window compresses to a few kilobytes, a drawn console to ~100 kB.
draws() { # draws NAME COMMAND...
    local name=$1
    shift
    in_root xvfb-run -a "$@" --screenshot "/tmp/$name.png" --screenshot-delay 3
    local size
    size=$(stat -c %s "$root/tmp/$name.png")
    if [ "$size" -lt 20000 ]; then
        echo "install-test: $* drew only $size bytes: the window did not draw" >&2
        exit 1
    fi
    echo "install-test: $* drew its window ($size bytes)"
}
draws demo curtain --demo --release catalog
# What the desktop's menu starts (the .desktop file's Exec line): no kubeconfig here, so the demo.
draws menu $exec_line
echo "install-test: passed in $(($(date +%s) - start)) s"
