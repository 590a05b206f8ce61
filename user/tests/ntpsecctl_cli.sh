#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# ntpsecctl's command line on a machine without the module: distinct exit
# codes and messages a person understands.  Runs on the host (make check);
# the same commands against a loaded module are tested in the VM.
set -u

ctl=${NTPSECCTL:?set NTPSECCTL to the ntpsecctl binary}
failed=0
n=0

check() {	# check NAME EXPECTED_RC PATTERN CMD...
	name=$1 want=$2 pattern=$3
	shift 3
	n=$((n + 1))
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -eq "$want" ] && printf '%s\n' "$out" | grep -qE -- "$pattern"; then
		echo "ok $n $name"
	else
		echo "not ok $n $name (exit $rc, wanted $want)"
		printf '%s\n' "$out" | sed 's/^/# /'
		failed=1
	fi
}

echo "TAP version 13"
echo "1..7"
check "no command is a usage error" 2 '^usage: ntpsecctl' "$ctl"
check "unknown command is a usage error" 2 "unknown command 'frobnicate'" "$ctl" frobnicate
check "unknown option is a usage error" 2 '^usage: ntpsecctl' "$ctl" --bogus status
check "status takes no arguments" 2 'status takes no arguments' "$ctl" status extra
check "--help lists the commands" 0 '^  status ' "$ctl" --help
check "--version prints the version" 0 '^ntpsecctl [0-9]+\.[0-9]+' "$ctl" --version

# Where the module is absent (always on the build host, which cannot load
# modules), status must say so and how to fix it.
if grep -q '^ntpsec ' /proc/modules 2>/dev/null; then
	n=$((n + 1))
	echo "ok $n status without the module # SKIP the module is loaded here"
else
	check "status without the module says modprobe" 3 'not loaded \(try: modprobe ntpsec\)' "$ctl" status
fi
exit $failed
