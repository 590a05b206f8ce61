/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef NTPSECD_PEER_H
#define NTPSECD_PEER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "auth.h"
#include "filter.h"
#include "ntpconf.h"
#include "select.h"

struct nts_client;

/* The largest request or reply: an NTS one with seven placeholders. */
#define PEER_MAX_PACKET		1280

/*
 * One upstream association (server, or one address of a pool).  Requests
 * leave from a fresh socket with a random source port and carry a random
 * transmit timestamp (RFC 9109, RFC 8633 data minimisation); a reply counts
 * only if its origin timestamp echoes that nonce, once.
 */
struct peer {
	struct config_server cfg;
	char name[80];			/* address as text, for logs */
	struct sockaddr_storage addr;
	socklen_t addrlen;

	int fd;				/* the outstanding request's, or -1 */
	uint64_t nonce;			/* its transmit timestamp */
	double t1;			/* when it left, CLOCK_REALTIME s */

	int poll;			/* log2 s */
	uint8_t reach;			/* shift register of answered polls */
	int burst;			/* iburst requests still to send */
	int good_in_row;		/* samples since the poll last changed */
	double next_poll;		/* monotonic s */
	bool dead;			/* DENY/RSTR kiss: never poll again */
	bool answered;			/* the last request got a reply */
	unsigned int unanswered;	/* polls in a row without a reply */

	int origin;			/* index of its server/pool line (assoc.c) */
	double false_since;		/* a falseticker since, monotonic s; 0: not */

	/* From the server's last good packet. */
	int stratum;
	int leap;
	uint32_t refid;
	double root_delay, root_disp;

	struct filter filter;
	struct filter_result stats;	/* valid once stats.status != EMPTY */
	bool have_stats;
	enum select_state state;

	uint64_t sent, received, bogus, kod;

	/* "nts": its NTS client (nts_client.c); NULL for plain or MAC. */
	struct nts_client *nts;
};

void peer_init(struct peer *p, const struct config_server *cfg,
	       const struct sockaddr_storage *addr, socklen_t addrlen,
	       double now);
/* Sends a request if one is due at @now; returns the fd to watch or -1. */
int peer_poll(struct peer *p, const struct keyring *keys, double now);
/*
 * Reads the reply on p->fd.  Returns true when it added a sample to the
 * filter (selection should run), false otherwise (dropped and counted).
 */
bool peer_receive(struct peer *p, const struct keyring *keys,
		  const struct filter_params *fp, double now);
/*
 * After the clock was stepped: the samples, and any reply to a request sent
 * before the step, describe a clock that is gone (RFC 5905 clear()).
 */
void peer_reset(struct peer *p, double now);
/* Closes the outstanding request's socket, if any. */
void peer_close(struct peer *p);
/* When this peer next needs attention, monotonic s. */
double peer_deadline(const struct peer *p);

#endif
