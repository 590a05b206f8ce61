#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Runs inside the VM (as the job of init): each named test, kselftest style,
# with a KTAP report on the second serial port.  Exit code 0 is a pass, 4
# (KSFT_SKIP) a skip, anything else a failure; a test's own output is
# indented as KTAP subtest lines.  A final check reads the kernel log.
set -u

out=/dev/ttyS1
here=$(cd "$(dirname "$0")/.." && pwd)
per_test_timeout=${NTPSEC_TEST_TIMEOUT:-600}

report() {
	echo "$*" >>"$out"
	echo "$*"
}

ip link set lo up 2>/dev/null
dmesg -n 4 2>/dev/null

report "TAP version 13"
report "# kernel $(uname -r), ntpsec.ko $NTPSEC_KMOD"
report "1..$(($# + 1))"

# The user processes running now (kernel threads have no exe link).
user_pids() {
	local p
	for p in /proc/[0-9]*; do
		[ -e "$p/exe" ] && echo "${p#/proc/}"
	done
}

# What a test left behind goes before the next one starts: a test killed
# at its time limit cannot run its own cleanup, and a daemon it started
# would go on disciplining the clock or holding port 123 under the next.
sweep() {
	local p cmd left=
	for p in $(user_pids); do
		case " $before " in *" $p "*) continue ;; esac
		[ "$p" != $$ ] || continue
		# Gone since the listing (the listing's own subshell), or a
		# zombie: nothing to kill.
		cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline") || continue
		[ -n "$cmd" ] || continue
		left="$left $p(${cmd:0:60})"
		kill -9 "$p" 2>/dev/null
	done
	[ -z "$left" ] || echo "# ntpsec-vm: killed what the test left running:$left"
	ip -all netns delete 2>/dev/null
}

n=0
for test in "$@"; do
	n=$((n + 1))
	log=/tmp/ntpsec-test-$n.log
	before=$(user_pids | tr '\n' ' ')
	start=$(cut -d' ' -f1 /proc/uptime)
	(cd "$here" && timeout -k 5 "$per_test_timeout" "./$test") >"$log" 2>&1
	rc=$?
	echo "# ntpsec-vm: $test took $(awk -v s="$start" '{ printf "%.0f", $1 - s }' /proc/uptime) s" >>"$log"
	sweep >>"$log" 2>&1
	sed 's/^/    /' "$log" >>"$out"
	case $rc in
	0) report "ok $n selftests: ntpsec: $test" ;;
	4) report "ok $n selftests: ntpsec: $test # SKIP $(grep -m1 -o 'SKIP.*' "$log" | cut -c6-)" ;;
	124) report "not ok $n selftests: ntpsec: $test # TIMEOUT ${per_test_timeout}s" ;;
	*) report "not ok $n selftests: ntpsec: $test # exit=$rc" ;;
	esac
done

# Anything the kernel said in alarm fails the run, even a BUG that did not
# panic (e.g. sleeping in atomic context).
n=$((n + 1))
if dmesg | grep -E 'BUG:|WARNING:|Oops|UBSAN|Call Trace|general protection|list_del corruption' >/tmp/kernel-alarm.log; then
	sed 's/^/# /' /tmp/kernel-alarm.log >>"$out"
	report "not ok $n kernel log has no BUG, WARNING or oops"
else
	report "ok $n kernel log has no BUG, WARNING or oops"
fi
report "# ntpsec-vm: done"
