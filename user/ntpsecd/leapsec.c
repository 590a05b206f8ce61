// SPDX-License-Identifier: BSD-2-Clause
/*
 * Leap seconds (see leapsec.h).  The file format is the one NIST and the
 * IERS publish and tzdata ships as leap-seconds.list:
 *
 *   #$ <NTP seconds>          last update
 *   #@ <NTP seconds>          expiry
 *   <NTP seconds> <TAI-UTC>   [# comment]   one per leap, in order
 *   #h <five hex words>       SHA-1 of the digits above
 *
 * The hash covers only the digits of the "#$" and "#@" lines and of the
 * data lines up to their comments, in file order, so that reformatting
 * whitespace does not break it while any changed number does.
 */

#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/evp.h>

#include "leapsec.h"
#include "../wire/ntp_wire.h"

#define SHA1_LEN 20

struct leap_parse {
	const char *path;
	unsigned int line;
	char *err;
	size_t len;
};

__attribute__((format(printf, 2, 3)))
static int fail(struct leap_parse *lp, const char *fmt, ...)
{
	int n = snprintf(lp->err, lp->len, "%s:%u: ", lp->path, lp->line);
	va_list ap;

	if (n < 0 || (size_t)n >= lp->len)
		return -1;
	va_start(ap, fmt);
	vsnprintf(lp->err + n, lp->len - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static void hash_digits(EVP_MD_CTX *md, const char *s)
{
	for (; *s && *s != '#'; s++)
		if (isdigit((unsigned char)*s))
			EVP_DigestUpdate(md, s, 1);
}

/* An NTP time stamp in seconds, as Unix seconds. */
static int parse_ntp_seconds(const char *s, int64_t *out)
{
	char *end;
	unsigned long long v;

	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || v > UINT32_MAX)	/* era 0: until 2036, as the file is */
		return -1;
	while (isspace((unsigned char)*end))
		end++;
	if (*end && *end != '#')
		return -1;
	*out = (int64_t)v - NTP_UNIX_EPOCH_OFFSET;
	return 0;
}

static int parse_hash(const char *s, uint8_t out[SHA1_LEN])
{
	unsigned int i;

	for (i = 0; i < 5; i++) {
		unsigned long w;
		char *end;

		while (isspace((unsigned char)*s))
			s++;
		if (!isxdigit((unsigned char)*s))
			return -1;
		errno = 0;
		w = strtoul(s, &end, 16);
		/* Words lose their leading zeros in some copies. */
		if (errno || w > 0xffffffffUL || end - s > 8)
			return -1;
		out[4 * i] = (uint8_t)(w >> 24);
		out[4 * i + 1] = (uint8_t)(w >> 16);
		out[4 * i + 2] = (uint8_t)(w >> 8);
		out[4 * i + 3] = (uint8_t)w;
		s = end;
	}
	while (isspace((unsigned char)*s))
		s++;
	return *s ? -1 : 0;
}

static int parse_entry(struct leap_parse *lp, const char *s,
		       struct leap_table *t)
{
	struct leap_entry e;
	long long ntp;
	int tai, used;

	if (sscanf(s, "%lld %d%n", &ntp, &tai, &used) != 2 || ntp < 0 ||
	    ntp > UINT32_MAX)
		return fail(lp, "expected \"NTP-seconds TAI-offset\"");
	s += used;
	while (isspace((unsigned char)*s))
		s++;
	if (*s && *s != '#')
		return fail(lp, "unexpected \"%.20s\" after the offset", s);
	e.when = ntp - NTP_UNIX_EPOCH_OFFSET;
	e.tai = tai;
	if (t->n == LEAP_MAX_ENTRIES)
		return fail(lp, "more than %d entries", LEAP_MAX_ENTRIES);
	if (t->n && (e.when <= t->e[t->n - 1].when ||
		     abs(e.tai - t->e[t->n - 1].tai) != 1))
		return fail(lp, "entry out of order or not a one-second step from the one before");
	t->e[t->n++] = e;
	return 0;
}

static int parse_line(struct leap_parse *lp, char *s, EVP_MD_CTX *md,
		      struct leap_table *t, uint8_t hash[SHA1_LEN],
		      bool *have_hash)
{
	s[strcspn(s, "\r\n")] = 0;
	if (*have_hash && *s && *s != '#')
		return fail(lp, "data after the #h hash line");
	if (!strncmp(s, "#$", 2) || !strncmp(s, "#@", 2)) {
		int64_t *v = s[1] == '$' ? &t->updated : &t->expires;

		if (parse_ntp_seconds(s + 2, v))
			return fail(lp, "%.2s: expected NTP seconds", s);
		hash_digits(md, s + 2);
		return 0;
	}
	if (!strncmp(s, "#h", 2)) {
		if (parse_hash(s + 2, hash))
			return fail(lp, "#h: expected five hexadecimal words (SHA-1)");
		*have_hash = true;
		return 0;
	}
	if (*s == '#' || !*s || strspn(s, " \t") == strlen(s))
		return 0;
	if (!isdigit((unsigned char)*s))
		return fail(lp, "expected a number or a # comment");
	hash_digits(md, s);
	return parse_entry(lp, s, t);
}

int leap_load(const char *path, struct leap_table *out, char *err, size_t len)
{
	static struct leap_table t;
	struct leap_parse lp = { .path = path, .err = err, .len = len };
	uint8_t want[SHA1_LEN], got[EVP_MAX_MD_SIZE];
	unsigned int got_len = 0;
	bool have_hash = false;
	char line[512];
	EVP_MD_CTX *md;
	FILE *f;
	int ret = -1;

	f = fopen(path, "r");
	if (!f) {
		snprintf(err, len, "%s: %s", path, strerror(errno));
		return -1;
	}
	md = EVP_MD_CTX_new();
	if (!md || !EVP_DigestInit_ex(md, EVP_sha1(), NULL)) {
		snprintf(err, len, "%s: no SHA-1 in this OpenSSL", path);
		goto out;
	}
	memset(&t, 0, sizeof(t));
	t.updated = t.expires = INT64_MIN;
	while (fgets(line, sizeof(line), f)) {
		lp.line++;
		if (parse_line(&lp, line, md, &t, want, &have_hash))
			goto out;
	}
	lp.line++;
	if (t.expires == INT64_MIN)
		fail(&lp, "no #@ expiry line");
	else if (!t.n)
		fail(&lp, "no leap second entries");
	else if (!have_hash)
		fail(&lp, "no #h hash line: the file cannot be checked");
	else if (!EVP_DigestFinal_ex(md, got, &got_len) || got_len != SHA1_LEN ||
		 memcmp(got, want, SHA1_LEN))
		fail(&lp, "the #h hash does not match the contents: damaged or altered");
	else
		ret = 0;
	if (!ret)
		*out = t;
out:
	EVP_MD_CTX_free(md);
	fclose(f);
	return ret;
}

bool leap_expired(const struct leap_table *t, int64_t now)
{
	return now >= t->expires;
}

int leap_vote(const int *li, int n)
{
	int add = 0, del = 0, i;

	for (i = 0; i < n; i++) {
		if (li[i] == NTP_LEAP_ADD_SECOND)
			add++;
		else if (li[i] == NTP_LEAP_DEL_SECOND)
			del++;
	}
	if (2 * add > n)
		return NTP_LEAP_ADD_SECOND;
	if (2 * del > n)
		return NTP_LEAP_DEL_SECOND;
	return NTP_LEAP_NONE;
}

int64_t leap_month_end(int64_t now)
{
	time_t t = (time_t)now;
	struct tm tm;

	gmtime_r(&t, &tm);
	tm.tm_mday = 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mon++;		/* timegm() carries December into January */
	return (int64_t)timegm(&tm);
}

static void decide(struct leap_decision *out, int li, int64_t when,
		   int64_t now, enum leap_source src)
{
	out->li = li;
	out->when = when;
	out->source = src;
	/* The kernel leaps at the end of the UTC day it is armed on. */
	out->arm = 0;
	if (now >= when - 86400 && now < when)
		out->arm = li == NTP_LEAP_ADD_SECOND ? 1 : li == NTP_LEAP_DEL_SECOND ? -1 : 0;
}

void leap_decide(const struct leap_table *t, int vote, int64_t now,
		 struct leap_decision *out)
{
	memset(out, 0, sizeof(*out));
	if (t) {
		unsigned int i;

		for (i = 1; i < t->n; i++) {
			int64_t when = t->e[i].when;

			if (when <= now || when - now > LEAP_ANNOUNCE_S)
				continue;
			decide(out, t->e[i].tai > t->e[i - 1].tai ?
			       NTP_LEAP_ADD_SECOND : NTP_LEAP_DEL_SECOND, when, now,
			       LEAP_SRC_FILE);
			return;
		}
		out->source = LEAP_SRC_FILE;	/* the file knows of none */
		return;
	}
	if (vote == NTP_LEAP_ADD_SECOND || vote == NTP_LEAP_DEL_SECOND)
		decide(out, vote, leap_month_end(now), now, LEAP_SRC_UPSTREAM);
}

const char *leap_source_name(enum leap_source s)
{
	switch (s) {
	case LEAP_SRC_FILE: return "leapfile";
	case LEAP_SRC_UPSTREAM: return "upstream";
	default: return "none";
	}
}
