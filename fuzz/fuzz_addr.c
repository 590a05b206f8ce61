// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_addr.c - libFuzzer target for the address parsers of the command
 * lines and access lists: prefix_parse() ("ADDR[/LEN]", ntpsecctl acl) and
 * sockaddr_parse() ("ADDR[:PORT]", "[ADDR6]:PORT", the test tools).  An
 * accepted prefix must print (prefix_format) to text that parses back to
 * the same prefix.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "prefix.h"
#include "sockaddr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_prefix(const char *s)
{
	struct prefix p, q;
	char err[128], buf[64];

	if (prefix_parse(s, &p, err, sizeof(err)))
		return;
	if ((p.family != AF_INET || p.len > 32) &&
	    (p.family != AF_INET6 || p.len > 128))
		abort();
	prefix_format(&p, buf, sizeof(buf));
	if (prefix_parse(buf, &q, err, sizeof(err)) || memcmp(&p, &q, sizeof(p))) {
		fprintf(stderr, "'%s' printed as '%s', which does not read back\n",
			s, buf);
		abort();
	}
}

static void check_sockaddr(const char *s)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;

	if (sockaddr_parse(s, &ss, &len, 123))
		return;
	if (!(ss.ss_family == AF_INET && len == sizeof(struct sockaddr_in)) &&
	    !(ss.ss_family == AF_INET6 && len == sizeof(struct sockaddr_in6)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size > 4096)
		return 0;
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	check_prefix(s);
	check_sockaddr(s);
	free(s);
	return 0;
}
