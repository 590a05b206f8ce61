/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * privsep.h - ntpsecd gives up what it does not need once it has started
 * (sockets bound and handed to the module, files opened): its own user,
 * only CAP_SYS_TIME, CAP_NET_BIND_SERVICE and CAP_NET_ADMIN, no way to gain
 * privileges again, and a seccomp filter that kills it on any system call
 * outside the list of those it makes.
 */
#ifndef NTPSECD_PRIVSEP_H
#define NTPSECD_PRIVSEP_H

#include <stdbool.h>

#define PRIVSEP_DEFAULT_USER "ntpsec"

struct privsep_opts {
	/* "USER[:GROUP]"; NULL: PRIVSEP_DEFAULT_USER if it exists and we
	 * are root, else the user stays as it is (the filter still applies) */
	const char *user;
	bool seccomp_log;	/* log a stray syscall instead of killing */
	bool no_seccomp;	/* tests and diagnosis only */
};

/* 0, or -1 having logged why (the daemon must then exit). */
int privsep_enter(const struct privsep_opts *o);

#endif
