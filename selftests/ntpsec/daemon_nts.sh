#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ntpsecd as an NTS server (RFC 8915) from userspace, the module not
# loaded: chronyd in another namespace is an NTS client ("server ... nts",
# our throwaway certificate as ntstrustedcerts).  It must authenticate
# (chronyc authdata: NTS, cookies held, no NAK) and use the server; a
# restart with the same cookie key file keeps its cookies valid; a restart
# with new keys NAKs them and chronyd makes a new key exchange.  chronyd
# runs with -x: it never touches the clock.
source "$(dirname "$0")/lib.sh"

ktap_plan 9
unload_module
setup_pair || ktap_skip_all "cannot set up the veth pair"
stop_client() {
	[ -e /tmp/chrony-nts.pid ] && kill "$(cat /tmp/chrony-nts.pid)" 2>/dev/null
	rm -f /tmp/chrony-nts.pid
}
trap 'stop_client; stop_daemon; cleanup_upstreams; cleanup_pair' EXIT
setup_upstreams 1 || ktap_skip_all "cannot start the upstream chronyd server"

d=/tmp/nts
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
start_daemon() {
	ip netns exec ntps ntpsecd -n -c $d/ntpsecd.conf -s $NTPSECD_SOCKET \
		-l $d/ntpsecd.log &
	DPID=$!
}
synced() {
	ip netns exec ntps ntpsecctl --json tracking 2>/dev/null |
		grep -q '"synchronized":true'
}
nts_counter() {
	ip netns exec ntps ntpsecctl --json nts |
		python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

start_daemon
ktap_check "ntpsecd synchronizes (without disciplining) to its upstream" \
	wait_for 60 synced
ktap_check "the cookie key file is the daemon's, mode 600" \
	test "$(stat -c %a $d/nts-keys)" = 600

cat >$d/chrony.conf <<CONF
server $SERVER4 iburst nts minpoll -2 maxpoll -2
ntstrustedcerts $d/cert.pem
bindcmdaddress $d/chronyc/chronyc.sock
pidfile /tmp/chrony-nts.pid
CONF
mkdir -m 700 $d/chronyc
chronyc_nts() {
	ip netns exec ntpc chronyc -h $d/chronyc/chronyc.sock -n -c "$@"
}
ip netns exec ntpc chronyd -x -u root -f $d/chrony.conf -l $d/chrony.log
authed() {
	# name,mode,keyid,type,klen,last,attempts,naks,cookies,cookielen
	chronyc_nts authdata 2>/dev/null |
		awk -F, '$2 == "NTS" && $4 == 15 && $9 > 0 { ok = 1 } END { exit !ok }'
}
selected() {
	chronyc_nts sources 2>/dev/null |
		awk -F, '$2 == "*" && $3 == "'$SERVER4'" { ok = 1 } END { exit !ok }'
}
ktap_check "chronyd completes an NTS key exchange" wait_for 60 authed
ktap_check "chronyd selects ntpsecd with NTS" wait_for 60 selected
chronyc_nts authdata | sed 's/^/# authdata: /'
chronyc_nts sources | sed 's/^/# sources: /'
ip netns exec ntps ntpsecctl nts | sed 's/^/# /'
ktap_check "ntpsecd counted one key exchange and NTS replies, no NAK" \
	test "$(nts_counter ke_handshakes)" -ge 1 -a "$(nts_counter ntp_ok)" -ge 3 \
	     -a "$(nts_counter ntp_nak_cookie)" -eq 0

# A restart with the same key file: the cookies chronyd holds still work.
stop_daemon
start_daemon
sleep 2
served_after() {
	test "$(nts_counter ntp_ok 2>/dev/null || echo 0)" -ge 3
}
ktap_check "after a restart the old cookies are answered, not NAKed" \
	wait_for 30 served_after
ktap_check "... without a new key exchange" \
	test "$(nts_counter ke_handshakes)" -eq 0 -a "$(nts_counter ntp_nak_cookie)" -eq 0

# New master keys: chronyd's cookies are NAKed, it makes a new exchange.
stop_daemon
rm -f $d/nts-keys
start_daemon
rehandshake() {
	test "$(nts_counter ntp_nak_cookie 2>/dev/null || echo 0)" -ge 1 -a \
	     "$(nts_counter ke_handshakes 2>/dev/null || echo 0)" -ge 1 -a \
	     "$(nts_counter ntp_ok 2>/dev/null || echo 0)" -ge 1
}
ktap_check "cookies of unknown keys get an NTS NAK, then a new key exchange" \
	wait_for 60 rehandshake
ip netns exec ntps ntpsecctl nts | sed 's/^/# /'
# A restarted ntpsecd says it is unsynchronized until its upstream is
# selected again (about a minute here); chronyd waits for that.
ktap_check "and chronyd selects ntpsecd again once it is synchronized" \
	wait_for 150 selected
stop_client
stop_daemon
sed 's/^/# log: /' $d/ntpsecd.log | tail -n 20
sed 's/^/# chrony: /' $d/chrony.log | tail -n 20
ktap_finish
