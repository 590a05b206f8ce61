#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# NTPsec's own monitoring tools against ntpsecd: ntpq -p, -c rv, -c as,
# -c "rv &1" and ntpmon (one screen, under tmux) show the real peers, as
# ntpsecctl does; mode 6 is refused to other addresses unless a restrict
# line allows them, writes are refused, malformed requests are dropped and
# counted, no reply datagram exceeds the protocol's size, mode 7 gets
# nothing; loopstats and peerstats parse with NTPsec's ntp.statfiles.
# ntpq and ntpmon come from Debian's ntpsec package, unpacked into
# .cache/ntpsec by scripts/setup.sh.
source "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

NTPQ=${NTPSEC_TOP:-$here/../..}/.cache/ntpsec/usr/bin/ntpq
NTPMON=${NTPSEC_TOP:-$here/../..}/.cache/ntpsec/usr/bin/ntpmon
[ -x "$NTPQ" ] && [ -x "$NTPMON" ] ||
	ktap_skip_all "no ntpq/ntpmon in .cache/ntpsec (run scripts/setup.sh)"
python3 -c 'import ntp.packet, ntp.statfiles' 2>/dev/null ||
	ktap_skip_all "python3-ntp is not installed"

ktap_plan 15
load_module || ktap_skip_all "cannot load $NTPSEC_KMOD"
setup_pair || ktap_skip_all "cannot set up the veth pair"
trap 'stop_daemon; tmux kill-server 2>/dev/null; cleanup_upstreams; cleanup_pair' EXIT
setup_upstreams 3 || ktap_skip_all "cannot start the upstream chronyd servers"

STATS=/tmp/ntpstats
rm -rf $STATS
mkdir -p $STATS
write_conf() {
	cat >/tmp/ntpsecd.conf <<CONF
server $UPSTREAM_NET.2 iburst minpoll 3 maxpoll 4
server $UPSTREAM_NET.3 iburst minpoll 3 maxpoll 4
server $UPSTREAM_NET.4 iburst minpoll 3 maxpoll 4
driftfile /tmp/ntpsecd.drift
restrict default nomodify noquery
statsdir $STATS/
statistics loopstats peerstats
filegen loopstats file loopstats type day enable
filegen peerstats file peerstats type day enable
$1
CONF
}
write_conf ""
export NTPSECD_SOCKET=/tmp/ntpsecd.sock
ip netns exec ntps ntpsecd -n -c /tmp/ntpsecd.conf -s $NTPSECD_SOCKET \
	-l /tmp/ntpsecd.log &
DPID=$!
synced() {
	ip netns exec ntps ntpsecctl --json tracking 2>/dev/null |
		grep -q '"synchronized":true'
}
tracking() {
	ip netns exec ntps ntpsecctl --json tracking
}
m6counter() {	# NAME
	jget "$(tracking)" "$1"
}
m6counter_is() {	# NAME VALUE
	[ "$(m6counter "$1")" = "$2" ]
}
ntpq() {	# ARGS... - ntpq in the server's namespace
	ip netns exec ntps timeout 60 "$NTPQ" "$@" 2>&1
}

ktap_check "ntpsecd synchronizes to the chronyd servers" wait_for 60 synced
# Three samples each, so reach, jitter and the filter have something.
sleep 16

# ntpq -pn against ntpsecctl sources: the same peers, tally, reach, delay,
# offset and jitter (ms, to ntpq's rounding).  A new sample may land
# between the two reads: then read again.
peers_match() {
	local i s1 s2 out
	for i in 1 2 3 4 5; do
		s1=$(ip netns exec ntps ntpsecctl --json sources)
		out=$(ntpq -pn 127.0.0.1)
		s2=$(ip netns exec ntps ntpsecctl --json sources)
		[ "$s1" = "$s2" ] || continue
		echo "$out" | sed 's/^/# ntpq -pn: /'
		python3 - "$s1" "$out" <<'PY'
import json, sys
src = {s["address"]: s for s in json.loads(sys.argv[1])["sources"]}
rows = [l for l in sys.argv[2].splitlines()[2:] if l.strip()]
assert len(rows) == 3, rows
for row in rows:
    tally, f = row[0], row[1:].split()
    s = src[f[0]]
    assert tally == s["tally"], (row, s)
    assert int(f[2]) == 1 and f[3] == "u", row
    assert int(f[6], 8) == s["reach"], (row, s)
    for col, key in ((7, "delay"), (8, "offset"), (9, "jitter")):
        assert abs(float(f[col]) - s[key] * 1e3) <= 0.0006, (key, row, s)
PY
		return
	done
	return 1
}
ktap_check "ntpq -pn 127.0.0.1: the three upstreams as ntpsecctl sources has them" \
	peers_match
out=$(ntpq -p ::1)
echo "$out" | sed 's/^/# ntpq -p ::1: /'
ktap_check "ntpq -p ::1: three peers, one system peer" python3 -c '
import sys
rows = [l for l in sys.argv[1].splitlines()[2:] if l.strip()]
assert len(rows) == 3 and [r[0] for r in rows].count("*") == 1, rows
' "$out"

