/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef NTPSEC_PREFIX_H
#define NTPSEC_PREFIX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* An IPv4 or IPv6 prefix, as the module's access list holds it. */
struct prefix {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* IPv4 in the first four octets */
	uint8_t len;
};

static inline size_t prefix_addr_len(const struct prefix *p)
{
	return p->family == AF_INET ? 4 : 16;
}

/*
 * "ADDR" or "ADDR/LEN"; host bits must be zero.  Returns 0, or -1 with a
 * message in @err.
 */
int prefix_parse(const char *s, struct prefix *p, char *err, size_t errlen);
void prefix_format(const struct prefix *p, char *buf, size_t len);

#endif
