// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The shared NTS wire code (user/wire/nts_wire.c): extension fields,
 * cookies and the server's steps, compiled into the module from the one
 * source that userspace unit-tests and fuzzes.
 */
#include "../user/wire/nts_wire.c"
