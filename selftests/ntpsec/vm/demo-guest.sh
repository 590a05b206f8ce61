#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The README's demo, inside the VM: the module serving time to a real
# client across a veth pair, and what ntpsecctl says about it.  It grows with
# each capability.
cd "$(dirname "$0")/.." || exit 1
source ./lib.sh

say() { echo "# \$ $*"; }

echo "# guest kernel: $(uname -r)"
say "modprobe ntpsec   (insmod of the freshly built module)"
load_module || { echo "cannot load the module"; exit 1; }
setup_pair || { echo "cannot set up the veth pair"; exit 1; }
say "ip netns exec ntps ntpsec_testserver -s $SERVER4 [$SERVER6]:123 &   (stands in for ntpsecd)"
start_testserver /tmp/demo.passed_up -s $SERVER4 "[$SERVER6]:123" ||
	{ echo "the test server did not start"; exit 1; }
say "ip netns exec ntps ntpsecctl status"
ip netns exec ntps ntpsecctl status
say "ip netns exec ntpc ntpdig -p 4 $SERVER4   (a real client, another namespace)"
ip netns exec ntpc ntpdig -p 4 -t 3 $SERVER4
say "ip netns exec ntpc ntpdig -p 4 $SERVER6"
ip netns exec ntpc ntpdig -p 4 -t 3 $SERVER6
say "ip netns exec ntps ntpsecctl stats   (the kernel answered; nothing passed up)"
ip netns exec ntps ntpsecctl stats
stop_testserver
cleanup_pair
rmmod ntpsec
