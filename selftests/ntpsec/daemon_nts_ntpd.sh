#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# NTS (RFC 8915) between ntpsecd and NTPsec's reference ntpd, both ways.
#
# Upstream: ntpd in namespace ntpu is an NTS server with no source of its
# own (orphan mode: stratum 5, leap 0, nothing disciplined), its certificate
# naming 198.51.100.2 only.  ntpsecd in ntps is its NTS client ("nts ca"
# the certificate) and must synchronize to it with authenticated samples;
# told to reach 198.51.100.3 (the same ntpd, an address the certificate
# does not name) with NTS too, it must refuse the handshake and never ask
# that address for time.
#
# Downstream: ntpd in namespace ntpc is an NTS client ("server ... nts ca")
# of ntpsecd, whose NTS-protected replies come from the module's fast path.
# It must get cookies, authenticate the replies and select ntpsecd while the
# module's counters, not the daemon's, grow; its second association, given
# the wrong CA file, must fail the certificate check and never be polled.
#
# "disable ntp" everywhere: no clock is disciplined.  ntpd and ntpq come
# from Debian's ntpsec package, unpacked into .cache/ntpsec by
# scripts/setup.sh.
source "$(dirname "$0")/lib.sh"

need_ntpsec usr/sbin/ntpd usr/bin/ntpq
NTPD=$NTPSEC_DEB/usr/sbin/ntpd
NTPQ=$NTPSEC_DEB/usr/bin/ntpq

ktap_plan 11
load_module || ktap_skip_all "cannot load $NTPSEC_KMOD"
setup_pair || ktap_skip_all "cannot set up the veth pair"
d=/tmp/nts-ntpd
NTPD_UP=$UPSTREAM_NET.2
NTPD_UNNAMED=$UPSTREAM_NET.3
SERVER4_WRONG_CA=192.0.2.3
declare -A NTPD_PID
stop_ntpd() {	# NAME - as stop_daemon does for ntpsecd
	[ -n "${NTPD_PID[$1]:-}" ] || return 0
	kill "${NTPD_PID[$1]}" 2>/dev/null
	wait "${NTPD_PID[$1]}" 2>/dev/null
	NTPD_PID[$1]=
}
trap 'stop_ntpd client; stop_ntpd upstream; stop_daemon; cleanup_upstreams; cleanup_pair' EXIT
# The namespace and veth pair of the upstreams, without a chronyd.
setup_upstreams 0 || ktap_skip_all "cannot set up the upstream namespace"
ip -n ntpu addr add $NTPD_UP/24 dev veth3
ip -n ntpu addr add $NTPD_UNNAMED/24 dev veth3
ip -n ntps addr add $SERVER4_WRONG_CA/24 dev veth0

rm -rf $d
mkdir -p $d/up $d/down
make_test_cert $d/up upstream.test $NTPD_UP &&
	make_test_cert $d/down ntps.test $SERVER4 $SERVER4_WRONG_CA ||
	ktap_skip_all "openssl cannot make a certificate"

# start_ntpd NAME NETNS - NTPsec's ntpd with $d/NAME.conf, in the background.
start_ntpd() {
	ip netns exec "$2" "$NTPD" -n -c $d/$1.conf -p $d/$1.pid -l $d/$1.log \
		>$d/$1.out 2>&1 &
	NTPD_PID[$1]=$!
}
ntpq_in() {	# NETNS ARGS... - ntpq against the ntpd of that namespace
	ip netns exec "$1" timeout 60 "$NTPQ" "${@:2}" 127.0.0.1 2>/dev/null
}
ntpd_var() {	# NETNS NAME - one of that ntpd's system variables
	ntpq_in "$1" -c "rv 0 $2" | sed -n "s/.*\b$2=\([0-9]*\).*/\1/p"
}
ntpd_var_is() {	# NETNS NAME TEST-OP VALUE - e.g. ntpd_var_is ntpc x -ge 1
	local v
	v=$(ntpd_var "$1" "$2")
	[ -n "$v" ] && [ "$v" "$3" "$4" ]
}

# Orphan mode with no wait: an ntpd without sources answers as a
# synchronized stratum-5 server at once, without touching the clock.
# Its built-in default restriction is "noquery limited": ntpq may ask from
# localhost, and iburst gets no RATE kiss.
cat >$d/upstream.conf <<CONF
tos orphan 5 orphanwait 0
disable ntp
disable kernel
unrestrict default limited
restrict 127.0.0.1
nts enable
nts cert $d/up/cert.pem
nts key $d/up/key.pem
nts cookie $d/up/nts-keys
CONF
start_ntpd upstream ntpu
orphan_up() {
	ntpq_in ntpu -c "rv 0 leap,stratum" | grep -q 'leap=00.*stratum=5'
}
ktap_check "ntpd, an orphan without sources, serves as stratum 5" \
	wait_for 30 orphan_up
ip netns exec ntpu timeout 60 "$NTPQ" -c rv 127.0.0.1 2>&1 | sed 's/^/# ntpq -c rv: /'

