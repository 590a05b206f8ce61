#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# ntpsecd's privilege separation on the host (make check), where it cannot
# touch this machine's clock: "disable ntp" and "kernel off" mean no
# discipline and no module; the daemon runs in a network namespace of its
# own (unshare -n), so its port 123 is private.
#  - key files the group or others can read are refused, in check mode too;
#  - as root: -u drops to nobody with only CAP_SYS_TIME, NET_BIND_SERVICE,
#    NET_ADMIN, no new privileges, and a seccomp filter (Seccomp: 2), and
#    still reloads (re-reading its files and resolving a name from
#    /etc/hosts), answers on its control socket and exits cleanly.  The
#    VM test selftests/ntpsec/daemon_privsep.sh does the same with the
#    module and real upstreams.
set -u

daemon=${NTPSECD:?set NTPSECD to the ntpsecd binary}
ctl=${NTPSECCTL:?set NTPSECCTL to the ntpsecctl binary}
dir=$(mktemp -d /tmp/ntpsecd-privsep.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
failed=0 n=0

ok() {		# ok NAME CMD...: one TAP line
	local name=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n $name"
	else
		echo "not ok $n $name"
		failed=1
	fi
}

skip() {
	n=$((n + 1))
	echo "ok $n $1 # SKIP $2"
}

echo "TAP version 13"
echo "1..6"

printf '1 SHA1 0a9fd8c8b0c1b2f4e1d6e8c2b1a7f4e3d2c1b0a9\n' >"$dir/ntp.keys"
printf 'keys %s/ntp.keys\ndisable ntp\nkernel off\n' "$dir" >"$dir/ntp.conf"

chmod 640 "$dir/ntp.keys"
out=$("$daemon" -t -c "$dir/ntp.conf" 2>&1)
rc=$?
echo "# $out"
ok "-t refuses a group-readable keys file and says why" \
	grep -q "mode 0640 lets the group or others read.*chmod 600" <<<"$out"
ok "... with exit status 1" test $rc -eq 1
chmod 600 "$dir/ntp.keys"
ok "-t accepts it at mode 0600" \
	bash -c '"$0" -t -c "$1" >/dev/null 2>&1' "$daemon" "$dir/ntp.conf"

if [ "$(id -u)" -ne 0 ] || ! unshare -n true 2>/dev/null ||
   ! getent passwd nobody >/dev/null; then
	for t in "runs as nobody, three capabilities, seccomp" \
		 "reloads under the filter" "exits cleanly under the filter"; do
		skip "$t" "needs root, unshare -n and a user nobody"
	done
	exit $failed
fi

# Under AddressSanitizer (the sanitizer CI step), LeakSanitizer would stop
# the world with clone and ptrace at exit, which the filter rightly kills.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
chown nobody "$dir/ntp.keys"
chmod 755 "$dir"
touch "$dir/log"
chown nobody "$dir/log"
# The namespace dies with the daemon: no stray listener is left behind.
unshare -n sh -c 'ip link set lo up; exec "$@"' sh \
	"$daemon" -n -c "$dir/ntp.conf" -s "$dir/ctl.sock" -l "$dir/log" \
	-u nobody:nogroup &
pid=$!
for _ in $(seq 50); do
	grep -q "seccomp filter installed" "$dir/log" 2>/dev/null && break
	sleep 0.1
done
status=$(grep -E '^(Uid|CapPrm|CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/$pid/status)
echo "$status" | sed 's/^/# /'
# CAP_NET_BIND_SERVICE (10), CAP_NET_ADMIN (12), CAP_SYS_TIME (25).
ok "runs as nobody, three capabilities, no new privileges, seccomp" \
	test "$(echo "$status" | awk '/^Uid/ { print $2 } /^Cap/ { print $2 }
		/^NoNewPrivs/ { print $2 } /^Seccomp:/ { print $2 }' | tr '\n' ' ')" = \
	"65534 0000000002001400 0000000002001400 0000000002001400 1 2 "

# Reload: a new file with a name to resolve (/etc/hosts) and a peer socket.
printf 'keys %s/ntp.keys\ndisable ntp\nkernel off\nserver localhost iburst\nserver 127.0.0.1\nrestrict default nomodify\n' \
	"$dir" >"$dir/ntp.conf"
kill -HUP $pid
sleep 2
kill -HUP $pid
sleep 1
reloads=$(grep -c "configuration reloaded" "$dir/log")
tracking=$(NTPSECD_SOCKET=$dir/ctl.sock "$ctl" --json tracking 2>&1)
echo "# $tracking"
ok "reloads under the filter (names, keys, sockets) and answers ntpsecctl" \
	bash -c "[ $reloads -eq 2 ] && kill -0 $pid && grep -q stratum <<<'$tracking' &&
		! grep -q 'cannot resolve' '$dir/log'"
kill $pid
wait $pid
rc=$?
pid=
sed 's/^/# log: /' "$dir/log"
ok "exits cleanly under the filter (status $rc, not SIGSYS)" test $rc -eq 0
exit $failed
