#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# NTS end to end through the kernel (RFC 8915): chronyd in another
# namespace is an NTS client of ntpsecd ("server ... nts", our throwaway
# certificate as ntstrustedcerts).  The key exchange is the daemon's (TLS in
# userspace), every NTS-protected request the module's: chronyd must
# authenticate and select the server while the module's counters, not the
# daemon's, grow.  Then the cookie key rotates under traffic (chronyd goes on
# without a NAK), and the module is unloaded: the daemon itself must accept
# the cookies the kernel issued, as the two share one cookie format.
# chronyd runs with -x and ntpsecd with "disable ntp": no clock is touched.
source "$(dirname "$0")/lib.sh"

ktap_plan 10
load_module || ktap_skip_all "cannot load $NTPSEC_KMOD"
setup_pair || ktap_skip_all "cannot set up the veth pair"
d=/tmp/nts-kernel
stop_client() {
	[ -e $d/chronyd.pid ] && kill "$(cat $d/chronyd.pid)" 2>/dev/null
	rm -f $d/chronyd.pid
}
trap 'stop_client; stop_daemon; cleanup_upstreams; cleanup_pair' EXIT
setup_upstreams 1 || ktap_skip_all "cannot start the upstream chronyd server"

rm -rf $d
mkdir -p $d
make_test_cert $d ntps.test $SERVER4 ||
	ktap_skip_all "openssl cannot make a certificate"

cat >$d/ntpsecd.conf <<CONF
server $UPSTREAM_NET.2 iburst minpoll 3 maxpoll 4
disable ntp
nts enable
nts cert $d/cert.pem
nts key $d/key.pem
nts cookie $d/nts-keys
CONF
export NTPSECD_SOCKET=$d/ntpsecd.sock
ip netns exec ntps ntpsecd -n -c $d/ntpsecd.conf -s $NTPSECD_SOCKET \
	-l $d/ntpsecd.log &
DPID=$!
# A field of ntpsecd's NTS counters (control socket).
daemon_nts() {
	ip netns exec ntps ntpsecctl --json nts 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}
module_keys() {
	ip netns exec ntps ntpsecctl --json nts keys |
		python3 -c 'import json,sys; print(" ".join(str(k["id"]) for k in json.load(sys.stdin)["keys"]))'
}
synced_kernel() {
	ip netns exec ntps ntpsecctl --json tracking 2>/dev/null |
		grep -q '"synchronized":true.*"kernel_fast_path":true'
}
ktap_check "ntpsecd synchronizes (without disciplining) and serves through the module" \
	wait_for 60 synced_kernel
keys=$(module_keys)
echo "# module's cookie keys: $keys"
ktap_check "the daemon pushed its cookie keys to the module" test -n "$keys"

cat >$d/chrony.conf <<CONF
server $SERVER4 iburst nts minpoll -2 maxpoll -2
ntstrustedcerts $d/cert.pem
bindcmdaddress $d/chronyc/chronyc.sock
pidfile $d/chronyd.pid
CONF
mkdir -m 700 $d/chronyc
chronyc_nts() {
	ip netns exec ntpc chronyc -h $d/chronyc/chronyc.sock -n -c "$@"
}
ip netns exec ntpc chronyd -x -u root -f $d/chrony.conf -l $d/chrony.log
authed() {	# authdata: name,mode,keyid,type,klen,last,attempts,naks,cookies,cookielen
	chronyc_nts authdata 2>/dev/null |
		awk -F, '$2 == "NTS" && $4 == 15 && $9 > 0 { ok = 1 } END { exit !ok }'
}
selected() {
	chronyc_nts sources 2>/dev/null |
		awk -F, '$2 == "*" && $3 == "'$SERVER4'" { ok = 1 } END { exit !ok }'
}
ktap_check "chronyd completes an NTS key exchange with ntpsecd" wait_for 60 authed
ktap_check "chronyd selects ntpsecd, authenticated with NTS" wait_for 60 selected
chronyc_nts authdata | sed 's/^/# authdata: /'
ok_kernel=$(counter nts_ok)
echo "# module: nts_ok $ok_kernel nts_nak $(counter nts_nak); daemon: ntp_ok $(daemon_nts ntp_ok)"
ktap_check "the NTS replies came from the kernel, none from the daemon" \
	test "$ok_kernel" -ge 3 -a "$(counter nts_nak)" -eq 0 -a "$(daemon_nts ntp_ok)" -eq 0

# Rotation under traffic: a new current key, the old ones still open.
ip netns exec ntps ntpsecctl nts rotate | sed 's/^/# /'
rotated=$(module_keys)
echo "# module's cookie keys after the rotation: $rotated"
ktap_check "nts rotate: a new current key in the module, the old one kept" \
	test "${rotated%% *}" != "${keys%% *}" -a -n "$(echo " $rotated " | grep " ${keys%% *} ")"
more_replies() { test "$(counter nts_ok)" -ge $((ok_kernel + 8)); }
through_rotation() { wait_for 30 more_replies && test "$(counter nts_nak)" -eq 0; }
ktap_check "chronyd goes on through the rotation: more NTS replies, no NAK" \
	through_rotation

# Without the module the daemon serves the same socket: the cookies chronyd
# holds now were sealed by the kernel, and must open in userspace.
handshakes=$(daemon_nts ke_handshakes)
stop_naks=$(daemon_nts ntp_nak_cookie)
rmmod ntpsec
daemon_serves() { test "$(daemon_nts ntp_ok 2>/dev/null || echo 0)" -ge 3; }
ktap_check "module unloaded: ntpsecd answers chronyd's NTS requests itself" \
	wait_for 30 daemon_serves
ip netns exec ntps ntpsecctl nts | sed 's/^/# /'
ktap_check "... accepting the kernel's cookies: no NAK, no new key exchange" \
	test "$(daemon_nts ntp_nak_cookie)" -eq "$stop_naks" -a \
	     "$(daemon_nts ke_handshakes)" -eq "$handshakes"
ktap_check "and chronyd stays with ntpsecd" wait_for 20 selected
stop_client
stop_daemon
sed 's/^/# log: /' $d/ntpsecd.log | tail -n 15
ktap_finish