out=$(ntpq -c rv 127.0.0.1)
echo "$out" | sed 's/^/# ntpq -c rv: /'
ktap_check "ntpq -c rv: stratum 2, the system peer's refid, offset, leap" python3 - \
	"$out" "$(tracking)" <<'PY'
import json, re, sys
out, t = sys.argv[1], json.loads(sys.argv[2])
kv = dict(re.findall(r"(\w+)=([^,\s]+)", out))
assert kv["stratum"] == "2" and kv["leap"] == "00", kv
assert kv["refid"] == t["system_peer"], (kv, t)
float(kv["offset"]); float(kv["sys_jitter"])
assert "sync_ntp" in out, out
PY

out=$(ntpq -c as 127.0.0.1)
echo "$out" | sed 's/^/# ntpq -c as: /'
ktap_check "ntpq -c as: three associations, configured, reachable, one sys.peer" \
	python3 -c '
import sys
rows = [l.split() for l in sys.argv[1].splitlines()]
rows = [r for r in rows if r and r[0].isdigit()]
assert len(rows) == 3, rows
assert all(r[3] == "yes" and r[4] == "yes" for r in rows), rows
assert sum("sys.peer" in r for r in rows) == 1, rows
' "$out"

out=$(ntpq -c "rv &1" 127.0.0.1)
echo "$out" | sed 's/^/# ntpq -c "rv &1": /'
ktap_check "ntpq -c \"rv &1\": the first upstream's variables" python3 - \
	"$out" "$UPSTREAM_NET.2" <<'PY'
import re, sys
out, addr = sys.argv[1], sys.argv[2]
kv = dict(re.findall(r"(\w+)=([^,\s]+)", out))
assert kv["srcadr"] == addr and kv["srcport"] == "123", kv
assert kv["hmode"] == "3" and kv["stratum"] == "1", kv
for k in ("delay", "offset", "jitter", "dispersion", "rootdelay", "rootdisp"):
    float(kv[k])
assert int(kv["reach"], 8) > 0 and "filtdelay" in out, kv
PY

# ntpmon: one screen under tmux, numeric addresses.  tmux needs ptys.
ntpmon_screen() {
	mountpoint -q /dev/pts ||
		{ mkdir -p /dev/pts && mount -t devpts devpts /dev/pts; } || return 1
	tmux kill-server 2>/dev/null
	TERM=xterm tmux new-session -d -s mon -x 132 -y 40 \
		"ip netns exec ntps $NTPMON -n 127.0.0.1; sleep 30" || return 1
	sleep 8
	screen=$(tmux capture-pane -p -t mon)
	tmux kill-server 2>/dev/null
	echo "$screen" | sed 's/^/# ntpmon: /'
	python3 -c '
import sys
s, net = sys.argv[1], sys.argv[2]
rows = [l for l in s.splitlines() if l[1:].startswith(net)]
assert len(rows) == 3, s
assert [r[0] for r in rows].count("*") == 1, s
' "$screen" "$UPSTREAM_NET."
}
if command -v tmux >/dev/null; then
	ktap_check "ntpmon shows the three peers on its first screen" ntpmon_screen
else
	ktap_ok "ntpmon shows the three peers on its first screen # SKIP no tmux"
fi

# Not from elsewhere: the client namespace asks the server's address.
refused=$(m6counter mode6_refused)
out=$(ip netns exec ntpc timeout 60 "$NTPQ" -c "timeout 500" -c peers $SERVER4 2>&1)
echo "$out" | sed 's/^/# ntpq from 192.0.2.2: /'
ktap_check "from a non-local address ntpq gets nothing, and it is counted" \
	bash -c '! echo "$1" | grep -q "$2" && [ "$3" -gt "$4" ]' _ \
	"$out" "$UPSTREAM_NET" "$(m6counter mode6_refused)" "$refused"

# ... unless restrict allows it, as in ntpd.
write_conf "restrict $CLIENT4 nomodify"
kill -HUP $DPID
sleep 2
allowed() {
	out=$(ip netns exec ntpc timeout 60 "$NTPQ" -c "timeout 1000" -c "rv 0 stratum" $SERVER4 2>&1)
	echo "$out" | grep -q "stratum=2"
}
ktap_check "restrict CLIENT nomodify (no noquery) lets that client read" \
	wait_for 20 allowed

probe() {	# ARGS... - mode6_probe.py against 127.0.0.1 in ntps
	ip netns exec ntps python3 "$here/mode6_probe.py" 127.0.0.1 "$@"
}
writes_refused() {
	local op r
	for op in 3 5 8 9 6; do	# writevar, writeclock, configure, saveconfig, settrap
		r=$(probe --opcode $op --data "stratum=1")
		echo "# opcode $op: $r"
		python3 -c '
import json, sys
r = json.loads(sys.argv[1])["replies"]
assert len(r) == 1 and r[0]["error"] and r[0]["errcode"] == 1, r
assert r[0]["len"] == 12, r
' "$r" || return 1
	done
	out=$(ntpq -c "timeout 1000" -c ":config restrict default" 127.0.0.1 </dev/null)
	echo "$out" | sed 's/^/# ntpq :config: /'
	! echo "$out" | grep -q "Config Succeeded"
}
ktap_check "writes and configuration are refused with the permission error" \
	writes_refused

