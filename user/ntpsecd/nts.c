// SPDX-License-Identifier: BSD-2-Clause
/*
 * nts.c - "nts enable": master keys, the NTS-KE server, and the userspace
 * NTP server armed for NTS, started and run from the daemon's loop.
 */

#include "config.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon.h"
#include "log.h"
#include "module.h"
#include "nts.h"
#include "nts_client.h"
#include "nts_siv.h"

static int64_t wall_now(void)
{
	return (int64_t)time(NULL);
}

int nts_module_push_keys(const struct nts_master_keys *mks, void *daemon)
{
	struct daemon *d = daemon;

	if (!d->kernel)
		return 0;
	if (module_set_nts_keys(mks)) {
		log_msg(LOG_ERR, "NTS: the module refused the cookie keys");
		return -1;
	}
	log_msg(LOG_INFO, "NTS: %u cookie keys in the module (current id %u): it answers NTS requests",
		mks->n, mks->n ? mks->key[0].id : 0);
	return 0;
}

int nts_start(struct daemon *d)
{
	const char *path = d->cfg.nts.cookie[0] ? d->cfg.nts.cookie :
						  NTS_KEYS_DEFAULT_PATH;
	unsigned int rotate = d->cfg.nts.cookie_rotate ?
			      d->cfg.nts.cookie_rotate :
			      NTS_KEYS_DEFAULT_ROTATE;
	struct nts_server_side *n;
	char err[512];

	if (!d->cfg.nts.enable)
		return 0;
	n = calloc(1, sizeof(*n));
	if (!n || nts_siv_init(&n->ops)) {
		log_msg(LOG_ERR, "NTS: no AES-SIV in this OpenSSL");
		free(n);
		return -1;
	}
	n->keys.push = nts_module_push_keys;
	n->keys.push_arg = d;
	if (nts_keys_load(&n->keys, path, rotate, wall_now(), err,
			  sizeof(err))) {
		log_msg(LOG_ERR, "NTS: %s", err);
		goto fail;
	}
	n->ke.ops = &n->ops;
	n->ke.keys = &n->keys;
	if (ntske_server_open(&n->ke, d->cfg.nts.cert, d->cfg.nts.key, NULL,
			      NTSKE_PORT, err, sizeof(err))) {
		log_msg(LOG_ERR, "%s", err);
		goto fail;
	}
	d->nts = n;
	d->srv.nts = &n->ops;
	d->srv.nts_keys = &n->keys.mks;
	log_msg(LOG_INFO, "NTS: key exchange on port %u, cookie key %u of %u, rotated every %u s",
		NTSKE_PORT, n->keys.mks.key[0].id, n->keys.mks.n, rotate);
	return 0;
fail:
	nts_keys_wipe(&n->keys);
	nts_siv_uninit(&n->ops);
	free(n);
	return -1;
}

void nts_stop(struct daemon *d)
{
	struct nts_server_side *n = d->nts;
	int i;

	for (i = 0; i < d->npeers; i++)
		nts_peer_stop(&d->peers[i]);
	nts_client_cleanup();
	if (!n)
		return;
	d->srv.nts = NULL;
	d->srv.nts_keys = NULL;
	/* No cookie key outlives the daemon in the kernel. */
	if (d->kernel) {
		struct nts_master_keys none = { 0 };

		module_set_nts_keys(&none);
	}
	ntske_server_close(&n->ke);
	nts_keys_wipe(&n->keys);
	nts_siv_uninit(&n->ops);
	free(n);
	d->nts = NULL;
}

int nts_peer_start(struct daemon *d, struct peer *p, const char *host)
{
	char err[512] = "";

	if (nts_client_setup(d->cfg.nts.ca, err, sizeof(err))) {
		log_msg(LOG_ERR, "%s: %s", host, err);
		return -1;
	}
	p->nts = calloc(1, sizeof(*p->nts));
	if (!p->nts) {
		log_msg(LOG_ERR, "%s: out of memory", host);
		return -1;
	}
	nts_client_init(p->nts, host, &p->addr, p->addrlen);
	return 0;
}

void nts_peer_stop(struct peer *p)
{
	if (!p->nts)
		return;
	nts_client_free(p->nts);
	free(p->nts);
	p->nts = NULL;
}

/*
 * A key exchange completed: the server may have named another NTP server
 * or port (RFC 8915 4.1.7, 4.1.8), else NTP goes to the NTS-KE host's
 * address on the configured port.  Then poll at once.
 */
static void peer_negotiated(struct peer *p, double now)
{
	struct nts_client *c = p->nts;
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM,
				  .ai_family = p->addr.ss_family };
	struct addrinfo *res;
	uint16_t port = c->ntp_port ? c->ntp_port : p->cfg.port;

	c->negotiated = false;
	if (c->ntp_server[0] &&
	    !getaddrinfo(c->ntp_server, NULL, &hints, &res)) {
		if (res->ai_addrlen <= sizeof(p->addr)) {
			memcpy(&p->addr, res->ai_addr, res->ai_addrlen);
			p->addrlen = res->ai_addrlen;
		}
		freeaddrinfo(res);
	}
	if (p->addr.ss_family == AF_INET)
		((struct sockaddr_in *)&p->addr)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)&p->addr)->sin6_port = htons(port);
	if (c->ntp_server[0] || c->ntp_port)
		log_msg(LOG_INFO, "%s: NTP to %s port %u, as NTS-KE said",
			p->name, c->ntp_server[0] ? c->ntp_server : p->name,
			port);
	p->next_poll = now;
}

int nts_pollfds(struct daemon *d, struct pollfd *pfd, double now)
{
	int i, n = d->nts ? ntske_server_pollfds(&d->nts->ke, pfd) : 0;

	for (i = 0; i < d->npeers; i++)
		if (d->peers[i].nts &&
		    nts_client_pollfd(d->peers[i].nts, now, &pfd[n]) >= 0)
			n++;
	return n;
}

static short revents_of(const struct pollfd *pfd, int n, int fd)
{
	int i;

	for (i = 0; i < n; i++)
		if (pfd[i].fd == fd)
			return pfd[i].revents;
	return 0;
}

void nts_process(struct daemon *d, const struct pollfd *pfd, int n,
		 double now)
{
	int i;

	for (i = 0; i < d->npeers; i++) {
		struct peer *p = &d->peers[i];

		if (p->nts && p->nts->state != NTSC_IDLE &&
		    nts_client_process(p->nts, revents_of(pfd, n, p->nts->fd),
				       now))
			peer_negotiated(p, now);
	}
	if (!d->nts)
		return;
	ntske_server_process(&d->nts->ke, pfd, n, now);
	nts_keys_tick(&d->nts->keys, wall_now());
}

double nts_deadline(struct daemon *d, double now, double wake)
{
	int64_t next;
	int i;

	for (i = 0; i < d->npeers; i++)
		if (d->peers[i].nts)
			wake = nts_client_deadline(d->peers[i].nts, wake);
	if (!d->nts)
		return wake;
	next = nts_keys_next(&d->nts->keys, wall_now());
	if (now + (double)next < wake)
		wake = now + (double)next;
	return ntske_server_deadline(&d->nts->ke, wake);
}
