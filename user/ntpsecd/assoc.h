/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef NTPSECD_ASSOC_H
#define NTPSECD_ASSOC_H

#include <stdbool.h>
#include <sys/socket.h>

#include "dns.h"

/*
 * Which upstream servers we talk to.  Each "server" or "pool" line of the
 * configuration is a name to resolve: one that does not resolve is tried
 * again with a growing interval instead of being dropped; a server that
 * stays unreachable has its name resolved again (it may have moved); a
 * pool member that stays unreachable, is refused (DENY/RSTR) or stays a
 * falseticker is dropped, its address kept out for a while, and the pool
 * name resolved again for an address not in use, up to maxclock.
 */
#define ASSOC_BANNED 8

struct assoc_name {
	struct dns_query q;
	bool want;		/* resolve at next_try */
	double next_try;	/* monotonic s */
	double backoff;		/* s until the next try after a failure */
	unsigned int failures;
	/* Addresses dropped from a pool, not taken again until @until. */
	struct sockaddr_storage banned[ASSOC_BANNED];
	double banned_until[ASSOC_BANNED];
};

struct daemon;

/* (Re)starts from the configuration: every name resolved afresh. */
void assoc_start(struct daemon *d, double now);
/* Resolutions finished or due, replacements due; call every second. */
void assoc_tick(struct daemon *d, double now);
/* Cancels lookups and closes the associations' sockets. */
void assoc_stop(struct daemon *d);

#endif
