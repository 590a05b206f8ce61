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
per_test_timeout=${NTPSEC_TEST_TIMEOUT:-420}

report() {
	echo "$*" >>"$out"
	echo "$*"
}

ip link set lo up 2>/dev/null
dmesg -n 4 2>/dev/null

report "TAP version 13"
report "# kernel $(uname -r), ntpsec.ko $NTPSEC_KMOD"
report "1..$(($# + 1))"

n=0
for test in "$@"; do
	n=$((n + 1))
	log=/tmp/ntpsec-test-$n.log
	(cd "$here" && timeout -k 5 "$per_test_timeout" "./$test") >"$log" 2>&1
	rc=$?
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
