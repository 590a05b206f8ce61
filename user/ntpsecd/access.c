// SPDX-License-Identifier: BSD-2-Clause
/*
 * Access control for the fallback server and the control of mode 6.
 */

#include "config.h"

#include <string.h>

#include "access.h"

static int prefix_matches(const struct prefix *p, const uint8_t *addr)
{
	unsigned int full = p->len / 8, bits = p->len % 8;

	if (memcmp(p->addr, addr, full))
		return 0;
	return !bits || !((p->addr[full] ^ addr[full]) & (uint8_t)(0xff << (8 - bits)));
}

static const struct access_rule *best_rule(const struct access *acl,
					   int family, const uint8_t *addr)
{
	const struct access_rule *best = NULL;
	unsigned int i;

	for (i = 0; i < acl->n; i++) {
		const struct access_rule *r = &acl->rules[i];

		if (r->prefix.family != family ||
		    (best && r->prefix.len <= best->prefix.len))
			continue;
		if (prefix_matches(&r->prefix, addr))
			best = r;
	}
	return best;
}

unsigned int access_flags(const struct access *acl, int family,
			  const uint8_t *addr)
{
	const struct access_rule *best = best_rule(acl, family, addr);

	return best ? best->flags : acl->default_flags;
}

int access_match(const struct access *acl, int family, const uint8_t *addr,
		 unsigned int *flags, unsigned int *plen)
{
	const struct access_rule *best = best_rule(acl, family, addr);

	*flags = best ? best->flags : acl->default_flags;
	*plen = best ? best->prefix.len : 0;
	return best != NULL;
}