# Every reply datagram: 480 octets at most, padded, offsets contiguous.
replies_bounded() {
	local r args
	for args in "--opcode 1" "--opcode 2" "--opcode 2 --assoc 1" \
		"--opcode 2 --assoc 3" "--opcode 1 --assoc 2" "--opcode 12" \
		"--opcode 2 --data version,processor,system,leap,stratum,precision,rootdelay,rootdisp,refid,reftime,clock,peer,tc,mintc,offset,frequency,sys_jitter,clk_jitter,clk_wander"; do
		r=$(probe $args)
		python3 -c '
import json, sys
j = json.loads(sys.argv[1])
r = j["replies"]
assert r and all(x["len"] <= 480 and x["len"] % 4 == 0 and x["response"]
                 and not x["error"] for x in r), r
off = 0
for x in sorted(r, key=lambda x: x["offset"]):
    assert x["offset"] == off and x["count"] <= 468, r
    off += x["count"]
assert r[-1]["more"] is False or len(r) > 1, r
print("# %s: %d datagram(s), %d octets of data" % (sys.argv[2], len(r), off))
' "$r" "$args" || return 1
	done
}
ktap_check "no reply datagram exceeds 12 + 468 octets; fragments are contiguous" \
	replies_bounded

# Malformed and oversized requests: dropped (no reply at all) and counted.
malformed_dropped() {
	local before after raw r
	before=$(m6counter mode6_dropped)
	for raw in \
		"1602000100000000000000" \
		"16020001000000000000000a" \
		"160200010000000000040000" \
		"1682000100000000000000000000" \
		"16220001000000000000000000" \
		"0602000100000000000000000000" \
		"16020001000000000000ffff$(printf '61%.0s' $(seq 600))"; do
		r=$(probe --raw "$raw" --timeout 0.5)
		echo "# ${raw:0:28}: $r"
		jget "$r" replies | grep -q '^\[\]$' || return 1
	done
	# The last datagram may still be on its way to the daemon on a slow host.
	wait_for 10 m6counter_is mode6_dropped $((before + 7))
	echo "# mode6_dropped $before -> $(m6counter mode6_dropped)"
	[ "$(m6counter mode6_dropped)" -eq $((before + 7)) ]
}
ktap_check "malformed and oversized mode 6 requests: no reply, counted" \
	malformed_dropped
unknown_var() {
	local r
	r=$(probe --opcode 2 --data "no_such_variable")
	python3 -c '
import json, sys
r = json.loads(sys.argv[1])["replies"]
assert len(r) == 1 and r[0]["error"] and r[0]["errcode"] == 5, r
' "$r" && r=$(probe --opcode 2 --assoc 99) && python3 -c '
import json, sys
r = json.loads(sys.argv[1])["replies"]
assert len(r) == 1 and r[0]["error"] and r[0]["errcode"] == 4, r
' "$r"
}
ktap_check "unknown variable and association: the protocol's error codes" unknown_var
ktap_check "mode 7 gets nothing" bash -c '
	r=$(ip netns exec ntps python3 "$1" 127.0.0.1 --raw 17000301000000000000000000000000 --timeout 1)
	echo "# $r"
	echo "$r" | grep -q "\"replies\": \[\]"' _ "$here/mode6_probe.py"
echo "# $(tracking)"

# A loopstats line is written per clock update, one per new best sample of
# the system peer: on a steady path that can be several polls apart.
loop_lines() { [ "$(cat $STATS/loopstats.* 2>/dev/null | wc -l)" -ge 2 ]; }
wait_for 60 loop_lines
stop_daemon
ls -l $STATS | sed 's/^/# /'
ktap_check "statistics: daily files, a link to each, parsed by ntp.statfiles" \
	python3 - $STATS "$UPSTREAM_NET" <<'PY'
import os, sys, time
import ntp.statfiles
d, net = sys.argv[1], sys.argv[2]
day = time.strftime("%Y%m%d", time.gmtime())
for stem in ("loopstats", "peerstats"):
    assert os.readlink(os.path.join(d, stem)) == stem + "." + day, stem
s = ntp.statfiles.NTPStats(d, sitename="vm")
assert len(s.loopstats) >= 2, s.loopstats
row = s.loopstats[-1]
assert len(row) == 7, row
float(row[2]); float(row[3]); float(row[4]); int(row[6])
peers = s.peersplit()
assert sorted(peers) == [net + ".%d" % i for i in (2, 3, 4)], peers
for rows in peers.values():
    r = rows[-1]
    assert len(r) == 8 and int(r[3], 16) & 0x8000, r
    assert 0 <= float(r[5]) < 1 and float(r[6]) >= 0, r
print("# %d loopstats, %d peerstats lines" % (len(s.loopstats), len(s.peerstats)))
PY
sed 's/^/# log: /' /tmp/ntpsecd.log | tail -n 20
ktap_finish
