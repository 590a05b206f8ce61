#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# bench-guest.sh - the benchmark, inside the test VM (bench/run.sh boots it).
# Serves the same NTP client load, in turn, from the kernel fast path
# (ntpsec.ko with ntpsec_testserver attached), ntpsecd's own userspace
# server (the fallback without the module), chronyd and NTPsec's ntpd,
# then NTS-protected requests (RFC 8915) to the kernel path, ntpsecd alone
# and chronyd, each with the cookie of one real NTS-KE handshake,
# over the selftests' veth pair (ntpc -> ntps), and measures each one's CPU
# time per answered request, its highest rate with loss under 1% and its
# processing time (transmit minus receive timestamp in its replies); then
# the same load sent to a closed port, the cost of delivery alone.
#
# Topology: every server process on CPU 0; the server veth's receive
# processing steered to CPU 0 with RPS (veth otherwise runs it in the
# sender's softirq, on the generator's CPU); the load generator, its veth's
# receive processing and every device interrupt on CPU 1.  Server CPU is
# CPU 0's busy time from /proc/stat (wall time minus idle, softirq
# included), minus the same server's idle baseline, per answered request.
#
# The guest runner gives each script a few minutes, so this one is named
# once per server on the runner's command line: each invocation measures
# the next server not yet done (state in /tmp/ntpsec-bench, which lives as
# long as the VM), and the last one prints the table.
set -u

top=${NTPSEC_TOP:?run me inside the VM, via bench/run.sh}
source "$top/selftests/ntpsec/lib.sh"

state=/tmp/ntpsec-bench
# bench/run.sh leaves the parameters and the generator's path here.
[ ! -r "${NTPSEC_BUILD:-}/bench.env" ] || source "$NTPSEC_BUILD/bench.env"
LOADGEN=${BENCH_LOADGEN:-$top/.build/bench/ntpsec_loadgen}
NTSKE_FETCH=${BENCH_NTSKE_FETCH:-$(dirname "$LOADGEN")/ntske_fetch}
RATE=${BENCH_RATE:-2000}		# the common load, requests/s
DURATION=${BENCH_DURATION:-30}		# seconds at the common load
IDLE=${BENCH_IDLE:-10}			# seconds of idle baseline
STEP=${BENCH_STEP:-3}			# seconds per search step
SEARCH_FROM=${BENCH_SEARCH_FROM:-2000}
SOCKETS=${BENCH_SOCKETS:-16}
SERVERS=${BENCH_SERVERS:-bare kernel ntpsecd chronyd ntpd floor kernel-nts ntpsecd-nts chronyd-nts kernel-xleave chronyd-xleave kernel-c1 kernel-c1k kernel-c64k chronyd-c1 chronyd-c1k chronyd-c64k}
NTPD=${BENCH_NTPD:-$top/.cache/ntpsec/usr/sbin/ntpd}
SERVER_CPU=0
LOAD_CPU=1
HZ=$(getconf CLK_TCK)

SERVER_PID=
TARGET=
FIXED_ARGS=
LOAD_ARGS=	# every loadgen run of the server under test (NTS: -N FILE)

log() {
	echo "# $*"
}

# Steering ------------------------------------------------------------------

# RPS on both veth ends: requests are processed on the server's CPU,
# replies on the generator's; every device interrupt goes to the generator.
# Receive timestamps are taken when the server's CPU processes the packet,
# as a NIC driver stamps on the CPU taking its interrupt; by default veth
# would stamp on the generator's CPU before RPS hands the packet over, and
# every server's processing time would include the cross-CPU wakeup.
steer() {
	local f
	sysctl -qw net.core.netdev_tstamp_prequeue=0 || return 1
	ip netns exec ntps sh -c "echo $((1 << SERVER_CPU)) >/sys/class/net/veth0/queues/rx-0/rps_cpus" || return 1
	ip netns exec ntpc sh -c "echo $((1 << LOAD_CPU)) >/sys/class/net/veth1/queues/rx-0/rps_cpus" || return 1
	for f in /proc/irq/*/smp_affinity_list; do
		echo $LOAD_CPU >"$f" 2>/dev/null
	done
	return 0
}

# Per CPU, as JSON: [[packets processed, dropped], ...] from softnet_stat
# (hex, one line per CPU), then the NET_RX softirq counts.
steering_sample() {
	local processed dropped rest sep=
	printf '{"softnet":['
	while read -r processed dropped rest; do
		printf '%s[%d,%d]' "$sep" $((16#$processed)) $((16#$dropped))
		sep=,
	done </proc/net/softnet_stat
	printf '],"net_rx":[%s]}' "$(awk '$1 == "NET_RX:" { $1 = ""; print }' /proc/softirqs |
		sed 's/^ *//; s/ \+/,/g')"
}

