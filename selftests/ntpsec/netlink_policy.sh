#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Netlink discipline: strict policies, exact lengths, ranges, unknown flags
# and attributes refused, nothing half-applied, CAP_NET_ADMIN for changes.
# The checks are raw netlink messages (genl_policy.py).
source "$(dirname "$0")/lib.sh"

load_module || ktap_skip_all "cannot load $NTPSEC_KMOD"
python3 "$(dirname "$0")/genl_policy.py" "$NTPSEC_TOP/include/uapi/linux/ntpsec.h"
rc=$?
rmmod ntpsec
exit $rc
