// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_leapsec.c - host unit tests of ntpsecd's leap seconds
 * (user/ntpsecd/leapsec.c): the leap-seconds.list parser and its SHA-1
 * check against tzdata's copy of the IERS file (leap/leap-seconds.list,
 * whose hash was computed by its publisher, not by us), damaged and
 * malformed files, the upstream vote, and when clients are told and the
 * kernel armed.
 */

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ktap.h"
#include "../ntpsecd/leapsec.h"
#include "../wire/ntp_wire.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define JAN_2017	1483228800	/* 2017-01-01T00:00:00Z, the last leap */
#define DEC_31_2016	(JAN_2017 - 86400)

static char real_file[1024];

static struct leap_table table;
static char err[512];

/* A copy of the real file with @from replaced by @to, at @path. */
static void write_variant(const char *path, const char *from, const char *to)
{
	static char text[16384];
	FILE *f = fopen(real_file, "r");
	size_t n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
	char *at;

	if (f)
		fclose(f);
	text[n] = 0;
	f = fopen(path, "w");
	if (!f)
		return;
	at = from ? strstr(text, from) : NULL;
	if (at) {
		fwrite(text, 1, (size_t)(at - text), f);
		fputs(to, f);
		fputs(at + strlen(from), f);
	} else {
		fputs(text, f);
	}
	fclose(f);
}

static void test_real_file(void)
{
	CHECKF(leap_load(real_file, &table, err, sizeof(err)) == 0, "%s", err);
	CHECK(table.n == 28);
	CHECK(table.e[0].tai == 10 && table.e[27].tai == 37);
	CHECK(table.e[27].when == JAN_2017);
	/* "#@ 3991593600": 28 June 2026. */
	CHECK(table.expires == 3991593600LL - NTP_UNIX_EPOCH_OFFSET);
	CHECK(!leap_expired(&table, 1780000000));
	CHECK(leap_expired(&table, 1790000000));
}

static void expect_error(const char *what, const char *from, const char *to,
			 const char *want)
{
	char path[] = "/tmp/test_leapsec.XXXXXX";
	struct leap_table keep;
	int fd = mkstemp(path);

	if (!CHECK(fd >= 0))
		return;
	close(fd);
	write_variant(path, from, to);
	keep = table;
	CHECKF(leap_load(path, &table, err, sizeof(err)) < 0, "%s loaded", what);
	CHECKF(strstr(err, path) && strstr(err, want), "%s: \"%s\", want \"%s\"",
	       what, err, want);
	CHECK(!memcmp(&keep, &table, sizeof(table)));	/* untouched */
	printf("# %s: %s\n", what, err);
	unlink(path);
}

static void test_bad_files(void)
{
	CHECK(leap_load(real_file, &table, err, sizeof(err)) == 0);
	expect_error("one digit changed", "3692217600      37", "3692217601      37",
		     "hash does not match");
	expect_error("expiry moved", "#@\t3991593600", "#@\t3991593601",
		     "hash does not match");
	expect_error("hash removed", "#h\t", "#x\t", "no #h hash line");
	expect_error("hash cut short", "#h\t49db2447 571e5e1b", "#h\t49db2447",
		     "five hexadecimal words");
	expect_error("garbage line", "2272060800", "x272060800", ":");
	expect_error("offset missing", "2272060800      10", "2272060800", "expected");
	expect_error("out of order", "2287785600      11", "2200000000      11",
		     "out of order");
	CHECK(leap_load("/nonexistent/leap", &table, err, sizeof(err)) < 0);
	CHECK(strstr(err, "/nonexistent/leap") != NULL);
}

static void test_vote(void)
{
	int a[] = { 1, 1, 0 }, b[] = { 1, 0, 0, 0 }, c[] = { 1, 1, 0, 0 },
	    d[] = { 2, 2, 2 }, e[] = { 1 };

	CHECK(leap_vote(a, 3) == NTP_LEAP_ADD_SECOND);
	CHECK(leap_vote(b, 4) == NTP_LEAP_NONE);
	CHECK(leap_vote(c, 4) == NTP_LEAP_NONE);	/* half is no majority */
	CHECK(leap_vote(d, 3) == NTP_LEAP_DEL_SECOND);
	CHECK(leap_vote(e, 1) == NTP_LEAP_ADD_SECOND);
	CHECK(leap_vote(NULL, 0) == NTP_LEAP_NONE);
}

static void test_month_end(void)
{
	CHECK(leap_month_end(DEC_31_2016 + 43200) == JAN_2017);
	CHECK(leap_month_end(JAN_2017) == JAN_2017 + 31 * 86400);
	CHECK(leap_month_end(1435708799) == 1435708800);	/* 2015-06-30T23:59:59 */
}

static void test_decide(void)
{
	struct leap_decision d;

	CHECK(leap_load(real_file, &table, err, sizeof(err)) == 0);
	/* The last day: told and armed. */
	leap_decide(&table, NTP_LEAP_NONE, DEC_31_2016 + 3600, &d);
	CHECK(d.li == NTP_LEAP_ADD_SECOND && d.arm == 1 && d.when == JAN_2017);
	CHECK(d.source == LEAP_SRC_FILE);
	/* Three weeks before: told, not armed. */
	leap_decide(&table, NTP_LEAP_NONE, JAN_2017 - 21 * 86400, &d);
	CHECK(d.li == NTP_LEAP_ADD_SECOND && d.arm == 0);
	/* Two months before, and after: nothing; upstream votes lose. */
	leap_decide(&table, NTP_LEAP_ADD_SECOND, JAN_2017 - 60 * 86400, &d);
	CHECK(d.li == NTP_LEAP_NONE && d.arm == 0 && d.source == LEAP_SRC_FILE);
	leap_decide(&table, NTP_LEAP_NONE, JAN_2017, &d);
	CHECK(d.li == NTP_LEAP_NONE && d.arm == 0);
	/* Without a file the upstream vote means the end of this month. */
	leap_decide(NULL, NTP_LEAP_ADD_SECOND, 1435708800 - 7200, &d);
	CHECK(d.li == NTP_LEAP_ADD_SECOND && d.arm == 1 && d.when == 1435708800);
	CHECK(d.source == LEAP_SRC_UPSTREAM);
	leap_decide(NULL, NTP_LEAP_DEL_SECOND, 1435708800 - 5 * 86400, &d);
	CHECK(d.li == NTP_LEAP_DEL_SECOND && d.arm == 0);
	leap_decide(NULL, NTP_LEAP_NONE, 1435708800 - 7200, &d);
	CHECK(d.li == NTP_LEAP_NONE && d.arm == 0 && d.source == LEAP_SRC_NONE);
}

static const struct ktap_case cases[] = {
	{ "tzdata's leap-seconds.list: hash, entries, expiry", test_real_file },
	{ "damaged or malformed files: file:line errors, table kept", test_bad_files },
	{ "upstream leap bits: a majority of survivors", test_vote },
	{ "the end of the month", test_month_end },
	{ "told 28 days ahead, kernel armed on the last day", test_decide },
};

int main(void)
{
	const char *dir = getenv("srcdir");

	snprintf(real_file, sizeof(real_file), "%s/user/tests/leap/leap-seconds.list",
		 dir ? dir : ".");
	return ktap_run_cases(cases, ARRAY_SIZE(cases));
}
