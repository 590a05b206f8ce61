#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Install every Debian package the build and the tests need.  Idempotent:
# a second run installs nothing and only re-checks.  Needs root (or sudo).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

PKGS="build-essential autoconf automake libtool pkg-config
libnl-3-dev libnl-genl-3-dev libssl-dev libseccomp-dev
linux-image-amd64 linux-headers-amd64
linux-image-6.12-amd64 linux-headers-6.12-amd64
kmod dkms sparse cppcheck
qemu-system-x86 busybox-static cpio iproute2 ethtool
chrony ntpsec-ntpdig groff-base python3 python3-ntp python3-cryptography python3-prometheus-client tmux
clang libclang-rt-14-dev"

missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done

if [ -n "$missing" ]; then
	echo "setup: installing:$missing"
	# Containers and build machines have no init to talk to; keep package
	# scripts from starting chronyd, which would discipline this machine's
	# clock.  Only our own temporary policy file is removed afterwards.
	policy=/usr/sbin/policy-rc.d
	ours=
	if [ ! -e $policy ]; then
		printf '#!/bin/sh\nexit 101\n' | $SUDO tee $policy >/dev/null
		$SUDO chmod 755 $policy
		ours=1
	fi
	$SUDO apt-get update -q
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q \
		--no-install-recommends $missing
	[ -z "$ours" ] || $SUDO rm -f $policy
fi

# chrony must never run on the host outside the VM tests.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
	$SUDO systemctl disable --now chrony.service 2>/dev/null || true
fi
pkill -x chronyd 2>/dev/null || true

# NTPsec's ntpd conflicts with chrony as a package: unpack it into a
# scratch dir for the comparison tests and benchmarks.
ntpsec_dir="$top/.cache/ntpsec"
if [ ! -x "$ntpsec_dir/usr/sbin/ntpd" ]; then
	mkdir -p "$top/.cache/deb"
	(cd "$top/.cache/deb" && apt-get download -q ntpsec)
	for deb in "$top"/.cache/deb/ntpsec*.deb; do
		dpkg-deb -x "$deb" "$ntpsec_dir"
	done
fi
# checkpatch.pl for the module's style check (scripts/test-all.sh): from
# Debian's kernel source package, only the script and the two files it
# reads beside itself.
checkpatch_dir="$top/.cache/checkpatch"
if [ ! -x "$checkpatch_dir/checkpatch.pl" ]; then
	mkdir -p "$top/.cache/deb" "$checkpatch_dir"
	ls "$top"/.cache/deb/linux-source-6.1_*.deb >/dev/null 2>&1 ||
		(cd "$top/.cache/deb" && apt-get download -q linux-source-6.1)
	deb=$(ls "$top"/.cache/deb/linux-source-6.1_*.deb | sort -V | tail -n 1)
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO ./usr/src/linux-source-6.1.tar.xz |
		tar -xJ -C "$checkpatch_dir" --strip-components=2 --wildcards \
			'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
			'*/scripts/const_structs.checkpatch'
	chmod 755 "$checkpatch_dir/checkpatch.pl"
fi
echo "setup: ok (ntpsec tools in $ntpsec_dir, checkpatch in $checkpatch_dir)"
