// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The shared NTP wire parser (user/wire/ntp_wire.c), compiled into the module
 * from the one source that userspace unit-tests and fuzzes.
 */
#include "../user/wire/ntp_wire.c"
