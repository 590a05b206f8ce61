/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef NTPSECD_DNS_H
#define NTPSECD_DNS_H

#include <netdb.h>
#include <stdbool.h>

/*
 * Name resolution that never blocks the main loop: glibc's getaddrinfo_a
 * runs the lookup on its own thread, and the loop asks each second
 * whether it is done.  A slow or dead DNS server then delays only the
 * association that waits for it, never the serving, the discipline or
 * the control socket.
 */
struct dns_query {
	struct gaicb cb;
	struct addrinfo hints;
	char host[256];		/* the lookup's own copy: a reload may change ours */
	char port[8];
	bool busy;
};

/* Starts resolving @host; 0 or an EAI_ code. */
int dns_start(struct dns_query *q, const char *host, unsigned int port,
	      int family);
/*
 * EAI_INPROGRESS while running; otherwise the outcome: 0 with *res (free
 * it with freeaddrinfo), or an EAI_ code (gai_strerror says what).
 */
int dns_poll(struct dns_query *q, struct addrinfo **res);
void dns_cancel(struct dns_query *q);

#endif
