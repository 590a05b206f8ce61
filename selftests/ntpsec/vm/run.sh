#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# run.sh [-t SECONDS] KVER TEST... - boot Debian's kernel KVER under QEMU
# (software emulation, no KVM), run the named selftests inside it with the
# ntpsec.ko built for that kernel, and print their KTAP results.
#
# The guest sees this machine's root filesystem read-only with a writable
# tmpfs overlay, so the tests run the binaries built here.  Results come back
# on the second serial port; the first is the kernel console.  The run fails
# if the results are incomplete (timeout, panic: panic_on_warn makes any WARN
# one), if the console shows an oops or BUG, or if any test failed.
#
# Environment: NTPSEC_BUILDDIR, the Autotools build directory (default TOP),
# holds the programs; NTPSEC_BUILD (default BUILDDIR/.build) holds
# KVER/kmod/ntpsec.ko; NTPSEC_VM_MEM (MiB, default 1024), NTPSEC_VM_CPUS (default 1);
# NTPSEC_VM_APPEND, more kernel command line (the benchmark's idle=poll).
#
# One vCPU by default: QEMU 7.2's multi-threaded TCG can let a second vCPU
# run a stale int3 while the kernel live-patches a static key (seen once:
# "Oops: int3" in netif_rx_internal while a socket closed under a flood), a
# flaw of the emulator's cross-vCPU code modification, not of the kernel.
# The benchmark asks for two.
set -euo pipefail

timeout=900
if [ "${1:-}" = -t ]; then
	timeout=$2
	shift 2
fi
[ $# -ge 2 ] || { echo "usage: $0 [-t SECONDS] KVER TEST..." >&2; exit 2; }
kver=$1
shift

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
builddir=$(cd "${NTPSEC_BUILDDIR:-$top}" && pwd)
build=${NTPSEC_BUILD:-$builddir/.build}
build=$(cd "$build" && pwd)
kernel=/boot/vmlinuz-$kver
kmod=$build/$kver/kmod/ntpsec.ko

[ -r "$kernel" ] || { echo "vm: no $kernel (install linux-image for $kver)" >&2; exit 1; }
[ -r "$kmod" ] || { echo "vm: no $kmod (build it: scripts/kbuild.sh)" >&2; exit 1; }
command -v qemu-system-x86_64 >/dev/null || { echo "vm: install qemu-system-x86" >&2; exit 1; }

# The job directory must be visible to the guest at the same path, so it
# lives in the build tree rather than in a private tmpfs.
rundir=$build/vm-$kver

# Runs of one build tree and kernel share that directory: one at a time.
# And at most NTPSEC_VM_SLOTS VMs (default 2, one per core of the machines
# this runs on) at once, as each vCPU is a host thread at full speed under
# emulation; more would starve each other's timing.  Others wait here.
mkdir -p "$build"
exec 9>"$build/.vm-$kver.lock"
flock 9
slot=0
while [ "$slot" -eq 0 ]; do
	for i in $(seq "${NTPSEC_VM_SLOTS:-2}"); do
		lock=/tmp/ntpsec-vm.lock
		[ "$i" -eq 1 ] || lock=$lock.$i
		exec 8>"$lock"
		if flock -n 8; then
			slot=$i
			break
		fi
	done
	[ "$slot" -ne 0 ] || sleep 3
done
rm -rf "$rundir"
mkdir -p "$rundir"
"$here/mkinitramfs.sh" "$kver" "$rundir/initramfs.cpio.gz"

{
	echo "#!/bin/sh"
	echo "export NTPSEC_TOP='$top' NTPSEC_BUILDDIR='$builddir'"
	echo "export NTPSEC_BUILD='$build' NTPSEC_KVER='$kver'"
	echo "export NTPSEC_KMOD='$kmod' NTPSEC_RUNDIR='$rundir'"
	echo "export NTPSEC_VPHC_KMOD='$build/$kver/selftests/ntpsec/vphc/ntpsec_vphc.ko'"
	echo "export NTPSEC_FAKEFAMILY_KMOD='$build/$kver/selftests/ntpsec/fakefamily/ntpsec_fakefamily.ko'"
	echo "export PATH='$builddir/user/ntpsecctl:$builddir/user/ntpsecd:$builddir/selftests/ntpsec:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'"
	printf "exec '%s/guest-runner.sh'" "$here"
	printf " '%s'" "$@"
	echo
} >"$rundir/job.sh"
chmod 755 "$rundir/job.sh"

: >"$rundir/results.ktap"
set +e
timeout -k 10 "$timeout" qemu-system-x86_64 \
	-accel tcg -cpu max -machine q35 -nodefaults -display none \
	-no-reboot -m "${NTPSEC_VM_MEM:-1024}" -smp "${NTPSEC_VM_CPUS:-1}" \
	-kernel "$kernel" -initrd "$rundir/initramfs.cpio.gz" \
	-append "console=ttyS0 panic_on_warn=1 oops=panic panic=-1 softlockup_panic=1 quiet loglevel=4 ntpsec.job=$rundir/job.sh${NTPSEC_VM_APPEND:+ $NTPSEC_VM_APPEND}" \
	-serial "file:$rundir/console.log" -serial "file:$rundir/results.ktap" \
	-virtfs local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap \
	-monitor none </dev/null
qemu_rc=$?
set -e

cat "$rundir/results.ktap"
status=0
if [ $qemu_rc -eq 124 ] || [ $qemu_rc -eq 137 ]; then
	echo "# vm: timed out after ${timeout}s ($kver)"
	status=1
elif [ $qemu_rc -ne 0 ]; then
	echo "# vm: qemu exited with status $qemu_rc ($kver)"
	status=1
fi
if ! grep -q '^# ntpsec-vm: done' "$rundir/results.ktap"; then
	echo "# vm: the guest did not finish its tests ($kver); console tail:"
	tail -n 40 "$rundir/console.log" | sed 's/^/# /'
	status=1
fi
if grep -qE 'Kernel panic|Oops|BUG:|WARNING:|Call Trace|UBSAN|general protection' "$rundir/console.log"; then
	echo "# vm: the kernel complained ($kver):"
	grep -E -A 20 'Kernel panic|Oops|BUG:|WARNING:|UBSAN|general protection' "$rundir/console.log" | head -n 60 | sed 's/^/# /'
	status=1
fi
if grep -q '^not ok ' "$rundir/results.ktap"; then
	status=1
fi
exit $status
