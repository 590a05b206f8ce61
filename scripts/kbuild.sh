#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# kbuild.sh KDIR OUTDIR [DIR...] - build kernel modules out of tree for the
# headers in KDIR.  Kbuild writes its objects next to the sources, so each
# directory (default: kmod) is copied with the uapi header into OUTDIR first:
# one output tree per kernel, and the source tree stays read-only (distcheck).
# Extra make arguments come from KBUILD_ARGS (e.g. "C=2 W=1").
set -eu

[ $# -ge 2 ] || { echo "usage: $0 KDIR OUTDIR [DIR...]" >&2; exit 2; }
kdir=$1
mkdir -p "$2"
out=$(cd "$2" && pwd)
shift 2
[ $# -gt 0 ] || set -- kmod
top=$(cd "$(dirname "$0")/.." && pwd)

if [ ! -f "$kdir/Makefile" ]; then
	echo "kbuild: no kernel build tree at $kdir (install linux-headers-amd64 or linux-headers-6.12-amd64)" >&2
	exit 1
fi

# The uapi header and the wire code shared with userspace come along.
mkdir -p "$out/include/uapi/linux" "$out/user/wire"
cp -p "$top/include/uapi/linux/ntpsec.h" "$out/include/uapi/linux/"
cp -p "$top"/user/wire/*.[ch] "$out/user/wire/"
for dir in "$@"; do
	mkdir -p "$out/$dir"
	# Copy only sources; keep earlier objects for incremental builds.
	(cd "$top/$dir" && find . -maxdepth 1 -type f \
		\( -name '*.[ch]' -o -name Kbuild -o -name Makefile \) \
		-exec cp -p {} "$out/$dir/" \;)
	# shellcheck disable=SC2086
	make -s -C "$kdir" M="$out/$dir" ${KBUILD_ARGS:-} modules
done
