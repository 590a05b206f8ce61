#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# bench/run.sh [--write] [KVER] - the benchmark in one command: builds the
# load generator (and the module, if missing), boots Debian's kernel KVER
# (default: the newest 6.1) under QEMU with two vCPUs, runs
# bench/bench-guest.sh there, and prints its table: the kernel fast path,
# chronyd and NTPsec's ntpd serving the same load, with ratios to chronyd;
# NTS through the module, ntpsecd and chronyd; interleaved mode through the
# module and chronyd; and the scaling view (the
# module and chronyd with 1, 1,000 and 65,536 clients).
# --write also writes the tables to docs/PERFORMANCE.md with the command,
# kernel, QEMU version and date.  About 25 minutes under emulation.
#
# Environment (passed to the guest): BENCH_RATE (the common load, /s),
# BENCH_DURATION, BENCH_IDLE, BENCH_STEP (seconds), BENCH_SEARCH_FROM,
# BENCH_SOCKETS, BENCH_SERVERS (subset of "kernel ntpsecd chronyd ntpd floor kernel-nts
# ntpsecd-nts chronyd-nts kernel-xleave chronyd-xleave kernel-c1 kernel-c1k
# kernel-c64k chronyd-c1 chronyd-c1k chronyd-c64k");
# NTPSEC_VM_MEM, NTPSEC_BUILDDIR and NTPSEC_BUILD as for the selftests;
# NTPSEC_LOADGEN, a ready-built generator.  The VM always has two CPUs.
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

# Where the build is: the Autotools build directory (default the source
# tree) and its .build, as for selftests/ntpsec/vm/run.sh.
builddir=$(cd "${NTPSEC_BUILDDIR:-$top}" && pwd)
build=${NTPSEC_BUILD:-$builddir/.build}
mkdir -p "$build/bench"
build=$(cd "$build" && pwd)
out=$build/bench

# The generator and the NTS-KE helper, from the tree's build (make builds
# them; NTPSEC_LOADGEN names another generator).
loadgen=${NTPSEC_LOADGEN:-$builddir/bench/ntpsec_loadgen}
ntske_fetch=$(dirname "$loadgen")/ntske_fetch
[ -x "$loadgen" ] && [ -x "$ntske_fetch" ] ||
	{ echo "bench: no $loadgen or $ntske_fetch: build the tree first (make)" >&2; exit 1; }
if [ ! -r "$build/$kver/kmod/ntpsec.ko" ]; then
	echo "bench: building ntpsec.ko for $kver"
	"$top/scripts/kbuild.sh" "/lib/modules/$kver/build" "$build/$kver"
fi
# The yardstick row's module (bench/bare): built each time, incrementally.
"$top/scripts/kbuild.sh" "/lib/modules/$kver/build" "$build/$kver" bench/bare
if [ ! -x "$top/.cache/ntpsec/usr/sbin/ntpd" ] && [ "$(id -u)" -eq 0 ]; then
	"$top/scripts/setup.sh"
fi
[ -x "$builddir/selftests/ntpsec/ntpsec_testserver" ] ||
	{ echo "bench: build the tree first (make)" >&2; exit 1; }

# A build directory of our own, so the VM's run directory never collides
# with a selftest run of the same kernel; the module is the tree's.
vmbuild=$out/vm
mkdir -p "$vmbuild"
ln -sfn "$build/$kver" "$vmbuild/$kver"
servers=${BENCH_SERVERS:-bare kernel ntpsecd chronyd ntpd floor kernel-nts ntpsecd-nts chronyd-nts kernel-xleave chronyd-xleave kernel-c1 kernel-c1k kernel-c64k chronyd-c1 chronyd-c1k chronyd-c64k}
{
	echo "BENCH_LOADGEN='$loadgen'"
	echo "BENCH_NTSKE_FETCH='$ntske_fetch'"
	for v in BENCH_RATE BENCH_DURATION BENCH_IDLE BENCH_STEP \
		BENCH_SEARCH_FROM BENCH_SOCKETS BENCH_SERVERS; do
		[ -z "${!v:-}" ] || echo "$v='${!v}'"
	done
} >"$vmbuild/bench.env"

# The guest script is named once per server (see bench-guest.sh).
tests=()
for _ in $servers; do
	tests+=(../../bench/bench-guest.sh)
done

