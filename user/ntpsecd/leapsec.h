/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef NTPSECD_LEAPSEC_H
#define NTPSECD_LEAPSEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Leap seconds: the IERS/NIST leap-seconds.list file (its SHA-1 hash and
 * its expiry checked), the upstream servers' leap indicators (a majority
 * of the survivors), and the decision both give: what our clients are
 * told and when the kernel is armed.
 *
 * A leap second happens at the end of a UTC month's last day; the file
 * names the instant after it (the first second of the next month, as NTP
 * seconds) and the TAI-UTC offset from then on.  Clients are told during
 * the 28 days before (RFC 5905's leap indicator; as ntpd does), and the
 * kernel, which inserts or deletes at the end of whatever UTC day it is
 * armed on, only on that last day.
 */

#define LEAP_MAX_ENTRIES 128
#define LEAP_ANNOUNCE_S (28 * 86400)

struct leap_entry {
	int64_t when;		/* Unix s at which @tai takes effect */
	int tai;		/* TAI - UTC from then on, s */
};

struct leap_table {
	unsigned int n;
	struct leap_entry e[LEAP_MAX_ENTRIES];
	int64_t updated;	/* "#$", Unix s */
	int64_t expires;	/* "#@", Unix s */
};

/*
 * Reads @path into @t.  A syntax error, entries out of order, a missing or
 * wrong "#h" hash fail with a message naming the file and line in @err;
 * @t is untouched then.  An expired file loads (its past leaps are still
 * true): leap_expired() says so.
 */
int leap_load(const char *path, struct leap_table *t, char *err, size_t len);
bool leap_expired(const struct leap_table *t, int64_t now);

/*
 * The upstream leap indicators of the survivors (NTP LI values; 3, not
 * synchronized, never votes): insert or delete when more than half say
 * so, else none.
 */
int leap_vote(const int *li, int n);

/* The first second of the UTC month after the one @now is in. */
int64_t leap_month_end(int64_t now);

enum leap_source { LEAP_SRC_NONE, LEAP_SRC_FILE, LEAP_SRC_UPSTREAM };

struct leap_decision {
	int li;			/* what we tell clients: NTP_LEAP_NONE/ADD/DEL */
	int arm;		/* kernel: +1 insert, -1 delete today, 0 none */
	int64_t when;		/* the leap's instant (Unix s), 0 if none */
	enum leap_source source;
};

/*
 * @t (NULL without a usable file: none, bad, or expired) decides when it
 * knows; otherwise the upstream vote @vote, which means the end of the
 * current month.
 */
void leap_decide(const struct leap_table *t, int vote, int64_t now,
		 struct leap_decision *out);
const char *leap_source_name(enum leap_source s);

#endif
