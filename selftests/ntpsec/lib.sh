# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for the ntpsec selftests (sourced, inside the VM).
# Every check prints one KTAP subtest line; ktap_finish exits 0 when all
# passed, 1 otherwise, and KSFT_SKIP (4) when the whole test was skipped.

KSFT_SKIP=4
ktap_n=0
ktap_failed=0

ktap_plan() {
	echo "TAP version 13"
	echo "1..$1"
}

ktap_ok() {
	ktap_n=$((ktap_n + 1))
	echo "ok $ktap_n $*"
}

ktap_fail() {
	ktap_n=$((ktap_n + 1))
	ktap_failed=1
	echo "not ok $ktap_n $*"
}

# ktap_check NAME CMD... - a subtest that passes when CMD succeeds.
ktap_check() {
	local name=$1
	shift
	if "$@"; then
		ktap_ok "$name"
	else
		ktap_fail "$name"
	fi
}

ktap_skip_all() {
	echo "1..0 # SKIP $*"
	exit $KSFT_SKIP
}

ktap_finish() {
	exit $ktap_failed
}

module_loaded() {
	grep -q '^ntpsec ' /proc/modules
}

# insmod of the file under test; its dependencies come from the kernel's
# own module tree.
load_module() {
	module_loaded && return 0
	modprobe -a udp_tunnel ip6_udp_tunnel || return 1
	insmod "${NTPSEC_KMOD:?}"
}

unload_module() {
	! module_loaded || rmmod ntpsec
}

# NTPsec's own programs: Debian's ntpsec package conflicts with chrony, so
# scripts/setup.sh unpacks it into .cache/ntpsec.
NTPSEC_DEB=${NTPSEC_TOP:-$(dirname "${BASH_SOURCE[0]}")/../..}/.cache/ntpsec

# need_ntpsec PATH... - skip the whole test unless each of these programs
# is in NTPSEC_DEB and python3-ntp (which ntpq needs) is installed.
need_ntpsec() {
	local f

	for f in "$@"; do
		[ -x "$NTPSEC_DEB/$f" ] ||
			ktap_skip_all "no $f in .cache/ntpsec (run scripts/setup.sh)"
	done
	python3 -c 'import ntp.packet' 2>/dev/null ||
		ktap_skip_all "python3-ntp is not installed"
}

# The test network: namespaces ntps (server) and ntpc (client) joined by a
# veth pair, with documentation addresses that exist only inside the VM.
SERVER4=192.0.2.1
CLIENT4=192.0.2.2
SERVER6=2001:db8::1
CLIENT6=2001:db8::2

setup_pair() {
	cleanup_pair
	ip netns add ntps && ip netns add ntpc || return 1
	ip link add veth0 netns ntps type veth peer name veth1 netns ntpc || return 1
	ip -n ntps addr add $SERVER4/24 dev veth0
	ip -n ntpc addr add $CLIENT4/24 dev veth1
	ip -n ntps addr add $SERVER6/64 dev veth0 nodad
	ip -n ntpc addr add $CLIENT6/64 dev veth1 nodad
	ip -n ntps link set lo up
	ip -n ntpc link set lo up
	ip -n ntps link set veth0 up
	ip -n ntpc link set veth1 up
}

cleanup_pair() {
	ip netns del ntps 2>/dev/null
	ip netns del ntpc 2>/dev/null
	true
}

# start_testserver OUTFILE ARGS... - ntpsec_testserver in ntps, in the
# background; waits until its sockets are attached.  Sets TESTSERVER_PID.
start_testserver() {
	local out=$1 fifo=/tmp/testserver.ready.$$ line
	shift
	rm -f "$fifo"
	mkfifo "$fifo"
	ip netns exec ntps ntpsec_testserver -o "$out" "$@" >"$fifo" &
	TESTSERVER_PID=$!
	read -r -t 30 line <"$fifo"
	rm -f "$fifo"
	[ "$line" = ready ]
}

stop_testserver() {
	[ -n "${TESTSERVER_PID:-}" ] || return 0
	kill "$TESTSERVER_PID" 2>/dev/null
	wait "$TESTSERVER_PID" 2>/dev/null
	TESTSERVER_PID=
}

# counter NAME [NETNS] - one of the module's counters, via ntpsecctl.
counter() {
	local ns=${2:-ntps}
	ip netns exec "$ns" ntpsecctl --json stats |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["counters"][sys.argv[1]])' "$1"
}

# probe ARGS... - ntp_probe.py from the client namespace; JSON on stdout.
probe() {
	ip netns exec ntpc python3 "$(dirname "${BASH_SOURCE[0]}")/ntp_probe.py" "$@"
}

# jget JSON KEY - one field of a JSON object.
jget() {
	python3 -c 'import json,sys; v=json.loads(sys.argv[1])[sys.argv[2]]; print("" if v is None else v)' "$1" "$2"
}

