/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nts.h - the daemon's NTS server side, as main.c sees it: "nts enable"
 * starts the NTS-KE server and the cookie master keys and arms the
 * userspace server for NTS-protected requests.  Kept apart from main.c so
 * the loop gains only a few calls.
 */
#ifndef NTPSECD_NTS_H
#define NTPSECD_NTS_H

#include <poll.h>

#include "ntpconf.h"
#include "ntske_server.h"
#include "nts_keys.h"

struct daemon;

struct nts_server_side {
	struct nts_aead_ops ops;
	struct nts_keystore keys;
	struct ntske_server ke;
};

/* The server's, and one NTS-KE client connection per association. */
#define NTS_POLLFDS (NTSKE_POLLFDS + CONFIG_MAX_SERVERS)

/* Nothing when "nts enable" is not given; 0, or -1 having said why. */
int nts_start(struct daemon *d);
void nts_stop(struct daemon *d);
int nts_pollfds(struct daemon *d, struct pollfd *pfd, double now);
/* @now is monotonic; the key rotation reads the real-time clock. */
void nts_process(struct daemon *d, const struct pollfd *pfd, int n,
		 double now);
/* When the loop must wake at the latest for NTS (timeouts, rotation). */
double nts_deadline(struct daemon *d, double now, double wake);

/*
 * The client side: gives @p (an association of a "server ... nts" line)
 * its NTS client; the key exchange goes to @host at the peer's address.
 * 0, or -1 having said why (then the server is not used).
 */
struct peer;
int nts_peer_start(struct daemon *d, struct peer *p, const char *host);
void nts_peer_stop(struct peer *p);

/*
 * The boundary to the module: the daemon hands it the current and the old
 * master keys whenever they change (NTPSEC_CMD_SET_NTS_KEYS), so that the
 * kernel opens and issues the same cookies.
 */
int nts_module_push_keys(const struct nts_master_keys *mks, void *daemon);

#endif
