#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The bash completion for ntpsecctl: it offers exactly the commands the
# tool's --help lists, and the right words at each position.  Runs on the
# host (make check); no module needed.
set -u

ctl=${NTPSECCTL:?set NTPSECCTL to the ntpsecctl binary}
srcdir=${srcdir:-.}
# shellcheck source=/dev/null
source "$srcdir/completion/ntpsecctl"
failed=0
n=0

complete_line() {	# the words the completion offers for LINE (cursor at end)
	read -r -a COMP_WORDS <<<"$1"
	[[ $1 == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_ntpsecctl
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

check() {	# NAME LINE EXPECTED
	n=$((n + 1))
	got=$(complete_line "$2")
	if [ "$got" = "$3" ]; then
		echo "ok $n $1"
	else
		echo "not ok $n $1"
		echo "# '$2' offered '$got', wanted '$3'"
		failed=1
	fi
}

echo "TAP version 13"
echo "1..10"
want=$("$ctl" --help | sed -n 's/^  \([a-z]\+\) .*/\1/p' | sort | tr '\n' ' ' | sed 's/ $//')
check "the commands are those --help lists" "ntpsecctl " "$want"
check "a prefix narrows the commands" "ntpsecctl st" "stats status"
check "options before the command" "ntpsecctl --j" "--json"
check "options do not count as the command" "ntpsecctl --json st" "stats status"
check "acl subcommands" "ntpsecctl acl " "add default del flush list"
check "acl add ends with an action" "ntpsecctl acl add 10.0.0.0/8 " "allow deny"
check "keys subcommands" "ntpsecctl keys " "del list load"
check "ratelimit set offers its settings" "ntpsecctl ratelimit set burst 8 " "burst interval kod leak log table"
check "ratelimit set kod takes on or off" "ntpsecctl ratelimit set kod " "off on"
check "stats offers --prometheus" "ntpsecctl stats --p" "--prometheus"
exit $failed
