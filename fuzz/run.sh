#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# fuzz/run.sh - build every libFuzzer target with clang (ASan, UBSan) and
# run each for a bounded time, one after the other.  `make fuzz` and
# scripts/test-all.sh call it.
#
#   fuzz/run.sh [-b] [-t SECONDS] [-o OUTDIR] [TARGET...]
#     -b          build only
#     -t SECONDS  per target (default $FUZZ_SECONDS, else 60)
#     -o OUTDIR   build and scratch directory (default .build/fuzz)
#
# The in-tree seeds (fuzz/corpus/TARGET) are read, never written: new inputs
# go to OUTDIR/corpus/TARGET, which starts as a copy of the seeds each run.
# A crash leaves OUTDIR/TARGET-crash-* and a non-zero exit status.  Each
# target's last line (executions, coverage) is printed: the figures
# docs/SECURITY.md quotes.  Needs config.h from a configured build tree
# (BUILDDIR, default the source tree).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
builddir=${BUILDDIR:-$top}
out=$top/.build/fuzz
seconds=${FUZZ_SECONDS:-60}
build_only=

while getopts bt:o: opt; do
	case $opt in
	b) build_only=1 ;;
	t) seconds=$OPTARG ;;
	o) out=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))

all="wire config keys addr mac ctl_reply mode6 nts ntske"
targets=${*:-$all}

CC=${FUZZ_CC:-clang}
CFLAGS="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
	-D_GNU_SOURCE -I$builddir -I$top/include/uapi -I$top/user/common
	-I$top/user/ntpsecd -I$top/user/ntpsecctl"
libnl=$(pkg-config --cflags --libs libnl-3.0 libnl-genl-3.0)
openssl=$(pkg-config --cflags --libs openssl)

[ -f "$builddir/config.h" ] || {
	echo "fuzz/run.sh: no config.h in $builddir: run ./configure first" >&2
	exit 1
}

sources() {	# the code each target exercises
	case $1 in
	wire) echo user/wire/ntp_wire.c ;;
	config) echo user/ntpsecd/ntpconf.c user/common/prefix.c ;;
	keys) echo user/common/keyfile.c user/common/secretfile.c user/ntpsecd/auth.c user/wire/ntp_wire.c "$openssl" ;;
	addr) echo user/common/prefix.c user/common/sockaddr.c ;;
	mac) echo user/ntpsecd/auth.c user/common/keyfile.c user/common/secretfile.c user/wire/ntp_wire.c "$openssl" ;;
	ctl_reply) echo user/ntpsecctl/reply.c user/common/genl.c user/common/prefix.c "$libnl" ;;
	mode6) echo user/ntpsecd/mode6.c ;;
	nts) echo user/wire/nts_wire.c user/wire/ntp_wire.c user/common/nts_siv.c "$openssl" ;;
	ntske) echo user/common/ntske.c user/ntpsecd/ntske_server.c user/ntpsecd/log.c user/common/nts_siv.c user/wire/nts_wire.c user/wire/ntp_wire.c "$openssl" ;;
	*) echo "fuzz/run.sh: no target $1 (have: $all)" >&2; return 1 ;;
	esac
}

mkdir -p "$out"
for t in $targets; do
	src=$(sources "$t")
	# shellcheck disable=SC2086
	(cd "$top" && $CC $CFLAGS -o "$out/fuzz_$t" "fuzz/fuzz_$t.c" $src)
done
[ -z "$build_only" ] || exit 0

rc=0
for t in $targets; do
	corpus=$out/corpus/$t
	rm -rf "$corpus"
	mkdir -p "$corpus"
	cp "$top/fuzz/corpus/$t/"* "$corpus/" 2>/dev/null || true
	log=$out/$t.log
	start=$(date +%s)
	if (cd "$out" && ./"fuzz_$t" -max_total_time="$seconds" \
		-max_len=4096 -timeout=10 -rss_limit_mb=1024 \
		-artifact_prefix="$out/$t-" -print_final_stats=1 \
		"$corpus" >"$log" 2>&1); then
		status=ok
	else
		status=FAILED
		rc=1
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	echo "fuzz_$t: $status, ${runs:-?} executions in $(($(date +%s) - start)) s, ${cov:-cov: ?}, corpus $(ls "$corpus" | wc -l) inputs"
	if [ $status != ok ]; then
		grep -E 'ERROR|SUMMARY|runtime error|abort|Test unit written' "$log" | head -n 20
		tail -n 25 "$log" >&2
	fi
done
exit $rc
