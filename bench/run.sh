#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# bench/run.sh [--write] [KVER] - the benchmark in one command: builds the
# load generator (and the module, if missing), boots Debian's kernel KVER
# (default: the newest 6.1) under QEMU with two vCPUs, runs
# bench/bench-guest.sh there, and prints its table: the kernel fast path,
# chronyd and NTPsec's ntpd serving the same load, with ratios to chronyd.
# --write also writes the table to docs/PERFORMANCE.md with the command,
# kernel, QEMU version and date.  About ten minutes under emulation.
#
# Environment (passed to the guest): BENCH_RATE (the common load, /s),
# BENCH_DURATION, BENCH_IDLE, BENCH_STEP (seconds), BENCH_SEARCH_FROM,
# BENCH_SOCKETS, BENCH_SERVERS (subset of "kernel chronyd ntpd");
# NTPSEC_VM_MEM as for the selftests.  The VM always has two CPUs.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
write=
usage() {
	echo "usage: $0 [--write] [KVER]" >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case $1 in
	--write) write=1 ;;
	-h | --help) usage ;;
	-*) usage ;;
	*) break ;;
	esac
	shift
done
[ $# -le 1 ] || usage
kver=${1:-$(cd /lib/modules 2>/dev/null && ls -d 6.1.*/build 2>/dev/null | sort -V | tail -n 1)}
kver=${kver%/build}
[ -n "$kver" ] || { echo "bench: no 6.1 kernel headers; give KVER" >&2; exit 1; }

out=$top/.build/bench
mkdir -p "$out"

# The generator: the Autotools build's if there is one, else built here.
loadgen=$top/bench/ntpsec_loadgen
if [ ! -x "$loadgen" ] || [ "$top/bench/ntpsec_loadgen.c" -nt "$loadgen" ]; then
	loadgen=$out/ntpsec_loadgen
	if [ ! -x "$loadgen" ] || [ -n "$(find "$top/bench" "$top/user/wire" \
		-name '*.[ch]' -newer "$loadgen")" ]; then
		echo "bench: building $loadgen"
		gcc -std=gnu11 -Wall -Wextra -Werror -O2 -o "$loadgen" \
			"$top/bench/ntpsec_loadgen.c" "$top/user/wire/ntp_wire.c" -lm
	fi
fi
if [ ! -r "$top/.build/$kver/kmod/ntpsec.ko" ]; then
	echo "bench: building ntpsec.ko for $kver"
	"$top/scripts/kbuild.sh" "/lib/modules/$kver/build" "$top/.build/$kver"
fi
if [ ! -x "$top/.cache/ntpsec/usr/sbin/ntpd" ] && [ "$(id -u)" -eq 0 ]; then
	"$top/scripts/setup.sh"
fi
[ -x "$top/selftests/ntpsec/ntpsec_testserver" ] ||
	{ echo "bench: build the tree first (make)" >&2; exit 1; }

# A build directory of our own, so the VM's run directory never collides
# with a selftest run of the same kernel; the module is the tree's.
vmbuild=$out/vm
mkdir -p "$vmbuild"
ln -sfn "$top/.build/$kver" "$vmbuild/$kver"
servers=${BENCH_SERVERS:-kernel chronyd ntpd}
{
	echo "BENCH_LOADGEN='$loadgen'"
	for v in BENCH_RATE BENCH_DURATION BENCH_IDLE BENCH_STEP \
		BENCH_SEARCH_FROM BENCH_SOCKETS BENCH_SERVERS; do
		[ -z "${!v:-}" ] || echo "$v='${!v}'"
	done
} >"$vmbuild/bench.env"

# The guest script is named once per server (see bench-guest.sh).
tests=()
for s in $servers; do
	tests+=(../../bench/bench-guest.sh)
done

log=$out/last-run.log
echo "bench: booting $kver (2 vCPUs, software emulation); log in ${log#"$top"/}"
set +e
NTPSEC_VM_CPUS=2 NTPSEC_BUILD=$vmbuild \
	"$top/selftests/ntpsec/vm/run.sh" -t 1500 "$kver" "${tests[@]}" >"$log" 2>&1
status=$?
set -e

table=$(sed -n '/BENCH-TABLE-BEGIN/,/BENCH-TABLE-END/p' "$log" |
	sed '1d;$d; s/^    //')
if [ -z "$table" ]; then
	echo "bench: no table; the run said:" >&2
	tail -n 40 "$log" >&2
	exit 1
fi
grep -E '^ *# ' "$log" | sed 's/^ *//' || true
echo
echo "$table"

if [ -n "$write" ]; then
	cmd="bench/run.sh --write $kver"
	for v in BENCH_RATE BENCH_DURATION BENCH_IDLE BENCH_STEP \
		BENCH_SEARCH_FROM BENCH_SOCKETS BENCH_SERVERS; do
		[ -z "${!v:-}" ] || cmd="$v='${!v}' $cmd"
	done
	{
		echo "# Performance"
		echo
		echo "The kernel fast path against chronyd and NTPsec's ntpd serving"
		echo "the same load, inside one QEMU virtual machine (see"
		echo "\`bench/README.md\` for the method).  Software emulation distorts"
		echo "absolute figures; the ratios are what to read."
		echo
		echo "- command: \`$cmd\`"
		echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
		echo "- guest kernel: $kver (Debian), 2 vCPUs, ${NTPSEC_VM_MEM:-1024} MiB"
		echo "- QEMU: $(qemu-system-x86_64 --version | head -n 1), TCG (no KVM)"
		echo "- host: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) CPUs"
		echo "- module: ntpsec.ko from commit $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$top" diff --quiet HEAD -- kmod 2>/dev/null || echo ' (modified)')"
		echo
		echo "$table"
	} >"$top/docs/PERFORMANCE.md"
	echo
	echo "bench: wrote docs/PERFORMANCE.md"
fi
exit $status
