// SPDX-License-Identifier: BSD-2-Clause
/*
 * nts.c - "nts enable": master keys, the NTS-KE server, and the userspace
 * NTP server armed for NTS, started and run from the daemon's loop.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "daemon.h"
#include "log.h"
#include "nts.h"
#include "nts_siv.h"

static int64_t wall_now(void)
{
	return (int64_t)time(NULL);
}

int nts_module_push_keys(const struct nts_master_keys *mks, void *daemon)
{
	struct daemon *d = daemon;
	static bool said;

	(void)mks;
	if (d->kernel && !said) {
		log_msg(LOG_INFO, "NTS: the module cannot take cookie keys yet; NTS requests are passed up and served here");
		said = true;
	}
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

	if (!n)
		return;
	d->srv.nts = NULL;
	d->srv.nts_keys = NULL;
	ntske_server_close(&n->ke);
	nts_keys_wipe(&n->keys);
	nts_siv_uninit(&n->ops);
	free(n);
	d->nts = NULL;
}

int nts_pollfds(struct daemon *d, struct pollfd *pfd)
{
	return d->nts ? ntske_server_pollfds(&d->nts->ke, pfd) : 0;
}

void nts_process(struct daemon *d, const struct pollfd *pfd, int n,
		 double now)
{
	if (!d->nts)
		return;
	ntske_server_process(&d->nts->ke, pfd, n, now);
	nts_keys_tick(&d->nts->keys, wall_now());
}

double nts_deadline(struct daemon *d, double now, double wake)
{
	int64_t next;

	if (!d->nts)
		return wake;
	next = nts_keys_next(&d->nts->keys, wall_now());
	if (now + (double)next < wake)
		wake = now + (double)next;
	return ntske_server_deadline(&d->nts->ke, wake);
}
