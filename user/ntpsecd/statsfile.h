/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef NTPSECD_STATSFILE_H
#define NTPSECD_STATSFILE_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "ntpconf.h"

/*
 * NTPsec's statistics files: one line per event, in ntpd's formats, in
 * STATSDIR/FILE.YYYYMMDD (filegen type day; .YYYYWww, .YYYYMM, .YYYY for
 * week, month, year; no suffix for none), a new file each period, and a
 * symbolic link STATSDIR/FILE to the current one unless nolink.
 *   loopstats: MJD seconds offset(s) frequency(ppm) jitter(s) wander(ppm) tc
 *   peerstats: MJD seconds address status(hex) offset delay dispersion
 *              jitter (s)
 */
struct statsfile {
	FILE *fp;
	char suffix[16];	/* of the open file's period */
	bool failed;		/* an open failed: logged once per period */
};

struct statsfiles {
	const struct config *cfg;
	struct statsfile f[CONFIG_STAT_COUNT];
};

/* Takes @cfg (kept by reference) and closes what is open; for reloads too. */
void statsfiles_configure(struct statsfiles *s, const struct config *cfg);
void statsfiles_close(struct statsfiles *s);

void statsfiles_loop(struct statsfiles *s, double offset, double freq_ppm,
		     double jitter, double wander_ppm, int tc);
void statsfiles_peer(struct statsfiles *s, const char *addr,
		     unsigned int status, double offset, double delay,
		     double disp, double jitter);

/*
 * The record's "MJD seconds" prefix and the file suffix of @type for the
 * UTC time @ts; for the unit tests.
 */
void statsfile_stamp(const struct timespec *ts, char *prefix, size_t plen);
void statsfile_suffix(const struct timespec *ts, int type, char *suffix,
		      size_t slen);

#endif