# Servers ---------------------------------------------------------------------

# The floor: the same load sent to a port nobody listens on.  The kernel
# delivers each request to CPU 0 and drops it after the socket lookup
# (port-unreachable errors are rate-limited to a few a second): what every
# server pays before its own work starts, on this platform.
start_floor() {
	TARGET=$SERVER4:124
	FIXED_ARGS="-T 100"	# nothing will come back: a short drain
}

stop_floor() {
	TARGET=
	FIXED_ARGS=
}

# The yardstick: bench/bare's module, the least an in-kernel responder
# does (socket adoption, a reply skb routed back and sent), so the table
# shows what ntpsec.ko's features cost beyond that mechanism.
BARE_KMOD=${NTPSEC_BUILD:-}/${NTPSEC_KVER:-}/bench/bare/ntpsec_bare.ko

start_bare() {
	unload_module
	modprobe udp_tunnel && insmod "$BARE_KMOD" ||
		{ echo "SKIP: cannot load $BARE_KMOD"; return 1; }
	ip netns exec ntps sh -c 'echo 1 >/sys/module/ntpsec_bare/parameters/attach' ||
		{ rmmod ntpsec_bare; echo "SKIP: ntpsec_bare did not attach"; return 1; }
	SERVER_PID=
}

stop_bare() {
	rmmod ntpsec_bare
}

start_kernel() {
	local fifo=$state/ready.fifo line

	load_module || { echo "SKIP: cannot load $NTPSEC_KMOD"; return 1; }
	rm -f "$fifo"
	mkfifo "$fifo"
	taskset -c $SERVER_CPU ip netns exec ntps ntpsec_testserver -s \
		-o "$state/passed_up" $SERVER4 >"$fifo" &
	SERVER_PID=$!
	read -r -t 30 line <"$fifo"
	rm -f "$fifo"
	[ "$line" = ready ] || { echo "SKIP: ntpsec_testserver did not attach"; return 1; }
}

stop_kernel() {
	log "module counters: rx $(counter rx) answered $(counter answered) passed_up $(counter passed_up)"
	stop_server
	unload_module
}

# ntpsecd without the module: its userspace server, the fallback.  With no
# sources it answers as unsynchronized through the same code as when
# synchronized; "disable ntp" keeps it off the clock; no limits configured.
start_ntpsecd() {
	command -v ntpsecd >/dev/null || { echo "SKIP: no ntpsecd"; return 1; }
	unload_module
	cat >"$state/ntpsecd.conf" <<-EOF
	disable ntp
	kernel off
	EOF
	taskset -c $SERVER_CPU ip netns exec ntps ntpsecd -n \
		-c "$state/ntpsecd.conf" -s "$state/ntpsecd.sock" \
		-l "$state/ntpsecd.log" >"$state/ntpsecd.out" 2>&1 &
	SERVER_PID=$!
}

stop_ntpsecd() {
	stop_server
}

# NTS: a throwaway certificate, then one NTS-KE handshake from the client's
# namespace with the server just started; its keys and first cookie make
# every request of the load (servers do not track cookie reuse).
nts_cert() {
	[ -s "$state/nts-cert.pem" ] && return 0
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-days 2 -subj /CN=ntps.test \
		-addext "subjectAltName=DNS:ntps.test,IP:$SERVER4" \
		-keyout "$state/nts-key.pem" -out "$state/nts-cert.pem" >/dev/null 2>&1
}

