#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ntpsec_vphc.ko, the test-only NIC pair with PTP hardware clocks that the
# hardware timestamping tests of ntpsec.ko stand on, does what it claims:
# the two ends talk IPv4 and IPv6 across network namespaces; each end's
# clock can be set, stepped and slewed through /dev/ptpN and reads right
# with PTP_SYS_OFFSET_EXTENDED; ethtool reports the clock and the
# timestamping modes; a received datagram carries exactly the stamp the
# driver says it gave, taken from the receiving end's clock; TX stamps come
# back on the sender's error queue, delayed and one at a time when asked;
# and the module unloads cleanly with traffic flowing.
#
# Environment: NTPSEC_VPHC_KMOD, the module (default: built by
# "scripts/kbuild.sh /lib/modules/KVER/build .build/KVER selftests/ntpsec/vphc"
# at $NTPSEC_BUILD/$NTPSEC_KVER/selftests/ntpsec/vphc/ntpsec_vphc.ko);
# NTPSEC_VPHC_TOOL, its helper (default: vphc_tool next to the module, else
# compiled here from vphc/vphc_tool.c).
# Checks run through ktap_check and the EXIT trap, which shellcheck cannot see.
# shellcheck disable=SC2317
source "$(dirname "$0")/lib.sh"

here=$(cd "$(dirname "$0")" && pwd)
VPHC_KMOD=${NTPSEC_VPHC_KMOD:-${NTPSEC_BUILD:-}/${NTPSEC_KVER:-$(uname -r)}/selftests/ntpsec/vphc/ntpsec_vphc.ko}
VPHC_TOOL=${NTPSEC_VPHC_TOOL:-$(dirname "$VPHC_KMOD")/vphc_tool}
params=/sys/module/ntpsec_vphc/parameters
nsa=vphc-test-a
nsb=vphc-test-b
bg_pids=

[ -r "$VPHC_KMOD" ] ||
	ktap_skip_all "no $VPHC_KMOD (build it: scripts/kbuild.sh /lib/modules/KVER/build .build/KVER selftests/ntpsec/vphc)"
if [ ! -x "$VPHC_TOOL" ]; then
	VPHC_TOOL=/tmp/vphc_tool
	gcc -O2 -D_GNU_SOURCE -o "$VPHC_TOOL" "$here/vphc/vphc_tool.c" -lm ||
		ktap_skip_all "no vphc_tool next to $VPHC_KMOD and no compiler"
fi

vphc_loaded() {
	grep -q '^ntpsec_vphc ' /proc/modules
}

cleanup() {
	local pid
	for pid in $bg_pids; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	bg_pids=
	! vphc_loaded || rmmod ntpsec_vphc
	ip netns del "$nsa" 2>/dev/null
	ip netns del "$nsb" 2>/dev/null
}
trap cleanup EXIT

ina() { ip netns exec "$nsa" "$@"; }
inb() { ip netns exec "$nsb" "$@"; }

# tsinfo_field DEV FIELD - one line of "vphc_tool tsinfo".
tsinfo_field() {
	"$VPHC_TOOL" tsinfo "$1" | sed -n "s/^$2 //p"
}

# The software and hardware flags a NIC with a PHC reports:
# SOF_TIMESTAMPING_{TX,RX}_{HARDWARE,SOFTWARE}, SOFTWARE, RAW_HARDWARE.
check_tsinfo() {
	local dev=$1 idx so tx rx
	idx=$(tsinfo_field "$dev" phc_index)
	so=$(tsinfo_field "$dev" so_timestamping)
	tx=$(tsinfo_field "$dev" tx_types)
	rx=$(tsinfo_field "$dev" rx_filters)
	echo "# $dev: phc_index $idx so_timestamping $so tx_types $tx rx_filters $rx"
	[ -n "$idx" ] && [ "$idx" -ge 0 ] && [ -c "/dev/ptp$idx" ] &&
		[ "$(cat "/sys/class/ptp/ptp$idx/clock_name")" = "$dev" ] &&
		[ $((so & 0x5f)) -eq $((0x5f)) ] &&
		[ $((tx)) -eq 3 ] && [ $((rx)) -eq 3 ]
}

