// SPDX-License-Identifier: BSD-2-Clause
/*
 * Asynchronous name resolution (see dns.h).
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "dns.h"

int dns_start(struct dns_query *q, const char *host, unsigned int port,
	      int family)
{
	struct gaicb *list[1] = { &q->cb };
	int ret;

	memset(q, 0, sizeof(*q));
	q->hints.ai_socktype = SOCK_DGRAM;
	q->hints.ai_family = family;
	snprintf(q->port, sizeof(q->port), "%u", port);
	snprintf(q->host, sizeof(q->host), "%s", host);
	q->cb.ar_name = q->host;
	q->cb.ar_service = q->port;
	q->cb.ar_request = &q->hints;
	/* No notification: the main loop polls, once a second at least. */
	ret = getaddrinfo_a(GAI_NOWAIT, list, 1, NULL);
	q->busy = !ret;
	return ret;
}

int dns_poll(struct dns_query *q, struct addrinfo **res)
{
	int ret;

	if (!q->busy)
		return EAI_SYSTEM;
	ret = gai_error(&q->cb);
	if (ret == EAI_INPROGRESS)
		return ret;
	q->busy = false;
	*res = ret ? NULL : q->cb.ar_result;
	q->cb.ar_result = NULL;
	return ret;
}

void dns_cancel(struct dns_query *q)
{
	struct addrinfo *res = NULL;

	if (!q->busy)
		return;
	/* A lookup already running cannot be stopped: wait for it. */
	if (gai_cancel(&q->cb) == EAI_NOTCANCELED) {
		while (dns_poll(q, &res) == EAI_INPROGRESS) {
			const struct gaicb *list[1] = { &q->cb };

			gai_suspend(list, 1, NULL);
		}
		if (res)
			freeaddrinfo(res);
		return;
	}
	q->busy = false;
	if (q->cb.ar_result)
		freeaddrinfo(q->cb.ar_result);
}
