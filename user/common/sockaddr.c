// SPDX-License-Identifier: BSD-2-Clause
/*
 * Socket addresses from the command line, for the tools and test helpers.
 */

#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "sockaddr.h"

int sockaddr_parse(const char *arg, struct sockaddr_storage *ss,
		   socklen_t *len, uint16_t default_port)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	char host[INET6_ADDRSTRLEN + 1];
	const char *port = NULL, *end;
	unsigned long p = default_port;
	size_t n;

	memset(ss, 0, sizeof(*ss));
	if (arg[0] == '[') {
		end = strchr(arg, ']');
		if (!end || (end[1] && end[1] != ':'))
			return -1;
		n = (size_t)(end - arg - 1);
		port = end[1] ? end + 2 : NULL;
		arg++;
	} else {
		end = strchr(arg, ':');
		/* A bare IPv6 address has several colons and no port. */
		if (end && strchr(end + 1, ':'))
			end = NULL;
		n = end ? (size_t)(end - arg) : strlen(arg);
		port = end ? end + 1 : NULL;
	}
	if (n >= sizeof(host))
		return -1;
	memcpy(host, arg, n);
	host[n] = 0;
	if (port) {
		char *e;

		p = strtoul(port, &e, 10);
		if (!*port || *e || p > 65535)
			return -1;
	}
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)p);
		*len = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)p);
		*len = sizeof(*sin6);
		return 0;
	}
	return -1;
}