nts_handshake() {
	local i

	for i in $(seq 20); do
		ip netns exec ntpc "$NTSKE_FETCH" -a "$state/nts-cert.pem" \
			-n ntps.test $SERVER4 >"$state/nts-session" 2>/dev/null &&
			LOAD_ARGS="-N $state/nts-session" && return 0
		sleep 1
	done
	echo "SKIP: no NTS-KE handshake with the server"
	return 1
}

start_ntpsecd_nts() {	# KERNEL (on or off)
	command -v ntpsecd >/dev/null || { echo "SKIP: no ntpsecd"; return 1; }
	nts_cert || { echo "SKIP: openssl cannot make a certificate"; return 1; }
	if [ "$1" = on ]; then
		load_module || { echo "SKIP: cannot load $NTPSEC_KMOD"; return 1; }
	else
		unload_module
	fi
	cat >"$state/ntpsecd.conf" <<-EOF
	disable ntp
	kernel $1
	nts enable
	nts cert $state/nts-cert.pem
	nts key $state/nts-key.pem
	nts cookie $state/nts-cookie-keys
	EOF
	rm -f "$state/nts-cookie-keys"
	taskset -c $SERVER_CPU ip netns exec ntps ntpsecd -n \
		-c "$state/ntpsecd.conf" -s "$state/ntpsecd.sock" \
		-l "$state/ntpsecd.log" >"$state/ntpsecd.out" 2>&1 &
	SERVER_PID=$!
	nts_handshake
}

start_kernel-nts() {
	start_ntpsecd_nts on
}

stop_kernel-nts() {
	log "module counters: rx $(counter rx) nts_ok $(counter nts_ok) nts_nak $(counter nts_nak) passed_up $(counter passed_up)"
	stop_server
	LOAD_ARGS=
	unload_module
}

start_ntpsecd-nts() {
	start_ntpsecd_nts off
}

stop_ntpsecd-nts() {
	stop_server
	LOAD_ARGS=
}

start_chronyd-nts() {
	command -v chronyd >/dev/null || { echo "SKIP: no chronyd"; return 1; }
	nts_cert || { echo "SKIP: openssl cannot make a certificate"; return 1; }
	# chronyd reads its key after dropping root for its own user, as it
	# would on a real server: its copy belongs to that user.
	install -m 0600 -o _chrony "$state/nts-key.pem" "$state/chrony-nts-key.pem" ||
		{ echo "SKIP: no _chrony user to own chronyd's key"; return 1; }
	cat >"$state/chrony-nts.conf" <<-EOF
	port 123
	bindaddress $SERVER4
	allow all
	local stratum 1
	cmdport 0
	bindcmdaddress /
	ntsservercert $state/nts-cert.pem
	ntsserverkey $state/chrony-nts-key.pem
	ntsprocesses 0
	pidfile $state/chronyd.pid
	EOF
	taskset -c $SERVER_CPU ip netns exec ntps \
		chronyd -x -d -f "$state/chrony-nts.conf" >"$state/chronyd-nts.log" 2>&1 &
	SERVER_PID=$!
	nts_handshake
}

stop_chronyd-nts() {
	stop_server
	LOAD_ARGS=
}

# chronyd serving from its local reference, never touching the clock (-x).
start_chronyd() {
	command -v chronyd >/dev/null || { echo "SKIP: no chronyd"; return 1; }
	cat >"$state/chrony.conf" <<-EOF
	port 123
	bindaddress $SERVER4
	allow all
	local stratum 1
	cmdport 0
	bindcmdaddress /
	pidfile $state/chronyd.pid
	EOF
	taskset -c $SERVER_CPU ip netns exec ntps \
		chronyd -x -d -f "$state/chrony.conf" >"$state/chronyd.log" 2>&1 &
	SERVER_PID=$!
}

stop_chronyd() {
	stop_server
}

