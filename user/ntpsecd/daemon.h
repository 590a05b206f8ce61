/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef NTPSECD_DAEMON_H
#define NTPSECD_DAEMON_H

#include <stdbool.h>

#include "access.h"
#include "assoc.h"
#include "auth.h"
#include "clock.h"
#include "leapsec.h"
#include "ntpconf.h"
#include "peer.h"
#include "server.h"

#define DAEMON_MAX_PEERS CONFIG_MAX_SERVERS

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

	int ctl_fd;			/* control socket, or -1 */
	const char *ctl_path;
};

/* system.c: selection, the system variables, the discipline. */
void system_select(struct daemon *d, double now);
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

/* control.c: the Unix socket ntpsecctl sources/tracking read. */
int control_open(struct daemon *d, const char *path);
void control_serve(struct daemon *d);
void control_close(struct daemon *d);

#endif
