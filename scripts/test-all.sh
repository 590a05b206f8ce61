#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# test-all.sh - every test of the project, the one command README.md gives
# and CI runs: build (warnings are errors), host unit tests, the same tests
# under ASan and UBSan, each fuzz target briefly, static analysis (sparse
# and checkpatch over the module, cppcheck over userspace), DKMS builds,
# distcheck, and the module's selftests in QEMU on Debian's 6.1 and 6.12
# kernels.
#
# Prints one TAP line per check (the VM's own results are counted one by
# one) and ends with "N passed, N failed, N skipped".  Exit status 0 only if
# nothing failed.  Logs: .build/logs/.
#
# Environment: KVERS, the kernel releases to test (default: every
# /lib/modules/*/build of the 6.1 and 6.12 lines, both required);
# FUZZ_SECONDS, each fuzz target's time (default 30).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
logs=$top/.build/logs
rm -rf "$logs"
mkdir -p "$logs"

passed=0 failed=0 skipped=0 n=0
failures=()	# repeated at the end, where a truncated log still shows them

step() {	# step NAME CMD... - run CMD, log its output, report one line
	local name=$1 log
	shift
	n=$((n + 1))
	log=$logs/$(printf '%02d' $n)-$(echo "$name" | tr -c 'A-Za-z0-9.\n' '-').log
	if "$@" >"$log" 2>&1; then
		echo "ok $n $name"
		passed=$((passed + 1))
		return 0
	fi
	echo "not ok $n $name (log: ${log#"$top"/})"
	tail -n 30 "$log" | sed 's/^/# /'
	failed=$((failed + 1))
	failures+=("not ok $n $name")
	return 1
}

# Kernels: both of Debian's lines must be there, or the run fails loudly.
if [ -z "${KVERS:-}" ]; then
	for line in 6.1 6.12; do
		k=$(cd /lib/modules 2>/dev/null && ls -d "$line".*/build 2>/dev/null | sort -V | tail -n 1)
		if [ -z "$k" ]; then
			echo "not ok - no kernel headers of the $line line: run scripts/setup.sh"
			failed=$((failed + 1))
			continue
		fi
		KVERS="${KVERS:-} ${k%/build}"
	done
fi
first_kver=$(echo $KVERS | cut -d' ' -f1)

echo "TAP version 13"
echo "# kernels: $KVERS"

sparse_clean() {	# the only line a clean sparse run prints is about BTF
	KBUILD_ARGS="C=2 W=1 KCFLAGS=-Werror" \
		scripts/kbuild.sh "/lib/modules/$1/build" "$top/.build/sparse-$1" \
			kmod selftests/ntpsec/vphc selftests/ntpsec/fakefamily 2>&1 |
		grep -v '^Skipping BTF generation' | tee /dev/stderr | grep -q . && return 1
	return 0
}

dkms_build() {		# DKMS builds from the release tarball, as a user's would
	local ver src
	ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
	src=/usr/src/ntpsec-$ver
	dkms remove "ntpsec/$ver" --all >/dev/null 2>&1
	rm -rf "$src"
	mkdir -p "$src"
	tar -xzf "ntpsec-$ver.tar.gz" -C "$src" --strip-components=1 || return 1
	dkms add "ntpsec/$ver" || return 1
	for k in $KVERS; do
		dkms build "ntpsec/$ver" -k "$k" || { cat "/var/lib/dkms/ntpsec/$ver/build/make.log"; return 1; }
	done
	dkms status "ntpsec/$ver"
	dkms remove "ntpsec/$ver" --all
	rm -rf "$src"
}

run_cppcheck() {
	cppcheck --error-exitcode=1 --quiet --inline-suppr \
		--enable=warning,style,performance,portability \
		--std=c11 -I include/uapi -I . --suppress=missingIncludeSystem \
		user/
}

# make check again, built with AddressSanitizer and UBSan (any report
# aborts: -fno-sanitize-recover), in a copy of the distributed tree, since
# the source tree itself is configured in place.
sanitized_check() {
	local b=$top/.build/asan
	rm -rf "$b"
	mkdir -p "$b/build"
	make -s distdir distdir="$b/src" || return 1
	(cd "$b/build" && ../src/configure -q --without-kernel --enable-werror \
		CFLAGS="-g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all" \
		LDFLAGS="-fsanitize=address,undefined") || return 1
	make -C "$b/build" -j2 -s || return 1
	ASAN_OPTIONS=abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		make -C "$b/build" -j2 check || {
		cat "$b/build/test-suite.log"
		return 1
	}
}

