/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef NTPSECD_ACCESS_H
#define NTPSECD_ACCESS_H

#include <stdint.h>

#include "prefix.h"

/* ntpd's restrict flags that the daemon acts on. */
enum access_flag {
	ACCESS_IGNORE = 1U << 0,	/* drop everything */
	ACCESS_NOQUERY = 1U << 1,	/* no mode 6 */
	ACCESS_NOMODIFY = 1U << 2,
	ACCESS_NOSERVE = 1U << 3,	/* no time */
	ACCESS_LIMITED = 1U << 4,	/* rate limited */
	ACCESS_KOD = 1U << 5,		/* RATE KoD when limited */
};

#define ACCESS_MAX_RULES 256

struct access_rule {
	struct prefix prefix;
	unsigned int flags;
};

/* restrict lines: the most specific matching prefix wins, as in ntpd. */
struct access {
	unsigned int default_flags;
	unsigned int n;
	struct access_rule rules[ACCESS_MAX_RULES];
};

unsigned int access_flags(const struct access *acl, int family,
			  const uint8_t *addr);
/*
 * Whether a restrict line matches @addr (the default does not count);
 * *flags gets the flags that apply, *plen the matching prefix length.
 */
int access_match(const struct access *acl, int family, const uint8_t *addr,
		 unsigned int *flags, unsigned int *plen);
/* The module serves time or refuses: these flags make it refuse. */
static inline int access_denies_time(unsigned int flags)
{
	return flags & (ACCESS_IGNORE | ACCESS_NOSERVE);
}

#endif
