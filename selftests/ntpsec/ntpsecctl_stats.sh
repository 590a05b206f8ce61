#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ntpsecctl stats against the real module after real traffic: the counters
# for people, as JSON and in the Prometheus text format, which a real
# parser (python3-prometheus-client's, as node_exporter's textfile collector
# would read it) must accept with the same figures.
source "$(dirname "$0")/lib.sh"

ktap_plan 8
load_module || ktap_skip_all "cannot load $NTPSEC_KMOD"
setup_pair || ktap_skip_all "cannot set up the veth pair"
trap 'stop_testserver; cleanup_pair' EXIT

start_testserver /tmp/passed_up -s $SERVER4
ktap_check "test server attached its socket" test $? -eq 0
out=$(probe --count 40 --rate 200 $SERVER4)
echo "# probe: $out"
ktap_check "40 requests answered" test "$(jget "$out" matched)" -eq 40

human=$(ip netns exec ntps ntpsecctl stats)
echo "$human" | sed 's/^/# /'
ktap_check "stats shows the counters and the histogram" bash -c '
grep -q "^answered  *40$" <<<"$1" &&
grep -q "^processing time (receive stamp to transmit stamp):" <<<"$1" &&
grep -q "|#" <<<"$1"' _ "$human"

json=$(ip netns exec ntps ntpsecctl --json stats)
prom=$(ip netns exec ntps ntpsecctl stats --prometheus)
echo "$prom" | grep -v '^#' | grep -v '_bucket' | sed 's/^/# /'
ktap_check "--json stats: histogram total and sum agree with answered" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
c = d["counters"]
assert c["rx"] == c["answered"] == 40, c
assert sum(d["latency_log2_ns"]) == 40, d
assert d["latency_sum_ns"] > 0, d
' "$json"

ktap_check "--prometheus parses and carries the same figures" /usr/bin/python3 -c '
import json, sys
from prometheus_client.parser import text_string_to_metric_families
d = json.loads(sys.argv[1])
fam = {f.name: f for f in text_string_to_metric_families(sys.argv[2])}
def one(name, **labels):
    for f in fam.values():
        for s in f.samples:
            if s.name == name and s.labels == labels:
                return s.value
    raise AssertionError("no sample %s %s" % (name, labels))
c = d["counters"]
assert one("ntpsec_received_total") == c["rx"], "rx"
assert one("ntpsec_answered_total") == c["answered"], "answered"
assert one("ntpsec_passed_up_total") == c["passed_up"], "passed_up"
assert one("ntpsec_dropped_total", reason="acl") == c["drop_acl"], "drop_acl"
assert one("ntpsec_mac_total", result="ok") == c["mac_ok"], "mac_ok"
assert fam["ntpsec_processing_seconds"].type == "histogram"
assert one("ntpsec_processing_seconds_count") == c["answered"], "count"
assert abs(one("ntpsec_processing_seconds_sum") - d["latency_sum_ns"] * 1e-9) < 1e-9
# Buckets: cumulative, ending at +Inf with the count.
b = [s for s in fam["ntpsec_processing_seconds"].samples
     if s.name.endswith("_bucket")]
v = [s.value for s in b]
assert v == sorted(v) and b[-1].labels["le"] == "+Inf" and v[-1] == 40, v
# Every counter of the JSON output appears exactly once.
n = sum(len([s for s in f.samples]) for f in fam.values()
        if f.type == "counter")
assert n == len(c), (n, len(c))
' "$json" "$prom"

ntpsecctl stats --prometheus --json >/dev/null 2>&1
ktap_check "--prometheus with --json is a usage error (exit 2)" test $? -eq 2
ntpsecctl stats --bogus >/dev/null 2>&1
ktap_check "an unknown stats option is a usage error (exit 2)" test $? -eq 2
stop_testserver
cleanup_pair
ktap_check "unload" rmmod ntpsec
ktap_finish
