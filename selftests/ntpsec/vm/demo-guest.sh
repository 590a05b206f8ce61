#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The README's demo, inside the VM: load the module and show what it says.
# It grows with each capability, until it shows real clients served.
set -e
echo "# guest kernel: $(uname -r)"
echo "# \$ insmod ntpsec.ko"
insmod "$NTPSEC_KMOD"
echo "# \$ ntpsecctl status"
ntpsecctl status
echo "# \$ ntpsecctl --json status"
ntpsecctl --json status
echo "# \$ rmmod ntpsec"
rmmod ntpsec
