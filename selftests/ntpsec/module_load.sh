#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module loads, registers its netlink family, and unloads cleanly, twenty
# times in a row; a second load while loaded is refused without harm.
source "$(dirname "$0")/lib.sh"

ktap_plan 6
unload_module

ktap_check "modinfo vermagic matches the running kernel" \
	bash -c 'modinfo -F vermagic "$NTPSEC_KMOD" | grep -q "^$(uname -r) "'

ok=1
for i in $(seq 1 20); do
	if ! load_module; then
		echo "# load $i failed"; ok=0; break
	fi
	if ! ntpsecctl status >/dev/null; then
		echo "# status after load $i failed"; ok=0; break
	fi
	if ! rmmod ntpsec; then
		echo "# unload $i failed"; ok=0; break
	fi
done
ktap_check "load, status, unload 20 times" test $ok = 1

ntpsecctl status >/dev/null 2>&1
ktap_check "after unload, status says the module is not loaded (exit 3)" test $? -eq 3

load_module
ktap_check "a second insmod is refused" bash -c '! insmod "$NTPSEC_KMOD" 2>/dev/null'
ktap_check "the module is still loaded after the refused insmod" module_loaded
ktap_check "unload after the refused insmod" rmmod ntpsec
ktap_finish
