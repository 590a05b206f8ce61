/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef NTPSECD_SERVER_H
#define NTPSECD_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/ntpsec.h>

#include "access.h"
#include "auth.h"
#include "../wire/ntp_ratelimit.h"
#include "../wire/nts_wire.h"

struct server_ratelimit {
	bool enabled;
	bool kod;
	uint8_t leak;
	uint64_t interval_ns, tolerance_ns;
	unsigned int sets;		/* table has sets * NTP_RL_WAYS entries */
	struct ntp_rl_entry *table;
};

/* NTS-protected requests (RFC 8915 section 5), one counter per outcome. */
struct server_nts_stats {
	uint64_t ok;			/* verified and answered */
	uint64_t nak_cookie;		/* NTSN: unknown or forged cookie */
	uint64_t nak_auth;		/* NTSN: authenticator did not verify */
	uint64_t malformed;		/* NTS fields wrong: dropped */
	uint64_t failed;		/* no room, crypto error: dropped */
};

/*
 * The daemon's own NTP server, on the port-123 sockets it owns: it answers
 * what the module passes up, or everything when there is no module, with
 * the module's semantics and its counters (enum ntpsec_counter).
 */
struct server {
	int fd[2];			/* IPv4, IPv6; -1 if not open */
	const struct access *acl;
	const struct keyring *keys;
	struct server_ratelimit rl;
	struct ntp_server_state state;
	bool have_state;
	uint64_t ctr[NTPSEC_CTR_MAX];
	uint64_t unserved;		/* modes 1, 2, 5 (6 without mode6): not answered */
	/* NTS: set while "nts enable" is in force, else NULL. */
	const struct nts_aead_ops *nts;
	const struct nts_master_keys *nts_keys;
	struct server_nts_stats nts_stats;
	/*
	 * Mode 6 goes here, if set: @send(@sctx, ...) sends one datagram
	 * back from the address the request was sent to.
	 */
	void (*mode6)(void *ctx, int family, const uint8_t *src,
		      const uint8_t *buf, size_t len,
		      void (*send)(void *sctx, const uint8_t *pkt, size_t len),
		      void *sctx);
	void *mode6_ctx;
};

/* Binds the wildcard addresses of @port, IPv6 only on the IPv6 socket. */
int server_open(struct server *srv, uint16_t port, char *err, size_t errlen);
void server_close(struct server *srv);
/* Answers what is queued on @fd. */
void server_receive(struct server *srv, int fd);
/* Rate limit as NTPSEC_CMD_SET_RATELIMIT has it; 0 or -1 (no memory). */
int server_set_ratelimit(struct server *srv, bool enabled, int interval,
			 unsigned int burst, unsigned int leak,
			 unsigned int table_size, bool kod);

#endif
