#!/usr/bin/env bash
# Builds ordo's container images from Debian packages and this checkout's
# build, without a registry (none is reachable here: nothing is pulled).
#   ordo-base:bookworm   debootstrap --variant=minbase of Debian bookworm
#                        from the mirror the host's apt uses, imported with
#                        `docker import`; made once, skipped when present.
#   ordo:<commit>        the base plus the shared libraries ordo's binaries
#                        link (found with ldd, mapped to packages with
#                        dpkg -S) and the binaries of build/bin, stripped;
#                        also tagged ordo:latest. One image serves every
#                        compose service (Debian's prometheus included).
# Usage: deploy/images.sh [BUILD_DIR]   (make images)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${1:-build}
BASE=ordo-base:bookworm
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)

die() { echo "images: $*" >&2; exit 1; }

docker info >/dev/null 2>&1 || die "no Docker engine answers (is dockerd running, may this user use it?)"
[ -x "$BUILD_DIR/bin/ordo-api-server" ] || die "no $BUILD_DIR/bin/ordo-api-server: run 'make build' first"

# The mirror the host's apt already uses (deb822 sources or sources.list).
host_mirror() {
  local uri
  uri=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | grep -v security | head -1 | awk '{print $2}')
  [ -n "$uri" ] || uri=$(grep -hs '^deb ' /etc/apt/sources.list | grep -v security | head -1 | awk '{print $2}')
  echo "${uri:-http://deb.debian.org/debian}"
}

# Drops what containers never read (documentation, manuals, translations)
# and tells dpkg to skip them in later installs too.
slim_base() {
  local root=$1
  $SUDO rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* \
    "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* \
    "$root"/usr/share/locale/*
  printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-exclude /usr/share/man/*' \
    'path-exclude /usr/share/info/*' 'path-exclude /usr/share/locale/*' |
    $SUDO tee "$root"/etc/dpkg/dpkg.cfg.d/01-ordo-slim >/dev/null
}

if docker image inspect "$BASE" >/dev/null 2>&1; then
  echo "images: $BASE present"
else
  command -v debootstrap >/dev/null || {
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends debootstrap
  }
  mirror=$(host_mirror)
  rootfs=$(mktemp -d /tmp/ordo-rootfs.XXXXXX)
  trap '$SUDO rm -rf "$rootfs"' EXIT
  echo "images: debootstrap bookworm from $mirror (about two minutes)"
  start=$(date +%s)
  $SUDO debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/tmp/ordo-debootstrap.log 2>&1 ||
    { tail -20 /tmp/ordo-debootstrap.log >&2; die "debootstrap failed (log: /tmp/ordo-debootstrap.log)"; }
  slim_base "$rootfs"
  $SUDO tar -C "$rootfs" -c . | docker import - "$BASE" >/dev/null
  echo "images: $BASE made in $(($(date +%s) - start)) s"
fi

# The packages holding every shared library the binaries load.
binaries=("$BUILD_DIR"/bin/ordo-* "$BUILD_DIR"/bin/ordoctl)
packages=$(ldd "${binaries[@]}" 2>/dev/null | awk '/=> \//{print $3}' | sort -u |
  xargs -r -n1 realpath | xargs -r dpkg -S 2>/dev/null | cut -d: -f1 | sort -u |
  grep -v -x -e libc6 -e libgcc-s1 -e libstdc++6 || true)
[ -n "$packages" ] || die "found no libraries for ${binaries[*]} (ldd and dpkg -S gave nothing)"
# The compose cluster's Prometheus, and docker-compose.ha.yml's etcd, run
# from this image too.
packages="$packages
prometheus
etcd-server"

context=$BUILD_DIR/image
rm -rf "$context" && mkdir -p "$context/bin"
for b in "${binaries[@]}"; do strip --strip-debug -o "$context/bin/$(basename "$b")" "$b"; done
cp deploy/Dockerfile "$context/"
commit=$(git rev-parse --short=12 HEAD)
dirty=$(git diff --quiet HEAD -- . 2>/dev/null || echo "-dirty")
tag="ordo:$commit$dirty"
echo "images: building $tag (packages: $(echo $packages | tr '\n' ' '))"
start=$(date +%s)
DOCKER_BUILDKIT=0 docker build -q --build-arg "PACKAGES=$(echo $packages | tr '\n' ' ')" \
  -t "$tag" -t ordo:latest "$context" >/dev/null
size=$(docker image inspect ordo:latest --format '{{.Size}}')
echo "images: $tag and ordo:latest built in $(($(date +%s) - start)) s, $((size / 1000000)) MB"
