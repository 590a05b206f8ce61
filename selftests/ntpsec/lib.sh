# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for the ntpsec selftests (sourced, inside the VM).
# Every check prints one KTAP subtest line; ktap_finish exits 0 when all
# passed, 1 otherwise, and KSFT_SKIP (4) when the whole test was skipped.

KSFT_SKIP=4
ktap_n=0
ktap_failed=0

ktap_plan() {
	echo "TAP version 13"
	echo "1..$1"
}

ktap_ok() {
	ktap_n=$((ktap_n + 1))
	echo "ok $ktap_n $*"
}

ktap_fail() {
	ktap_n=$((ktap_n + 1))
	ktap_failed=1
	echo "not ok $ktap_n $*"
}

# ktap_check NAME CMD... - a subtest that passes when CMD succeeds.
ktap_check() {
	local name=$1
	shift
	if "$@"; then
		ktap_ok "$name"
	else
		ktap_fail "$name"
	fi
}

ktap_skip_all() {
	echo "1..0 # SKIP $*"
	exit $KSFT_SKIP
}

ktap_finish() {
	exit $ktap_failed
}

module_loaded() {
	grep -q '^ntpsec ' /proc/modules
}

load_module() {
	module_loaded || insmod "${NTPSEC_KMOD:?}"
}

unload_module() {
	! module_loaded || rmmod ntpsec
}