# NTPsec's ntpd with no sources: it answers clients as unsynchronized
# (leap 3), through the same code as when synchronized, and with time
# discipline disabled and nothing to follow it never adjusts the clock.
# Its built-in default restriction rate-limits every client ("limited"),
# which would drop most of the load: lifted, as chronyd has no limit.
start_ntpd() {
	[ -x "$NTPD" ] || { echo "SKIP: no $NTPD (run scripts/setup.sh)"; return 1; }
	cat >"$state/ntp.conf" <<-EOF
	disable ntp
	disable kernel
	interface ignore wildcard
	interface listen $SERVER4
	unrestrict default limited
	EOF
	taskset -c $SERVER_CPU ip netns exec ntps "$NTPD" -n -c "$state/ntp.conf" \
		-p "$state/ntpd.pid" -l "$state/ntpd.log" >"$state/ntpd.out" 2>&1 &
	SERVER_PID=$!
}

stop_ntpd() {
	stop_server
}

# Interleaved mode (RFC 9769): the same load, each request naming an
# earlier reply's receive timestamp (ntpsec_loadgen -X), so the server
# answers with that reply's actual transmit time.  chronyd serves
# interleaved mode to such requests by itself; the module with the driver's
# transmit stamps (the veth's software stamp).
start_kernel-xleave() {
	start_kernel || return 1
	LOAD_ARGS=-X
}

stop_kernel-xleave() {
	log "kernel-xleave: module counters: answered $(counter answered) interleaved $(counter xleave) basic fallback $(counter xleave_basic) driver stamps $(counter txts_driver) none $(counter txts_none)"
	LOAD_ARGS=
	stop_kernel
}

start_chronyd-xleave() {
	start_chronyd || return 1
	LOAD_ARGS=-X
}

stop_chronyd-xleave() {
	LOAD_ARGS=
	stop_chronyd
}

# The scaling view: SERVER-cN is SERVER with the load spread over N client
# addresses (1, 1k = 1000, 64k = 65536), every request from the next one,
# so the server keeps per-client state for all of them.  The client's
# namespace owns the whole range (a local route), the server's routes it
# back.  The module keeps its client log (the rate limiter's table, 65,536
# entries, as ntpsecd keeps it) without limiting, so every request is
# answered and each one looks its client up; chronyd keeps its own client
# log, at its default size.
CLIENT_RANGE=198.18.0.0/15
CLIENT_FIRST=198.18.0.1

clients_of() {	# NAME - the N of SERVER-cN
	case ${1##*-c} in
	1) echo 1 ;;
	1k) echo 1000 ;;
	64k) echo 65536 ;;
	*) return 1 ;;
	esac
}

start_clients() {	# NAME
	local n server=${1%-c*}

	n=$(clients_of "$1") || { echo "SKIP: no client count in $1"; return 1; }
	ip -n ntpc route add local $CLIENT_RANGE dev lo &&
		ip -n ntps route add $CLIENT_RANGE via $CLIENT4 ||
		{ echo "SKIP: cannot route the client addresses"; return 1; }
	"start_$server" || return 1
	if [ "$server" = kernel ]; then
		ip netns exec ntps ntpsecctl ratelimit set table 65536 log on >/dev/null &&
			ip netns exec ntps ntpsecctl ratelimit off >/dev/null ||
			{ echo "SKIP: cannot turn the client log on"; return 1; }
	fi
	LOAD_ARGS="-a $CLIENT_FIRST/$n"
}

stop_clients() {	# NAME
	local server=${1%-c*}

	if [ "$server" = kernel ]; then
		log "$1: clients in the module's log: $(ip netns exec ntps ntpsecctl --json clients 1000 |
			python3 -c 'import json, sys; print(json.load(sys.stdin)["sources"])' 2>&1)"
		log "$1: module counters: rx $(counter rx) answered $(counter answered) drop_ratelimit $(counter drop_ratelimit)"
	fi
	LOAD_ARGS=
	"stop_$server"
}

stop_server() {
	[ -n "$SERVER_PID" ] || return 0
	kill "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=
}

# Measurements ----------------------------------------------------------------

loadgen() {
	# shellcheck disable=SC2086
	taskset -c $LOAD_CPU ip netns exec ntpc "$LOADGEN" -q -j -c "$SOCKETS" $LOAD_ARGS "$@" \
		"${TARGET:-$SERVER4}"
}

