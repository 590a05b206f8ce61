#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A flood from spoofed sources, 65,536 IPv4 addresses and 65,536 IPv6 /64s
# at once, as fast as the VM sends, for a bounded time, with the rate
# limiter's table far smaller than the crowd:
# the kernel's unreclaimable slab stays flat (no state per source beyond
# the table allocated when the limit was set), a heavy source inside the
# crowd is still held to its limit, and a legitimate client polling within
# the limit keeps at least 99% of its answers.
source "$(dirname "$0")/lib.sh"

# The clients measure for SECONDS_FLOOD; each spoofer sends every one of
# its sources once, or stops at SPOOF_MAX seconds (a loaded host's VM is
# slower), so the crowd outlasts the clients and reaches 65,536 sources.
SECONDS_FLOOD=${FLOOD_SECONDS:-20}
SPOOF_MAX=90
SOURCES=65536
TABLE=4096
LEGIT=192.0.2.130
HEAVY=192.0.2.131

ktap_plan 7
load_module || ktap_skip_all "cannot load $NTPSEC_KMOD"
setup_pair || ktap_skip_all "cannot set up the veth pair"
# The crowd arrives as fast as the VM sends: a slow host's veth backlog
# (1000 by default) would overflow and drop the polite client's requests
# before the module sees them, which says nothing about the module.
old_backlog=$(sysctl -n net.core.netdev_max_backlog)
sysctl -qw net.core.netdev_max_backlog=16384
trap 'kill $spoof $spoof6 $heavy 2>/dev/null; stop_testserver; cleanup_pair
	sysctl -qw net.core.netdev_max_backlog=$old_backlog' EXIT
start_testserver /tmp/passed_up -s $SERVER4 "[$SERVER6]:123" ||
	ktap_skip_all "test server did not start"
ip -n ntpc addr add $LEGIT/24 dev veth1
ip -n ntpc addr add $HEAVY/24 dev veth1
# Replies to the spoofed sources are routed back over the link (and
# dropped by the client namespace, which does not forward).
ip -n ntps route add 198.18.0.0/15 via $CLIENT4
ip -n ntps -6 route add 2001:db8:8000::/48 via $CLIENT6
ip netns exec ntps ntpsecctl ratelimit set interval -3 burst 8 leak 0 \
	table $TABLE kod off >/dev/null
rl=$(ip netns exec ntps ntpsecctl --json ratelimit)
echo "# rate limit: $rl; the table: $TABLE entries of 32 octets"

unreclaimable() { awk '/^SUnreclaim:/ { print $2 }' /proc/meminfo; }
# Datagrams the VM's receive backlog dropped before any module saw them
# (softnet_stat's second column, hex, one line per CPU).
backlog_drops() {
	local processed dropped rest n=0
	while read -r processed dropped rest; do
		n=$((n + 16#$dropped))
	done </proc/net/softnet_stat
	echo $n
}
sync
echo 3 >/proc/sys/vm/drop_caches
slab0=$(unreclaimable)
drops0=$(backlog_drops)
grep -E '^(Slab|SUnreclaim|VmallocUsed|Percpu):' /proc/meminfo | sed 's/^/# before: /'

ip netns exec ntpc ntpsec_mangle -m spoof -d $SPOOF_MAX -n $SOURCES \
	-P 198.18.0.1 -N $SOURCES $SERVER4 >/tmp/spoof.json &
spoof=$!
ip netns exec ntpc ntpsec_mangle -m spoof -d $SPOOF_MAX -n $SOURCES \
	-P 2001:db8:8000::1 -N $SOURCES "[$SERVER6]:123" >/tmp/spoof6.json &
spoof6=$!
ip netns exec ntpc ntpsec_mangle -m legit -b $HEAVY -r 400 \
	-n $((SECONDS_FLOOD * 400)) -w 1 $SERVER4 >/tmp/heavy.json &
heavy=$!
legit=$(ip netns exec ntpc ntpsec_mangle -m legit -b $LEGIT -r 5 \
	-n $((SECONDS_FLOOD * 5)) -w 2 $SERVER4)
wait $spoof $spoof6 $heavy
spoof=
spoof6=
heavy=
echo "# spoofed IPv4: $(cat /tmp/spoof.json)"
echo "# spoofed IPv6: $(cat /tmp/spoof6.json)"
echo "# heavy source: $(cat /tmp/heavy.json)"
echo "# legitimate client: $legit"

sync
echo 3 >/proc/sys/vm/drop_caches
slab1=$(unreclaimable)
echo "# receive backlog drops during the flood: $(($(backlog_drops) - drops0))"
grep -E '^(Slab|SUnreclaim|VmallocUsed|Percpu):' /proc/meminfo | sed 's/^/# after: /'
stats=$(ip netns exec ntps ntpsecctl --json stats)
echo "# module: $stats"

ktap_check "the spoofed flood came from at least 65,536 distinct sources" python3 -c '
import json, sys
n = 0
for f in ("/tmp/spoof.json", "/tmp/spoof6.json"):
    d = json.load(open(f))
    assert d["send_errors"] == 0, d
    print("# %s: %d requests in %.1f s (%.0f/s), %d distinct sources" % (
        f[5:-5], d["sent"], d["elapsed"], d["rate"], min(d["sent"], d["sources"])))
    n += min(d["sent"], d["sources"])
assert n >= 65536, n
'
ktap_check "the module saw the flood" python3 -c '
import json, sys
s = sum(json.load(open(f))["sent"] for f in ("/tmp/spoof.json", "/tmp/spoof6.json"))
c = json.loads(sys.argv[1])["counters"]
assert c["rx"] >= s, (c["rx"], s)
' "$stats"
ktap_check "unreclaimable slab grew by less than 1 MiB (${slab0} kB -> ${slab1} kB)" \
	test $((slab1 - slab0)) -lt 1024
ktap_check "the heavy source in the crowd is held to 8/s plus the burst, within 10%" python3 -c '
import json, sys
d = json.load(open("/tmp/heavy.json"))
expected = d["elapsed"] * 8 + 8
print("# heavy: %d answered of %d sent, expected %.0f" % (d["replies"], d["sent"], expected))
assert abs(d["replies"] - expected) <= 0.1 * expected, (d, expected)
'
ktap_check "the legitimate client kept >= 99% of its answers" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
print("# legitimate: %d of %d answered (%.2f%%)" % (d["replies"], d["sent"], 100 * d["success"]))
assert d["sent"] > 0 and d["success"] >= 0.99, d
' "$legit"
ktap_check "every datagram counted once: rx = answered + passed_up + drops" python3 -c '
import json, sys
c = json.loads(sys.argv[1])["counters"]
drops = sum(v for k, v in c.items() if k.startswith("drop_"))
print("# rx %d, answered %d, drop_ratelimit %d, drop_tx_error %d" % (c["rx"], c["answered"], c["drop_ratelimit"], c["drop_tx_error"]))
assert c["rx"] == c["answered"] + c["passed_up"] + drops, c
' "$stats"
ktap_check "the rate limit reads back as set" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["table_size"] == int(sys.argv[2]) and d["enabled"], d
' "$(ip netns exec ntps ntpsecctl --json ratelimit)" $TABLE
ktap_finish