# udp_test ARGS... - vphc_tool udp from vphc0 (namespace a) to vphc1 (b).
udp_test() {
	inb "$VPHC_TOOL" udp --rx-dev vphc1 --tx-netns "/run/netns/$nsa" \
		--tx-dev vphc0 "$@"
}

ktap_plan 18
! vphc_loaded || rmmod ntpsec_vphc

vermagic_ok() {
	modinfo -F vermagic "$VPHC_KMOD" | grep -q "^$(uname -r) "
}
ktap_check "modinfo vermagic matches the running kernel" vermagic_ok

load_vphc() {
	insmod "$VPHC_KMOD" && ip link show vphc0 >/dev/null &&
		ip link show vphc1 >/dev/null &&
		[ -r /sys/class/net/vphc1/vphc/last_rx_hwtstamp ]
}
ktap_check "load creates vphc0 and vphc1 with their sysfs group" load_vphc
vphc_loaded || ktap_finish

both_tsinfo() {
	check_tsinfo vphc0 && check_tsinfo vphc1 &&
		[ "$(tsinfo_field vphc0 phc_index)" != "$(tsinfo_field vphc1 phc_index)" ]
}
ktap_check "ETHTOOL_GET_TS_INFO: each end has its own PHC and both modes" \
	both_tsinfo
ptpa=/dev/ptp$(tsinfo_field vphc0 phc_index)
ptpb=/dev/ptp$(tsinfo_field vphc1 phc_index)

if command -v ethtool >/dev/null; then
	ktap_check "ethtool -T vphc1 shows its PTP hardware clock" \
		grep -q "PTP Hardware Clock: ${ptpb#/dev/ptp}\$" <<<"$(ethtool -T vphc1)"
else
	ktap_ok "ethtool -T vphc1 shows its PTP hardware clock # SKIP ethtool not installed"
fi

setup_netns() {
	ip netns add "$nsa" && ip netns add "$nsb" &&
		ip link set vphc0 netns "$nsa" && ip link set vphc1 netns "$nsb" &&
		ina ip addr add 192.0.2.1/24 dev vphc0 &&
		ina ip addr add 2001:db8::1/64 dev vphc0 nodad &&
		inb ip addr add 192.0.2.2/24 dev vphc1 &&
		inb ip addr add 2001:db8::2/64 dev vphc1 nodad &&
		ina ip link set vphc0 up && inb ip link set vphc1 up &&
		ina ip link set lo up && inb ip link set lo up
}
ktap_check "move the ends into two network namespaces, IPv4 and IPv6 up" \
	setup_netns

ping_both() {	# ping_both PING ADDR_IN_B ADDR_IN_A
	ina busybox "$1" -c 2 -W 5 "$2" >/dev/null &&
		inb busybox "$1" -c 1 -W 5 "$3" >/dev/null
}
ktap_check "ping over IPv4, both ways" ping_both ping 192.0.2.2 192.0.2.1
ktap_check "ping over IPv6, both ways" ping_both ping6 2001:db8::2 2001:db8::1

# vphc1's clock: TAI-like, 37 s ahead of CLOCK_REALTIME, and 100 ppm fast.
ktap_check "set vphc1's clock to CLOCK_REALTIME + 37 s, +100 ppm ($ptpb)" \
	"$VPHC_TOOL" phc-set "$ptpb" 37000000000 100
ktap_check "PTP_SYS_OFFSET_EXTENDED: vphc1's clock is 37 s ahead, 100 ppm fast" \
	"$VPHC_TOOL" phc-check "$ptpb" 37000000000 100 20000000
