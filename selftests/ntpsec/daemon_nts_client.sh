#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ntpsecd as an NTS client (RFC 8915) of chronyd: one upstream chronyd
# serves NTS (our throwaway certificate, given to ntpsecd as "nts ca"), the
# other plain NTP only.  ntpsecd must synchronize to the NTS one, with
# authentication, and never use the other, which it was told to reach with
# NTS.  (disable ntp: the VM's clock is not disciplined by this test.)
source "$(dirname "$0")/lib.sh"

ktap_plan 5
unload_module
setup_pair || ktap_skip_all "cannot set up the veth pair"
trap 'stop_daemon; cleanup_upstreams; cleanup_pair' EXIT
setup_upstreams 1 || ktap_skip_all "cannot start the upstream chronyd server"

d=/tmp/ntsc
rm -rf $d
mkdir -p $d
NTS_UP=$UPSTREAM_NET.3
PLAIN_UP=$UPSTREAM_NET.2
make_test_cert $d upstream.test $NTS_UP ||
	ktap_skip_all "openssl cannot make a certificate"
ip -n ntpu addr add $NTS_UP/24 dev veth3
cat >/tmp/chrony-up3.conf <<CONF
bindaddress $NTS_UP
port 123
cmdport 0
allow
local stratum 1
ntsservercert $d/cert.pem
ntsserverkey $d/key.pem
pidfile /tmp/chrony-up3.pid
CONF
ip netns exec ntpu chronyd -x -u root -f /tmp/chrony-up3.conf ||
	ktap_skip_all "cannot start chronyd as an NTS server"

cat >$d/ntpsecd.conf <<CONF
server $NTS_UP iburst nts minpoll 3 maxpoll 4
server $PLAIN_UP iburst nts minpoll 3 maxpoll 4
disable ntp
nts ca $d/cert.pem
CONF
export NTPSECD_SOCKET=$d/ntpsecd.sock
ip netns exec ntps ntpsecd -n -c $d/ntpsecd.conf -s $NTPSECD_SOCKET \
	-l $d/ntpsecd.log &
DPID=$!
synced_to_nts() {
	ip netns exec ntps ntpsecctl --json tracking 2>/dev/null |
		grep -q "\"synchronized\":true.*\"system_peer\":\"$NTS_UP\""
}
ktap_check "ntpsecd synchronizes to chronyd over NTS" wait_for 90 synced_to_nts
sources=$(ip netns exec ntps ntpsecctl --json sources)
echo "# $sources"
ktap_check "the NTS server was reached, the plain one never" python3 -c '
import json, sys
s = {x["address"]: x for x in json.loads(sys.argv[1])["sources"]}
nts, plain = s[sys.argv[2]], s[sys.argv[3]]
assert nts["reach"] > 0 and nts["received"] > 0, nts
assert nts["nts"] is True and nts["nts_cookies"] > 0, nts
assert nts["nts_handshakes"] == 1 and nts["nts_naks"] == 0, nts
assert plain["reach"] == 0 and plain["received"] == 0 and plain["sent"] == 0, plain
' "$sources" "$NTS_UP" "$PLAIN_UP"
ktap_check "the log says the key exchange worked" \
	grep -q "NTS-KE $NTS_UP: 8 cookies" $d/ntpsecd.log
ktap_check "... and why the other failed" \
	grep -q "NTS-KE $PLAIN_UP: .*next try" $d/ntpsecd.log
ktap_check "no reply failed NTS authentication" \
	bash -c "! grep -q 'fails NTS authentication' $d/ntpsecd.log"
stop_daemon
sed 's/^/# log: /' $d/ntpsecd.log | tail -n 20
ktap_finish
