#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# demo.sh [KVER] - the main job on a fresh Debian 12 machine: install what is
# needed, build, boot Debian's kernel (default the 6.1 line) in QEMU, load
# ntpsec.ko there and show it working.  This machine need not be able to load
# modules itself.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

scripts/setup.sh
kver=${1:-$(cd /lib/modules && ls -d 6.1.*/build | sort -V | tail -n 1)}
kver=${kver%/build}
[ -f configure ] || ./autogen.sh
[ -f Makefile ] || ./configure --with-kernel="/lib/modules/$kver/build"
make -s -j2
scripts/kbuild.sh "/lib/modules/$kver/build" "$top/.build/$kver"
echo "demo: booting $kver under QEMU (software emulation, about 20 s)"
selftests/ntpsec/vm/run.sh -t 300 "$kver" vm/demo-guest.sh
