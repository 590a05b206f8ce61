// SPDX-License-Identifier: BSD-2-Clause
/*
 * Statistics files as NTPsec writes them (ntp_util.c, ntp_filegen.c), so
 * ntpviz and the scripts written for ntpd read them unchanged.  See
 * statsfile.h.
 */

#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "statsfile.h"

#define MJD_UNIX_EPOCH 40587	/* MJD of 1970-01-01 */
#define NTP_DEFAULT_STATSDIR "/var/NTP/"	/* NTPsec's built-in default */

void statsfile_stamp(const struct timespec *ts, char *prefix, size_t plen)
{
	long day = (long)(ts->tv_sec / 86400);
	long sec = (long)(ts->tv_sec % 86400);

	snprintf(prefix, plen, "%ld %ld.%03ld", day + MJD_UNIX_EPOCH, sec,
		 ts->tv_nsec / 1000000);
}

void statsfile_suffix(const struct timespec *ts, int type, char *suffix,
		      size_t slen)
{
	struct tm tm;

	gmtime_r(&ts->tv_sec, &tm);
	switch (type) {
	case CONFIG_FILEGEN_NONE:
		suffix[0] = 0;
		break;
	case CONFIG_FILEGEN_WEEK:	/* ntpd: day of the year / 7 */
		snprintf(suffix, slen, ".%04dW%02d", tm.tm_year + 1900,
			 tm.tm_yday / 7);
		break;
	case CONFIG_FILEGEN_MONTH:
		snprintf(suffix, slen, ".%04d%02d", tm.tm_year + 1900,
			 tm.tm_mon + 1);
		break;
	case CONFIG_FILEGEN_YEAR:
		snprintf(suffix, slen, ".%04d", tm.tm_year + 1900);
		break;
	default:			/* day, and age written as day */
		snprintf(suffix, slen, ".%04d%02d%02d", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday);
		break;
	}
}

void statsfiles_close(struct statsfiles *s)
{
	int i;

	for (i = 0; i < CONFIG_STAT_COUNT; i++) {
		if (s->f[i].fp)
			fclose(s->f[i].fp);
		s->f[i].fp = NULL;
		s->f[i].failed = false;
	}
}

void statsfiles_configure(struct statsfiles *s, const struct config *cfg)
{
	statsfiles_close(s);
	s->cfg = cfg;
}

static void path_of(const struct statsfiles *s, int kind, const char *suffix,
		    char *path, size_t len)
{
	const char *dir = s->cfg->statsdir[0] ? s->cfg->statsdir :
						NTP_DEFAULT_STATSDIR;
	size_t n = strlen(dir);

	snprintf(path, len, "%s%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/",
		 s->cfg->filegen[kind].file, suffix);
}

/* STATSDIR/FILE -> FILE.SUFFIX, replaced atomically. */
static void relink(const struct statsfiles *s, int kind, const char *suffix)
{
	char link[PATH_MAX], tmp[PATH_MAX + 8], target[CONFIG_FILENAME_MAX + 16];

	path_of(s, kind, "", link, sizeof(link));
	snprintf(tmp, sizeof(tmp), "%s.link", link);
	snprintf(target, sizeof(target), "%s%s", s->cfg->filegen[kind].file,
		 suffix);
	unlink(tmp);
	if (symlink(target, tmp) || rename(tmp, link)) {
		log_msg(LOG_WARNING, "statistics: cannot link %s: %s", link,
			strerror(errno));
		unlink(tmp);
	}
}

/* The open file for @kind at @ts, a new one when the period changed. */
static FILE *file_for(struct statsfiles *s, int kind,
		      const struct timespec *ts)
{
	const struct config_filegen *fg = &s->cfg->filegen[kind];
	struct statsfile *f = &s->f[kind];
	char suffix[sizeof(f->suffix)], path[PATH_MAX];

	statsfile_suffix(ts, fg->type, suffix, sizeof(suffix));
	if (f->fp && !strcmp(suffix, f->suffix))
		return f->fp;
	if (f->failed && !strcmp(suffix, f->suffix))
		return NULL;
	if (f->fp)
		fclose(f->fp);
	snprintf(f->suffix, sizeof(f->suffix), "%s", suffix);
	path_of(s, kind, suffix, path, sizeof(path));
	f->fp = fopen(path, "ae");
	f->failed = !f->fp;
	if (!f->fp) {
		log_msg(LOG_WARNING, "statistics: cannot open %s: %s", path,
			strerror(errno));
		return NULL;
	}
	if (suffix[0] && !fg->nolink)
		relink(s, kind, suffix);
	return f->fp;
}

static FILE *begin(struct statsfiles *s, int kind, char *prefix, size_t plen)
{
	struct timespec ts;
	FILE *fp;

	if (!s->cfg || !(s->cfg->statistics & 1U << kind))
		return NULL;
	clock_gettime(CLOCK_REALTIME, &ts);
	fp = file_for(s, kind, &ts);
	if (fp)
		statsfile_stamp(&ts, prefix, plen);
	return fp;
}

void statsfiles_loop(struct statsfiles *s, double offset, double freq_ppm,
		     double jitter, double wander_ppm, int tc)
{
	char prefix[48];
	FILE *fp = begin(s, CONFIG_STAT_LOOPSTATS, prefix, sizeof(prefix));

	if (!fp)
		return;
	fprintf(fp, "%s %.9f %.6f %.9f %.6f %d\n", prefix, offset, freq_ppm,
		jitter, wander_ppm, tc);
	fflush(fp);
}

void statsfiles_peer(struct statsfiles *s, const char *addr,
		     unsigned int status, double offset, double delay,
		     double disp, double jitter)
{
	char prefix[48];
	FILE *fp = begin(s, CONFIG_STAT_PEERSTATS, prefix, sizeof(prefix));

	if (!fp)
		return;
	fprintf(fp, "%s %s %x %.9f %.9f %.9f %.9f\n", prefix, addr, status,
		offset, delay, disp, jitter);
	fflush(fp);
}