# checkpatch.pl --strict (from Debian's kernel source, see setup.sh) over
# the module and the wire code it compiles in.  Ignored, on purpose:
# LINUX_VERSION_CODE tests in compat.h (an out-of-tree module builds for
# several kernels; CONSTANT_COMPARISON misreads them), and the stdint types
# of user/wire, which userspace compiles too.
run_checkpatch() {
	local cp=$top/.cache/checkpatch/checkpatch.pl
	local opts="--no-tree --strict --terse --show-types --max-line-length=100"

	[ -x "$cp" ] || { echo "no $cp: run scripts/setup.sh"; return 1; }
	# shellcheck disable=SC2086
	"$cp" $opts --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON \
		-f kmod/compat.h &&
	"$cp" $opts -f $(ls kmod/*.[ch] | grep -v '^kmod/compat.h$') &&
	"$cp" $opts --ignore PREFER_KERNEL_TYPES -f user/wire/*.[ch]
}

step_log() {		# the log of the step just run
	ls "$logs/$(printf '%02d' $n)"-*.log
}

# The whole suite in one boot per kernel, the kernels' VMs side by side
# (one vCPU each, one host core each): each test is bounded by the guest
# runner (600 s), each run by this (about 25 min is usual under TCG).
declare -A vm_pid
vm_start() {
	local kver=$1 tests
	tests=$(make -s -C selftests/ntpsec print-tests)
	# shellcheck disable=SC2086
	selftests/ntpsec/vm/run.sh -t "${NTPSEC_VM_TIMEOUT:-3000}" "$kver" $tests \
		>"$logs/vm-$kver.ktap" 2>&1 &
	vm_pid[$kver]=$!
}

vm_tests() {		# the VM's own KTAP lines, each counted
	local kver=$1 out=$logs/vm-$1.ktap line
	n=$((n + 1))
	wait "${vm_pid[$kver]}"
	local rc=$?
	while IFS= read -r line; do
		case "$line" in
		"ok "*"# SKIP"*) skipped=$((skipped + 1)); echo "ok $n $kver: ${line#ok * }" ;;
		"ok "*) passed=$((passed + 1)); echo "ok $n $kver: ${line#ok * }" ;;
		"not ok "*) failed=$((failed + 1)); echo "not ok $n $kver: ${line#not ok * }"
			failures+=("not ok $n $kver: ${line#not ok * }") ;;
		*) continue ;;
		esac
		n=$((n + 1))
	done < <(grep -E '^(not )?ok ' "$out")
	n=$((n - 1))
	grep -E '^# vm:' "$out" | sed 's/^/# /' | head -n 50
	# What made a test fail, diagnostics included: CI shows only this
	# output, so it has to say why.
	awk -f scripts/vm-failures.awk "$out" | head -n 200
	if [ $rc -ne 0 ] && ! grep -q '^not ok ' "$out"; then
		n=$((n + 1)) failed=$((failed + 1))
		echo "not ok $n $kver: the VM run failed (log: ${out#"$top"/})"
		failures+=("not ok $n $kver: the VM run failed")
		tail -n 40 "$out" | sed 's/^/# /'
	fi
}

step "autogen and configure (kernel $first_kver)" \
	bash -c "./autogen.sh && ./configure --with-kernel=/lib/modules/$first_kver/build --enable-werror"
step "build userspace and module, warnings are errors" make -j2
step "host unit tests (make check)" make check
step "host unit tests under ASan and UBSan (make check, .build/asan)" \
	sanitized_check
step "fuzz: each target ${FUZZ_SECONDS:-30} s (libFuzzer, ASan, UBSan)" \
	env FUZZ_SECONDS="${FUZZ_SECONDS:-30}" fuzz/run.sh
sed -n 's/^fuzz_/# fuzz_/p' "$(step_log)"
step "cppcheck over userspace" run_cppcheck
step "checkpatch --strict over the module" run_checkpatch
step "man pages render without warnings (groff -ww)" \
	bash -c 'for p in docs/*.[1-8]; do out=$(groff -ww -man -Tutf8 -z "$p" 2>&1); [ -z "$out" ] || { echo "$p: $out"; exit 1; }; done'
for k in $KVERS; do
	step "module and test NIC build for $k with W=1 -Werror" \
		env KBUILD_ARGS="W=1 KCFLAGS=-Werror" scripts/kbuild.sh \
		"/lib/modules/$k/build" "$top/.build/$k" kmod selftests/ntpsec/vphc \
		selftests/ntpsec/fakefamily
	step "sparse over the module for $k" sparse_clean "$k"
done
step "make distcheck" make distcheck
step "dkms add/build/remove for $KVERS" dkms_build
for k in $KVERS; do
	vm_start "$k"
done
for k in $KVERS; do
	vm_tests "$k"
done

for f in "${failures[@]}"; do
	echo "# failed: $f"
done
echo "1..$n"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