# Until the server answers (up to 20 s): a short, slow probe.
wait_answering() {
	local _

	for _ in $(seq 20); do
		[ -z "$SERVER_PID" ] || kill -0 "$SERVER_PID" 2>/dev/null || return 1
		loadgen -r 50 -d 0.5 -T 200 | grep -q '"received":[1-9]' && return 0
		sleep 1
	done
	return 1
}

# CPU 0's busy fraction with the server up and no load.
idle_baseline() {
	python3 - "$IDLE" "$SERVER_CPU" "$HZ" <<'PY'
import sys, time
secs, cpu, hz = float(sys.argv[1]), sys.argv[2], int(sys.argv[3])
def idle():
    for line in open("/proc/stat"):
        f = line.split()
        if f[0] == "cpu" + cpu:
            return (int(f[4]) + int(f[5])) / hz
t0, i0 = time.monotonic(), idle()
time.sleep(secs)
t1, i1 = time.monotonic(), idle()
print('{"wall_s":%.3f,"busy_frac":%.5f}' % (t1 - t0, max(0.0, 1 - (i1 - i0) / (t1 - t0))))
PY
}

measure() {	# NAME
	local name=$1 out=$state/$1 before

	setup_pair || { echo "SKIP: cannot set up the veth pair"; return 1; }
	steer || { echo "SKIP: cannot set RPS on the veth pair"; return 1; }
	local start=start_$name stop=stop_$name
	case $name in
	*-c*) start="start_clients $name" stop="stop_clients $name" ;;
	esac
	$start >"$out.skip" || return 1
	if [ "$name" != floor ] && ! wait_answering; then
		echo "SKIP: $name does not answer" >"$out.skip"
		tail -n 5 "$state/$name.log" "$state/$name.out" 2>/dev/null | sed 's/^/# /'
		$stop
		return 1
	fi
	rm -f "$out.skip"

	log "$name: idle baseline, ${IDLE}s"
	idle_baseline >"$out.idle.json"
	log "$name: $RATE requests/s for ${DURATION}s"
	before=$(steering_sample)
	loadgen -r "$RATE" -d "$DURATION" -C $SERVER_CPU $FIXED_ARGS >"$out.fixed.json"
	echo "{\"before\":$before,\"after\":$(steering_sample)}" >"$out.steer.json"
	if [ "$name" != floor ]; then
		log "$name: searching the highest rate with loss under 1%"
		loadgen -s -r "$SEARCH_FROM" -d "$STEP" -C $SERVER_CPU >"$out.search.json"
	fi
	$stop
	cleanup_pair
}

# The table ---------------------------------------------------------------------

