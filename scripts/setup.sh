#!/usr/bin/env bash
# Installs what octet needs on Debian 12 (as root, or with sudo) and builds
# it into ./build. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake clang libclang-rt-14-dev pkg-config
          libpng-dev libjpeg-dev python3 python3-numpy
          protobuf-c-compiler libprotobuf-c-dev libonnx-dev libonnx-testdata
          dataset-fashion-mnist python3-torch python3-torchvision python3-onnx
          # the aarch64 cross build, tested under qemu (scripts/test_arm.sh)
          gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js runs the reference peers (../shared/tools). Some images ship a
# vendor nodejs that bundles npm and conflicts with Debian's npm package, so
# ask for the Debian packages only when the commands are missing.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The reference peers (real TFLite and ONNX Runtime, from npm), when the
# shared folder beside the checkout has their installer. Tests that need
# them skip without them, so a failure here is reported, not fatal.
if [ -f ../shared/tools/setup.sh ] && command -v npm >/dev/null 2>&1; then
  sh ../shared/tools/setup.sh >/dev/null 2>/tmp/octet-peers-setup.log ||
    echo "setup: peers not installed (see /tmp/octet-peers-setup.log); peer tests will skip"
fi

build=${OCT_BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
echo "setup: built $build/octet"