step_back() {
	"$VPHC_TOOL" phc-step "$ptpb" -1500000000 &&
		"$VPHC_TOOL" phc-check "$ptpb" 35500000000 100 20000000
}
ktap_check "ADJ_SETOFFSET steps vphc1's clock back by 1.5 s" step_back
ktap_check "vphc0's clock is untouched: CLOCK_REALTIME, same rate" \
	"$VPHC_TOOL" phc-check "$ptpa" 0 0 20000000

ktap_check "IPv4: RX stamp is vphc1's clock and last_rx_hwtstamp; TX stamp returned" \
	udp_test --rx-offset-ms 35500 --tx-offset-ms 0 192.0.2.2
ktap_check "IPv6: RX stamp is vphc1's clock and last_rx_hwtstamp; TX stamp returned" \
	udp_test --rx-offset-ms 35500 --tx-offset-ms 0 2001:db8::2
ktap_check "timestamping off: no hardware stamps, the software RX stamp remains" \
	udp_test --rx-stamp off --tx-stamp off 192.0.2.2

delayed_single() {
	echo 200000 >"$params"/tx_stamp_delay_us && echo 1 >"$params"/tx_stamp_single &&
		udp_test --count 2 --expect-tx 1 --min-tx-delay-us 200000 \
			--rx-offset-ms 35500 2001:db8::2
}
ktap_check "tx_stamp_single, 200 ms delay: one of two sends stamped, one dropped" \
	delayed_single

delayed_many() {
	echo 100000 >"$params"/tx_stamp_delay_us && echo 0 >"$params"/tx_stamp_single &&
		udp_test --count 3 --min-tx-delay-us 100000 --rx-offset-ms 35500 \
			192.0.2.2
}
ktap_check "100 ms delay, no limit: three sends, three stamps, in order" \
	delayed_many

for f in last_rx_hwtstamp last_tx_hwtstamp rx_stamped tx_stamped tx_stamp_dropped; do
	echo "# vphc0 $f $(ina cat /sys/class/net/vphc0/vphc/$f) vphc1 $f $(inb cat /sys/class/net/vphc1/vphc/$f)"
done

vphc0_attr() {
	ina cat "/sys/class/net/vphc0/vphc/$1"
}

# Unload with datagrams flowing both ways and a TX stamp still pending:
# last_tx_hwtstamp moves when the stamp is taken, tx_stamped when it is
# delivered, 5 s later.
unload_busy() {
	local pid last stamped _ pending=
	last=$(vphc0_attr last_tx_hwtstamp)
	stamped=$(vphc0_attr tx_stamped)
	echo 5000000 >"$params"/tx_stamp_delay_us || return 1
	ina bash -c 'while :; do echo x >/dev/udp/192.0.2.2/9; done' 2>/dev/null &
	bg_pids="$bg_pids $!"
	inb bash -c 'while :; do echo x >/dev/udp/2001:db8::1/9; done' 2>/dev/null &
	bg_pids="$bg_pids $!"
	udp_test --tol-ms 100000 192.0.2.2 >/dev/null 2>&1 &
	bg_pids="$bg_pids $!"
	for _ in $(seq 1 40); do
		if [ "$(vphc0_attr last_tx_hwtstamp)" != "$last" ]; then
			pending=1
			break
		fi
		sleep 0.1
	done
	[ "$(vphc0_attr tx_stamped)" = "$stamped" ] || pending=
	echo "# TX stamp pending at unload: ${pending:-no}"
	rmmod ntpsec_vphc || return 1
	for pid in $bg_pids; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	bg_pids=
	[ -n "$pending" ] && ! vphc_loaded &&
		! ina ip link show vphc0 2>/dev/null &&
		! inb ip link show vphc1 2>/dev/null
}
ktap_check "unload with traffic flowing and a TX stamp pending" unload_busy

reload_two_pairs() {
	insmod "$VPHC_KMOD" pairs=2 && ip link show vphc3 >/dev/null &&
		rmmod ntpsec_vphc
}
ktap_check "load and unload again, two pairs" reload_two_pairs
ktap_finish
