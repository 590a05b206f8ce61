// SPDX-License-Identifier: BSD-2-Clause
/*
 * Address prefixes for access lists ("192.0.2.0/24", "2001:db8::/32").
 */

#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "prefix.h"

int prefix_parse(const char *s, struct prefix *p, char *err, size_t errlen)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	unsigned int max, i;
	char *end;
	long len;

	memset(p, 0, sizeof(*p));
	if (n >= sizeof(addr)) {
		snprintf(err, errlen, "'%s' is not an address", s);
		return -1;
	}
	memcpy(addr, s, n);
	addr[n] = 0;
	if (inet_pton(AF_INET, addr, p->addr) == 1) {
		p->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, addr, p->addr) == 1) {
		p->family = AF_INET6;
		max = 128;
	} else {
		snprintf(err, errlen, "'%s' is not an IPv4 or IPv6 address", addr);
		return -1;
	}
	len = max;
	if (slash) {
		len = strtol(slash + 1, &end, 10);
		if (!slash[1] || *end || len < 0 || len > (long)max) {
			snprintf(err, errlen, "prefix length '%s' is not 0 to %u",
				 slash + 1, max);
			return -1;
		}
	}
	p->len = (uint8_t)len;
	for (i = p->len; i < max; i++) {
		if (p->addr[i / 8] & (0x80 >> (i % 8))) {
			snprintf(err, errlen, "'%s' has host bits set beyond /%u", s, p->len);
			return -1;
		}
	}
	return 0;
}

void prefix_format(const struct prefix *p, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN] = "?";

	inet_ntop(p->family, p->addr, addr, sizeof(addr));
	snprintf(buf, len, "%s/%u", addr, p->len);
}