# ntpsecd: NTS client of ntpd, NTS server (through the module) for ntpc.
cat >$d/ntpsecd.conf <<CONF
server $NTPD_UP iburst nts minpoll 3 maxpoll 4
server $NTPD_UNNAMED iburst nts minpoll 3 maxpoll 4
disable ntp
nts ca $d/up/cert.pem
nts enable
nts cert $d/down/cert.pem
nts key $d/down/key.pem
nts cookie $d/down/nts-keys
CONF
start_ntpsecd $d
ktap_check "ntpsecd synchronizes to ntpd over NTS and serves through the module" \
	wait_for 90 tracking_matches \
	"\"synchronized\":true.*\"system_peer\":\"$NTPD_UP\".*\"kernel_fast_path\":true"
sources=$(ip netns exec ntps ntpsecctl --json sources)
echo "# $sources"
ktap_check "ntpd's cookies and authenticated replies; the unnamed address never asked" python3 -c '
import json, sys
s = {x["address"]: x for x in json.loads(sys.argv[1])["sources"]}
up, unnamed = s[sys.argv[2]], s[sys.argv[3]]
assert up["nts"] is True and up["nts_cookies"] > 0, up
assert up["nts_handshakes"] == 1 and up["nts_naks"] == 0, up
assert up["reach"] > 0 and up["received"] >= 3 and up["bogus"] == 0, up
assert up["stratum"] == 5, up
assert unnamed["nts_handshakes"] == 0 and unnamed["nts_cookies"] == 0, unnamed
assert unnamed["sent"] == 0 and unnamed["received"] == 0, unnamed
' "$sources" "$NTPD_UP" "$NTPD_UNNAMED"
ntpq_in ntpu -c ntsinfo | sed 's/^/# ntpd upstream: /'
served_nts() {
	ntpd_var_is ntpu nts_ke_serves_good -ge 1 &&
		ntpd_var_is ntpu nts_server_recv_good -ge 3 &&
		ntpd_var_is ntpu nts_server_recv_bad -eq 0
}
ktap_check "ntpd served the key exchange and NTS requests, none bad" served_nts
ktap_check "the certificate not naming $NTPD_UNNAMED failed the handshake" \
	grep -q "NTS-KE $NTPD_UNNAMED: TLS handshake failed: certificate: " \
	$d/ntpsecd.log
ktap_check "no reply from ntpd failed NTS authentication" \
	bash -c "! grep -q 'fails NTS authentication' $d/ntpsecd.log"

# ntpd as the NTS client of ntpsecd.  The second association reaches the
# same server at another address it names, trusting the wrong CA.
cat >$d/client.conf <<CONF
server $SERVER4 nts ca $d/down/cert.pem iburst minpoll 3 maxpoll 4
server $SERVER4_WRONG_CA nts ca $d/up/cert.pem iburst minpoll 3 maxpoll 4
disable ntp
disable kernel
restrict 127.0.0.1
CONF
start_ntpd client ntpc
ke_done() { ntpd_var_is ntpc nts_ke_probes_good -ge 1; }
ktap_check "ntpd completes an NTS key exchange with ntpsecd" wait_for 60 ke_done
ntpd_selected() {
	ntpq_in ntpc -n -p | awk -v a="*$SERVER4" '$1 == a { ok = 1 } END { exit !ok }'
}
ktap_check "ntpd selects ntpsecd" wait_for 90 ntpd_selected
ntpq_in ntpc -n -p | sed 's/^/# ntpd client: /'
ntpq_in ntpc -c ntsinfo | sed 's/^/# ntpd client: /'
authed_replies() {
	ntpd_var_is ntpc nts_client_recv_good -ge 3 &&
		ntpd_var_is ntpc nts_client_recv_bad -eq 0
}
ktap_check "ntpd authenticated ntpsecd's NTS replies, none failed" authed_replies
daemon_ntp_ok=$(ip netns exec ntps ntpsecctl --json nts |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["ntp_ok"])')
echo "# module: nts_ok $(counter nts_ok) nts_nak $(counter nts_nak); daemon: ntp_ok $daemon_ntp_ok"
ktap_check "the NTS replies came from the module, none from the daemon" \
	test "$(counter nts_ok)" -ge 3 -a "$(counter nts_nak)" -eq 0 -a \
	"$daemon_ntp_ok" -eq 0
wrong_ca_refused() {
	ntpd_var_is ntpc nts_ke_probes_bad -ge 1 &&
		grep -q "NTSc: certificate invalid" $d/client.log &&
		! ntpq_in ntpc -n -p |
		awk -v a="$SERVER4_WRONG_CA" '{ r = $1; sub(/^[^0-9]/, "", r) }
			r == a && $7 != 0 { bad = 1 } END { exit !bad }'
}
ktap_check "under the wrong CA ntpd refuses ntpsecd's certificate, never polls it" \
	wait_for 30 wrong_ca_refused

stop_ntpd client
stop_ntpd upstream
stop_daemon
sed 's/^/# ntpsecd log: /' $d/ntpsecd.log | tail -n 15
grep 'NTS' $d/upstream.log | tail -n 6 | sed 's/^/# upstream ntpd log: /'
grep 'NTS' $d/client.log | tail -n 12 | sed 's/^/# client ntpd log: /'
ktap_finish
