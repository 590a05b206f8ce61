#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# mkinitramfs.sh KVER OUT - a tiny initramfs for the test VM: static busybox,
# our PID 1 (init), and the modules needed to mount the host's root
# filesystem over virtio-9p with a writable overlay.  Module dependencies come
# from the kernel's modules.dep, so the list is the same for 6.1 (most of
# these are modules) and 6.12 (virtio is built in, modules are xz-compressed).
set -euo pipefail

kver=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
moddir=/lib/modules/$kver
wanted="virtio_pci 9pnet_virtio 9p overlay"

[ -f "$moddir/modules.dep" ] || { echo "mkinitramfs: no $moddir/modules.dep (install linux-image-$kver)" >&2; exit 1; }
[ -x /bin/busybox ] || { echo "mkinitramfs: no /bin/busybox (install busybox-static)" >&2; exit 1; }

declare -A seen=()
order=()

# Depth-first: every dependency is appended before the module needing it.
resolve() {
	local name=$1 line path deps dep
	line=$(grep -E "(^|/)${name//_/[_-]}\.ko(\.xz|\.zst|\.gz)?:" "$moddir/modules.dep" || true)
	if [ -z "$line" ]; then
		grep -qE "/${name//_/[_-]}\.ko$" "$moddir/modules.builtin" ||
			{ echo "mkinitramfs: module $name not found for $kver" >&2; exit 1; }
		return 0
	fi
	path=${line%%:*}
	[ -z "${seen[$path]:-}" ] || return 0
	seen[$path]=1
	deps=${line#*:}
	for dep in $deps; do
		dep=$(basename "$dep")
		resolve "${dep%%.ko*}"
	done
	order+=("$path")
}

for m in $wanted; do
	resolve "$m"
done

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,mnt,newroot,modules}
cp /bin/busybox "$root/bin/busybox"
cp "$here/init" "$root/init"
chmod 755 "$root/init"
i=0
for path in "${order[@]}"; do
	name=$(printf '%02d-%s' "$i" "$(basename "${path%%.ko*}").ko")
	case "$path" in
	*.xz) xz -dc "$moddir/$path" >"$root/modules/$name" ;;
	*.zst) zstd -qdc "$moddir/$path" >"$root/modules/$name" ;;
	*.gz) gzip -dc "$moddir/$path" >"$root/modules/$name" ;;
	*) cp "$moddir/$path" "$root/modules/$name" ;;
	esac
	i=$((i + 1))
done
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