report() {
	python3 - "$state" "$RATE" "$SOCKETS" $SERVERS <<'PY'
import json, os, re, sys

state, rate, sockets = sys.argv[1], float(sys.argv[2]), sys.argv[3]
servers = sys.argv[4:]
scaling = [s for s in servers if re.search(r"-c(1|1k|64k)$", s)]
servers = [s for s in servers if s not in scaling]
label = {"kernel": "ntpsec.ko fast path", "ntpsecd": "ntpsecd (userspace)",
         "chronyd": "chronyd", "kernel-nts": "NTS: ntpsec.ko fast path",
         "ntpsecd-nts": "NTS: ntpsecd (userspace)", "chronyd-nts": "NTS: chronyd",
         "ntpd": "NTPsec ntpd", "floor": "no server (closed port)",
         "kernel-xleave": "interleaved: ntpsec.ko fast path",
         "chronyd-xleave": "interleaved: chronyd",
         "bare": "bare in-kernel responder (yardstick)"}

def load(name, part):
    try:
        with open(os.path.join(state, "%s.%s.json" % (name, part))) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None

def skipped(name):
    try:
        why = open(os.path.join(state, name + ".skip")).read().strip()
    except OSError:
        why = ""
    return why.replace("SKIP: ", "") or "no results (timed out?)"

rows, notes = {}, []
for s in servers + scaling:
    idle, fixed, search = load(s, "idle"), load(s, "fixed"), load(s, "search")
    if not (idle and fixed and (search or s == "floor")):
        rows[s] = {"skip": skipped(s)}
        continue
    cpu = fixed["server_cpu"]
    base = idle["busy_frac"] * cpu["wall_s"]
    n = fixed["sent"] if s == "floor" else fixed["received"]
    r = rows[s] = {
        "cpu_us": (cpu["busy_s"] - base) * 1e6 / n if n else float("nan"),
        "busy_pct": 100 * cpu["busy_s"] / cpu["wall_s"],
        "idle_pct": 100 * idle["busy_frac"], "loss": fixed["loss_pct"],
        "kept_up": fixed["generator_kept_up"],
    }
    if search:
        r.update(max_rate=search["search"]["max_rate"],
                 limit=search["search"]["limit"],
                 p50=fixed["proc_ns"]["median"] / 1e3,
                 p99=fixed["proc_ns"]["p99"] / 1e3,
                 p999=fixed["proc_ns"]["p999"] / 1e3,
                 rtt99=fixed["rtt_ns"]["p99"] / 1e3)
    st = load(s, "steer")
    if st:
        b, a = st["before"], st["after"]
        proc = [y[0] - x[0] for x, y in zip(b["softnet"], a["softnet"])]
        drop = [y[1] - x[1] for x, y in zip(b["softnet"], a["softnet"])]
        rx = [y - x for x, y in zip(b["net_rx"], a["net_rx"])]
        notes.append("%s: %d requests sent; packets processed per CPU %s "
                     "(backlog drops %s); NET_RX softirqs per CPU %s; CPU 0 "
                     "%.1f%% busy under load, %.1f%% idle baseline%s"
                     % (s, fixed["sent"], proc, drop, rx, r["busy_pct"],
                        r["idle_pct"],
                        "; %d of %d replies interleaved (processing time "
                        "from the basic ones only)" % (fixed["interleaved"],
                        fixed["received"]) if fixed.get("interleaved") else ""))

floor = rows.get("floor", {}).get("cpu_us")
for s, r in rows.items():
    if "skip" not in r and s != "floor" and floor is not None:
        r["above_floor"] = r["cpu_us"] - floor
# NTS and interleaved rows are compared with chronyd serving the same,
# the others with plain.
def ref_of(s):
    for mode in ("-nts", "-xleave"):
        if s.endswith(mode):
            return rows.get("chronyd" + mode, {})
    return rows.get("chronyd", {})

def ratio(s, key):
    a, b = rows[s].get(key), ref_of(s).get(key)
    if a is None or not b or a != a or b != b:
        return "-"
    x = a / b
    return "1/%.1f" % (1 / x) if 0 < x < 0.5 else "%.2fx" % x

print("| server | CPU/request (us) | vs chronyd | above floor (us) | vs chronyd "
      "| max rate <1% loss (/s) | vs chronyd | processing p50 / p99 / p99.9 (us) "
      "| p99 vs chronyd | RTT p99 (us) |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for s in servers:
    r = rows[s]
    name = label.get(s, s)
    if "skip" in r:
        print("| %s | SKIP: %s | | | | | | | | |" % (name, r["skip"]))
        continue
    if s == "floor":
        print("| %s | %.1f | %s | | | | | | | |" % (name, r["cpu_us"],
                                                   ratio(s, "cpu_us")))
        continue
    mr, rr = "%.0f" % r["max_rate"], ratio(s, "max_rate")
    if r["limit"] == "generator":
        mr = ">= %s (generator saturated)" % mr
        rr = ">= " + rr if rr != "-" else rr
    elif r["limit"] != "loss":
        mr += " (%s)" % r["limit"]
    af = "%.1f" % r["above_floor"] if "above_floor" in r else "-"
    print("| %s | %.1f | %s | %s | %s | %s | %s | %.1f / %.1f / %.1f | %s | %.0f |"
          % (name, r["cpu_us"], ratio(s, "cpu_us"), af,
             ratio(s, "above_floor"), mr, rr, r["p50"], r["p99"], r["p999"],
             ratio(s, "p99"), r["rtt99"]))
print()
print("Common load %.0f requests/s from %s source ports, server on CPU 0, "
      "generator on CPU 1.  CPU/request: CPU 0 busy time (wall minus idle, "
      "softirq included) minus the idle baseline, per answered request (per "
      "request sent for the floor).  Above floor: minus the cost of "
      "delivering a request to CPU 0 and dropping it at the socket lookup."
      % (rate, sockets))
k, b = rows.get("kernel", {}), rows.get("bare", {})
if "cpu_us" in k and "cpu_us" in b and b["cpu_us"] > 0:
    print("The ntpsec.ko fast path against the bare responder: %.2fx its CPU "
          "per request (%+.1f us), processing p99 %.1f against %.1f us."
          % (k["cpu_us"] / b["cpu_us"], k["cpu_us"] - b["cpu_us"],
             k.get("p99", float("nan")), b.get("p99", float("nan"))))
for s in servers:
    r = rows[s]
    if "skip" not in r and s != "floor" and (r["loss"] >= 1 or not r["kept_up"]):
        print("Warning: %s lost %.2f%% at the common load%s." % (
            s, r["loss"], "" if r["kept_up"] else " and the generator fell behind"))

# The scaling view: one row per client count, the module beside chronyd.
counts = []
for s in scaling:
    c = s.rsplit("-c", 1)[1]
    if c not in counts:
        counts.append(c)
def cell(s, key, fmt):
    r = rows.get(s)
    if r is None:
        return "-"
    if "skip" in r:
        return "SKIP: " + r["skip"]
    v = r.get(key)
    return fmt % v if v is not None else "-"
def vs(a, b, key):
    x, y = rows.get(a, {}).get(key), rows.get(b, {}).get(key)
    if x is None or not y or x != x or y != y:
        return "-"
    q = x / y
    return "1/%.1f" % (1 / q) if 0 < q < 0.5 else "%.2fx" % q
if counts:
    print()
    print("Scaling: the same load from 1, 1,000 and 65,536 client addresses.")
    print()
    print("| clients | ntpsec.ko CPU/request (us) | chronyd CPU/request (us) | ratio "
          "| ntpsec.ko max rate (/s) | chronyd max rate (/s) "
          "| ntpsec.ko processing p99 (us) | chronyd processing p99 (us) | ratio |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for c in counts:
        k, ch = "kernel-c" + c, "chronyd-c" + c
        mr = cell(k, "max_rate", "%.0f")
        if rows.get(k, {}).get("limit") == "generator":
            mr = ">= " + mr
        print("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            {"1": "1", "1k": "1,000", "64k": "65,536"}[c],
            cell(k, "cpu_us", "%.1f"), cell(ch, "cpu_us", "%.1f"), vs(k, ch, "cpu_us"),
            mr, cell(ch, "max_rate", "%.0f"),
            cell(k, "p99", "%.1f"), cell(ch, "p99", "%.1f"), vs(k, ch, "p99")))
    print()
    print("The module keeps its client log (65,536 entries, no limiting) and "
          "looks every request's client up; chronyd keeps its own client log "
          "at its default size.  Each request comes from the next address of "
          "the range, so with 65,536 clients no two requests in a row share "
          "an entry.")
print()
for n in notes:
    print("- " + n)
PY
}

# One server per invocation -------------------------------------------------------

mkdir -p "$state"
[ -x "$LOADGEN" ] || { echo "SKIP: no $LOADGEN (bench/run.sh builds it)"; exit $KSFT_SKIP; }
trap 'stop_server; cleanup_pair' EXIT
for s in $SERVERS; do
	[ -e "$state/$s.started" ] && continue
	touch "$state/$s.started"
	log "kernel $(uname -r), $(nproc) CPUs, clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource); server on CPU $SERVER_CPU, load on CPU $LOAD_CPU"
	measure "$s"
	[ -e "$state/$s.skip" ] && cat "$state/$s.skip"
	break
done
for s in $SERVERS; do
	[ -e "$state/$s.started" ] || exit 0
done
echo "BENCH-TABLE-BEGIN"
report
echo "BENCH-TABLE-END"
# The raw results, one line each, for bench/run.sh to keep.
for f in "$state"/*.json; do
	echo "BENCH-JSON $(basename "$f") $(tr -d '\n' <"$f")"
done
exit 0