# Upstream servers for the daemon: namespace ntpu joined to ntps by a
# second veth pair; chronyd instances there serve the VM's own clock (-x:
# they never touch it), one per address UPSTREAM_BASE.2, .3, ...
UPSTREAM_NET=198.51.100
setup_upstreams() {	# COUNT
	local i
	ip netns add ntpu || return 1
	ip link add veth2 netns ntps type veth peer name veth3 netns ntpu || return 1
	ip -n ntps addr add $UPSTREAM_NET.1/24 dev veth2
	ip -n ntps link set veth2 up
	ip -n ntpu link set lo up
	ip -n ntpu link set veth3 up
	for i in $(seq 2 $(($1 + 1))); do
		ip -n ntpu addr add $UPSTREAM_NET.$i/24 dev veth3
		cat >/tmp/chrony-up$i.conf <<CONF
bindaddress $UPSTREAM_NET.$i
port 123
cmdport 0
allow
local stratum 1
pidfile /tmp/chrony-up$i.pid
CONF
		ip netns exec ntpu chronyd -x -f /tmp/chrony-up$i.conf || return 1
	done
}

cleanup_upstreams() {
	local f
	for f in /tmp/chrony-up*.pid; do
		[ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	rm -f /tmp/chrony-up*.pid /tmp/chrony-up*.conf
	ip netns del ntpu 2>/dev/null
	true
}

# wait_for TRIES CMD... - until CMD succeeds, at most TRIES tries a second
# apart.  A try itself takes time (under emulation, seconds when it runs
# ntpsecctl and python3), so the wait is longer than TRIES seconds: the
# tests' counts were set that way.  For a bound in seconds, wait_until.
wait_for() {
	local i
	for i in $(seq "$1"); do
		"${@:2}" && return 0
		sleep 1
	done
	return 1
}

# wait_until SECONDS CMD... - until CMD succeeds, polling once a second, for
# at most SECONDS of wall time however long each try takes.
wait_until() {
	local end=$((SECONDS + $1))
	while :; do
		"${@:2}" && return 0
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 1
	done
}

# ntpdig_shared_clock STRATUM ARGS... - ntpdig from the client namespace
# against a server that reads the same clock (everything in the VM does).
# Then the four timestamps must be causal: t1 <= t2 <= t3 <= t4, which is
# |offset| <= delay/2.  A fixed bound on the offset would instead measure
# how unevenly the emulator schedules the two directions of the exchange,
# which on a loaded host reaches milliseconds.  Slack: 20 us, as ntpdig
# prints microseconds and NTP fractions round.
ntpdig_shared_clock() {
	local out
	out=$(ip netns exec ntpc ntpdig -d -j -t 3 "${@:2}" 2>&1)
	echo "$out" | sed 's/^/# ntpdig: /'
	python3 - "$1" "$out" <<'PY'
import json, re, sys
want, out = int(sys.argv[1]), sys.argv[2]
m1 = re.search(r"org t1: (\d+\.\d+) rec t2: (\d+\.\d+)", out)
m2 = re.search(r"xmt t3: (\d+\.\d+) dst t4: (\d+\.\d+)", out)
j = [line for line in out.splitlines() if line.startswith("{")]
assert m1 and m2 and j, "ntpdig got no answer"
d = json.loads(j[-1])
assert d["stratum"] == want, "stratum %d, want %d" % (d["stratum"], want)
t1, t2 = map(float, m1.groups())
t3, t4 = map(float, m2.groups())
eps = 20e-6
print("# offset %.6f s, delay %.6f s" % (d["offset"], (t4 - t1) - (t3 - t2)))
assert t1 <= t2 + eps and t2 <= t3 + eps and t3 <= t4 + eps, (t1, t2, t3, t4)
PY
}

# start_ntpsecd DIR ARGS... - ntpsecd in ntps, in the background, with
# DIR/ntpsecd.conf and its log DIR/ntpsecd.log; its control socket
# DIR/ntpsecd.sock is exported as NTPSECD_SOCKET for ntpsecctl.  Sets DPID.
start_ntpsecd() {
	local dir=$1

	shift
	export NTPSECD_SOCKET=$dir/ntpsecd.sock
	ip netns exec ntps ntpsecd -n -c "$dir/ntpsecd.conf" \
		-s "$NTPSECD_SOCKET" -l "$dir/ntpsecd.log" "$@" &
	DPID=$!
}

# tracking_matches REGEX - ntpsecd's tracking (ntpsecctl --json) matches.
tracking_matches() {
	ip netns exec ntps ntpsecctl --json tracking 2>/dev/null | grep -q "$1"
}

# The daemon a test started in the background sets DPID; stop_daemon ends
# it as an operator would (SIGTERM: sockets detached, clock left alone) and
# waits for it.
DPID=
stop_daemon() {
	[ -n "$DPID" ] || return 0
	kill "$DPID" 2>/dev/null
	wait "$DPID" 2>/dev/null
	DPID=
}

# make_test_cert DIR NAME ADDR... - a throwaway P-256 certificate for NAME and
# each ADDR, valid two days: DIR/cert.pem and DIR/key.pem (NTS-KE tests).
make_test_cert() {
	local dir=$1 name=$2 san="DNS:$2" addr

	shift 2
	for addr in "$@"; do
		san="$san,IP:$addr"
	done
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-days 2 -subj "/CN=$name" -addext "subjectAltName=$san" \
		-keyout "$dir/key.pem" -out "$dir/cert.pem" >/dev/null 2>&1
}
