/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef NTPSECD_DAEMON_H
#define NTPSECD_DAEMON_H

#include <stdbool.h>

#include "access.h"
#include "assoc.h"
#include "auth.h"
#include "clock.h"
#include "leapsec.h"
#include "mode6.h"
#include "ntpconf.h"
#include "peer.h"
#include "server.h"
#include "statsfile.h"

#define DAEMON_MAX_PEERS CONFIG_MAX_SERVERS

struct nts_server_side;

/* Everything the daemon holds; one instance, owned by main(). */
struct daemon {
	const char *config_path;
	struct config cfg;
	struct keyring keys;
	struct access acl;
	struct server srv;
	bool kernel;			/* the module serves our sockets */

	int npeers;
	struct peer peers[DAEMON_MAX_PEERS];
	struct assoc_name names[CONFIG_MAX_SERVERS];	/* per server/pool line */
	struct filter_params fp;
	struct select_params sp;

	bool discipline;		/* "disable ntp" turns it off */
	bool allow_big_step;		/* -g */
	bool once;			/* -q: set the clock and exit */
	bool synced;
	bool panic;			/* beyond the panic threshold: exit */
	struct clock_state clk;
	double disc_sample;		/* the system peer's sample last used */

	struct leap_table leaps;	/* from the leapfile */
	bool have_leaps;		/* loaded and hash-checked */
	bool leaps_expired_logged;
	int leap_vote;			/* the survivors' majority */
	struct leap_decision leap;	/* what clients and the kernel are told */
	int kstatus_synced, kstatus_arm;	/* last set in the kernel; -2: never */
	struct ntp_server_state sys;	/* what we tell our clients */
	double sys_offset, sys_jitter;
	int syspeer;			/* index, or -1 */
	enum select_outcome outcome;

	struct nts_server_side *nts;	/* "nts enable", else NULL */

	int ctl_fd;			/* control socket, or -1 */
	const char *ctl_path;

	struct mode6_counters m6;
	uint8_t m6_secret[16];		/* keys the MRU nonces */
	struct statsfiles stats;
};

/* system.c: selection, the system variables, the discipline. */
void system_select(struct daemon *d, double now);
bool system_awaits_first_update(const struct daemon *d);
/* A peerstats line for @p's latest sample. */
void system_record_peer(struct daemon *d, const struct peer *p);
/* The module and the fallback server get the current state and limits. */
int system_push_state(struct daemon *d);
int system_apply_limits(struct daemon *d);
/* (Re)reads the leapfile, if any; a bad one is logged and not used. */
void system_load_leapfile(struct daemon *d);
/*
 * Leap second decision and kernel status, from the file and the vote: at
 * each selection and every few seconds (the date moves on by itself).
 */
void system_leap(struct daemon *d);

/*
 * mode6_vars.c: ntpq's and ntpmon's read-only mode 6 requests, for the
 * server's callback (struct server.mode6).
 */
void mode6_init(struct daemon *d);
/* An association's status word, as READSTAT lists it. */
uint16_t mode6_peer_status_of(const struct peer *p);
void mode6_receive(void *ctx, int family, const uint8_t *src,
		   const uint8_t *buf, size_t len,
		   void (*send)(void *sctx, const uint8_t *pkt, size_t len),
		   void *sctx);

/* control.c: the Unix socket ntpsecctl sources/tracking read. */
int control_open(struct daemon *d, const char *path);
void control_serve(struct daemon *d);
void control_close(struct daemon *d);

#endif