# Host CPU time not ours (another VM, a build) slows the vCPUs and shows
# up as guest CPU time: measured and reported, since it cannot be avoided.
host_busy() {	# jiffies (USER_HZ) all CPUs spent busy
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
}
children_cpu() {	# CPU seconds of waited-for children (the VM), from times
	tail -n 1 "$1" | awk '{ for (i = 1; i <= 2; i++) { split($i, t, "m");
		s += t[1] * 60 + t[2] } print s }'
}

log=$out/last-run.log
echo "bench: booting $kver (2 vCPUs, software emulation); log in ${log#"$top"/}"
times >"$out/times0"	# a builtin in this shell: no subshell, real figures
busy0=$(host_busy) t0=$(date +%s)
set +e
NTPSEC_VM_CPUS=2 NTPSEC_BUILDDIR=$builddir NTPSEC_BUILD=$vmbuild \
	"$top/selftests/ntpsec/vm/run.sh" -t 3600 "$kver" "${tests[@]}" >"$log" 2>&1
status=$?
set -e
times >"$out/times1"
busy1=$(host_busy) t1=$(date +%s)
own0=$(children_cpu "$out/times0") own1=$(children_cpu "$out/times1")
other=$(awk -v b="$((busy1 - busy0))" -v hz="$(getconf CLK_TCK)" \
	-v own="$own0 $own1" -v wall="$((t1 - t0))" -v n="$(nproc)" 'BEGIN {
	split(own, o, " "); x = (b / hz - (o[2] - o[1])) / (wall * n) * 100
	printf "%.0f", x < 0 ? 0 : x }')
host_note="other processes used ${other}% of the host's $(nproc) CPUs during the run"
[ "$other" -lt 20 ] ||
	host_note="$host_note (WARNING: they slowed the vCPUs; rerun on an idle host)"

mkdir -p "$out/results"
rm -f "$out"/results/*.json
sed -n 's/^ *BENCH-JSON \([^ ]*\) \(.*\)$/\1 \2/p' "$log" |
	while read -r name json; do
		echo "$json" >"$out/results/$name"
	done

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
echo "- host: $host_note"

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
		echo "- guest kernel: $kver (Debian), 2 vCPUs, ${NTPSEC_VM_MEM:-1024} MiB, $(grep -m1 -o 'clocksource [a-z_0-9]*' "$log" || echo 'clocksource unknown')"
		echo "- QEMU: $(qemu-system-x86_64 --version | head -n 1), TCG (no KVM)"
		echo "- host: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) CPUs"
		echo "- host load: $host_note"
		echo "- module: ntpsec.ko from commit $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$top" diff --quiet HEAD -- kmod 2>/dev/null || echo ' (modified)')"
		echo
		echo "$table"
		cat <<-'EOF'

		## Reading these numbers

		- Every request reaches the server's CPU through an inter-processor
		  interrupt (RPS on a veth) that wakes it from idle.  Under emulation
		  that wakeup, and every clock read when the clocksource is the
		  emulated HPET, cost far more than on hardware, and every server pays
		  them: the closed-port row measures that floor, and "above floor" is
		  each server's own work.
		- Answering costs every server more than the floor: a route lookup,
		  a new packet, its transmission through the veth and the wakeup of
		  the generator's CPU.  The bare responder row (bench/bare: a kernel
		  socket answering every request with a fixed reply, nothing else)
		  measures floor and answer together, the least any in-kernel
		  server can cost here; ntpsec.ko's figure beyond it is what its
		  features (access control, rate limiting, timestamp sources,
		  counters, the processing histogram, interleaved mode) cost.
		- So the ratio of CPU per request to chronyd's cannot go below the
		  bare responder's here, whatever the module does: under emulation
		  the fixed cost of a packet in and a packet out is most of it.
		- At the common load each request wakes the server's CPU on its own;
		  near its maximum rate a server handles requests in batches, so its
		  cost per request there is lower than in this table.
		- The maximum rate comes from short steps and moves with other work
		  on the host; under emulation the generator saturates before the
		  kernel path does.
		- Processing time is each reply's transmit minus receive timestamp,
		  the receive stamp taken when the server's CPU processes the packet.
		EOF
	} >"$top/docs/PERFORMANCE.md"
	echo
	echo "bench: wrote docs/PERFORMANCE.md"
fi
exit $status
