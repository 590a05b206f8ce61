// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_mode6.c - mode 6 request parsing, error replies, reply
 * fragmentation and reply text (user/ntpsecd/mode6.c), and the statistics
 * files' time stamps and file names (user/ntpsecd/statsfile.c).
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ktap.h"
#include "../ntpsecd/mode6.h"
#include "../ntpsecd/statsfile.h"

static size_t request(uint8_t *buf, uint8_t b0, uint8_t b1, uint16_t assoc,
		      uint16_t offset, const char *data)
{
	size_t n = strlen(data), len = MODE6_HEADER_LEN + n;

	memset(buf, 0, MODE6_HEADER_LEN);
	buf[0] = b0;
	buf[1] = b1;
	buf[2] = 0x12;
	buf[3] = 0x34;
	buf[6] = (uint8_t)(assoc >> 8);
	buf[7] = (uint8_t)assoc;
	buf[8] = (uint8_t)(offset >> 8);
	buf[9] = (uint8_t)offset;
	buf[10] = (uint8_t)(n >> 8);
	buf[11] = (uint8_t)n;
	memcpy(buf + MODE6_HEADER_LEN, data, n);
	while (len & 3)
		buf[len++] = 0;
	return len;
}

#define V2_MODE6 (2 << 3 | 6)

static void test_parse_good(void)
{
	uint8_t buf[600];
	struct mode6_request req;
	size_t len = request(buf, V2_MODE6, MODE6_OP_READVAR, 3, 0, "offset");

	CHECK(mode6_parse(buf, len, &req) == MODE6_PARSE_OK);
	CHECK(req.version == 2 && req.opcode == MODE6_OP_READVAR);
	CHECK(req.sequence == 0x1234 && req.associd == 3 && req.count == 6);
	CHECK(!memcmp(req.data, "offset", 6));
	/* An empty request is the smallest valid one. */
	len = request(buf, 4 << 3 | 6, MODE6_OP_READSTAT, 0, 0, "");
	CHECK(len == MODE6_HEADER_LEN);
	CHECK(mode6_parse(buf, len, &req) == MODE6_PARSE_OK);
	CHECK(req.count == 0);
	/* Count 468 with a 24-octet MAC after it: the largest. */
	memset(buf, 0, sizeof(buf));
	buf[0] = V2_MODE6;
	buf[1] = MODE6_OP_READVAR;
	buf[10] = MODE6_MAX_DATA >> 8;
	buf[11] = MODE6_MAX_DATA & 0xff;
	CHECK(mode6_parse(buf, MODE6_MAX_REQUEST, &req) == MODE6_PARSE_OK);
}

static void test_parse_bad(void)
{
	uint8_t buf[600];
	struct mode6_request req;
	size_t len, i;

	len = request(buf, V2_MODE6, MODE6_OP_READVAR, 0, 0, "abc");
	for (i = 0; i < MODE6_HEADER_LEN; i++)
		CHECKF(mode6_parse(buf, i, &req) == MODE6_PARSE_TOO_SHORT,
		       "%zu octets", i);
	CHECK(mode6_parse(buf, MODE6_MAX_REQUEST + 1, &req) == MODE6_PARSE_TOO_LONG);
	buf[0] = 2 << 3 | 3;
	CHECK(mode6_parse(buf, len, &req) == MODE6_PARSE_NOT_MODE6);
	buf[0] = 6;	/* version 0 */
	CHECK(mode6_parse(buf, len, &req) == MODE6_PARSE_BAD_VERSION);
	buf[0] = 5 << 3 | 6;
	CHECK(mode6_parse(buf, len, &req) == MODE6_PARSE_BAD_VERSION);
	buf[0] = V2_MODE6;
	for (i = 0x20; i <= 0x80; i <<= 1) {
		buf[1] = (uint8_t)(i | MODE6_OP_READVAR);
		CHECKF(mode6_parse(buf, len, &req) == MODE6_PARSE_NOT_REQUEST,
		       "flags %#zx", i);
	}
	len = request(buf, V2_MODE6, MODE6_OP_READVAR, 0, 4, "abc");
	CHECK(mode6_parse(buf, len, &req) == MODE6_PARSE_FRAGMENT);
	/* Count past the datagram, and over 468 within a long one. */
	len = request(buf, V2_MODE6, MODE6_OP_READVAR, 0, 0, "abc");
	buf[11] = 9;
	CHECK(mode6_parse(buf, len, &req) == MODE6_PARSE_BAD_COUNT);
	memset(buf + MODE6_HEADER_LEN, 'a', sizeof(buf) - MODE6_HEADER_LEN);
	buf[10] = (MODE6_MAX_DATA + 1) >> 8;
	buf[11] = (MODE6_MAX_DATA + 1) & 0xff;
	CHECK(mode6_parse(buf, MODE6_MAX_REQUEST, &req) == MODE6_PARSE_BAD_COUNT);
	CHECK(!strcmp(mode6_parse_result_name(MODE6_PARSE_BAD_COUNT), "bad count"));
}

/* Random datagrams: the parser's verdict must agree with the octets. */
static void test_parse_random(void)
{
	uint8_t buf[MODE6_MAX_REQUEST + 8];
	struct mode6_request req;
	int i;

	rng_seed(6);
	for (i = 0; i < 20000; i++) {
		size_t len = rng_below(sizeof(buf) + 1), j;

		for (j = 0; j < len; j++)
			buf[j] = (uint8_t)rng_next();
		if (len > 1 && (i & 1)) {
			buf[0] = (uint8_t)((1 + rng_below(4)) << 3 | 6);
			buf[1] &= 0x1f;
			buf[8] = buf[9] = 0;
			buf[10] = 0;
			buf[11] = (uint8_t)rng_below(64);
		}
		if (mode6_parse(buf, len, &req) != MODE6_PARSE_OK)
			continue;
		CHECKF(len >= MODE6_HEADER_LEN && len <= MODE6_MAX_REQUEST &&
		       (buf[0] & 7) == 6 && !(buf[1] & 0xe0) &&
		       req.count <= MODE6_MAX_DATA &&
		       req.data + req.count <= buf + len, "case %d", i);
	}
}

static void test_error_reply(void)
{
	uint8_t buf[64], out[MODE6_HEADER_LEN];
	struct mode6_request req;
	size_t len = request(buf, 3 << 3 | 6, MODE6_OP_WRITEVAR, 7, 0, "x=1");

	CHECK(mode6_parse(buf, len, &req) == MODE6_PARSE_OK);
	CHECK(mode6_error(&req, MODE6_ERR_PERMISSION, out) == MODE6_HEADER_LEN);
	CHECK(out[0] == (3 << 3 | 6));
	CHECK(out[1] == (0x80 | 0x40 | MODE6_OP_WRITEVAR));
	CHECK(out[2] == 0x12 && out[3] == 0x34);
	CHECK(out[4] == MODE6_ERR_PERMISSION && out[5] == 0);
	CHECK(out[6] == 0 && out[7] == 7);
	CHECK(!out[8] && !out[9] && !out[10] && !out[11]);
}

struct collected {
	uint8_t data[MODE6_MAX_REPLY];
	size_t len;
	int n;
	bool more_seen_last;
	bool bad;
};

static void collect(void *ctx, const uint8_t *pkt, size_t len)
{
	struct collected *c = ctx;
	size_t offset = (size_t)(pkt[8] << 8 | pkt[9]);
	size_t count = (size_t)(pkt[10] << 8 | pkt[11]);
	bool more = pkt[1] & 0x20;

	c->n++;
	if (len > MODE6_MAX_DATAGRAM || len & 3 || count > MODE6_MAX_DATA ||
	    len != ((MODE6_HEADER_LEN + count + 3) & ~3U) || offset != c->len ||
	    !(pkt[1] & 0x80) || (pkt[1] & 0x40) || c->more_seen_last)
		c->bad = true;
	if (!more)
		c->more_seen_last = true;
	if (more && count != MODE6_MAX_DATA)
		c->bad = true;
	memcpy(c->data + c->len, pkt + MODE6_HEADER_LEN, count);
	c->len += count;
}

static void test_fragment(void)
{
	static const size_t sizes[] = { 0, 1, 3, 4, 467, 468, 469, 935, 936,
					937, 2000, MODE6_MAX_REPLY };
	static uint8_t data[MODE6_MAX_REPLY + 1];
	uint8_t buf[64];
	struct mode6_request req;
	size_t i, j;

	request(buf, V2_MODE6, MODE6_OP_READVAR, 0, 0, "");
	CHECK(mode6_parse(buf, MODE6_HEADER_LEN, &req) == MODE6_PARSE_OK);
	for (j = 0; j < sizeof(data); j++)
		data[j] = (uint8_t)rng_next();
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct collected c = { 0 };
		int n = mode6_fragment(&req, 0x0600, 0, data, sizes[i],
				       collect, &c);
		int want = sizes[i] ? (int)((sizes[i] + MODE6_MAX_DATA - 1) /
					    MODE6_MAX_DATA) : 1;

		CHECKF(n == want && c.n == want, "%zu octets: %d datagrams",
		       sizes[i], n);
		CHECKF(!c.bad && c.more_seen_last, "%zu octets", sizes[i]);
		CHECKF(c.len == sizes[i] && !memcmp(c.data, data, sizes[i]),
		       "%zu octets reassembled", sizes[i]);
	}
	{
		struct collected c = { 0 };

		CHECK(mode6_fragment(&req, 0, 0, data, MODE6_MAX_REPLY + 1,
				     collect, &c) == -1 && c.n == 0);
	}
}

static void test_next_var(void)
{
	static const char list[] = " srcadr, offset=1.5 ,\r\nx=\"a b\",,jitter\0\0";
	char name[MODE6_NAME_MAX], value[16];
	size_t pos = 0;
	char longname[MODE6_NAME_MAX + 1];

	CHECK(mode6_next_var((const uint8_t *)list, sizeof(list), &pos, name,
			     value, sizeof(value)) == 1);
	CHECK(!strcmp(name, "srcadr") && !value[0]);
	CHECK(mode6_next_var((const uint8_t *)list, sizeof(list), &pos, name,
			     value, sizeof(value)) == 1);
	CHECK(!strcmp(name, "offset") && !strcmp(value, "1.5 "));
	CHECK(mode6_next_var((const uint8_t *)list, sizeof(list), &pos, name,
			     NULL, 0) == 1);
	CHECK(!strcmp(name, "x"));
	CHECK(mode6_next_var((const uint8_t *)list, sizeof(list), &pos, name,
			     value, sizeof(value)) == 1);
	CHECK(!strcmp(name, "jitter"));
	CHECK(mode6_next_var((const uint8_t *)list, sizeof(list), &pos, name,
			     value, sizeof(value)) == 0);
	memset(longname, 'a', sizeof(longname));
	pos = 0;
	CHECK(mode6_next_var((const uint8_t *)longname, sizeof(longname), &pos,
			     name, NULL, 0) == -1);
	pos = 0;
	CHECK(mode6_next_var((const uint8_t *)"a\x01", 2, &pos, name, NULL, 0) == -1);
}

static void test_text(void)
{
	static struct mode6_text t;
	int i;

	mode6_text_init(&t);
	mode6_put(&t, "stratum", "%d", 2);
	mode6_put(&t, "refid", "%s", "GPS");
	CHECK(!strcmp(t.buf, "stratum=2, refid=GPS"));
	for (i = 0; i < 10; i++)
		mode6_put(&t, "offset", "%.6f", 0.123456);
	CHECK(strstr(t.buf, ",\r\n") != NULL);
	for (i = 0; i < (int)t.len; ) {	/* ntpd's lines stay short */
		const char *nl = strstr(t.buf + i, "\r\n");
		size_t line = nl ? (size_t)(nl - t.buf) - i : t.len - i;

		CHECKF(line <= 80, "line of %zu", line);
		i += (int)line + 2;
	}
	while (!t.full)
		mode6_put(&t, "offset", "%.6f", 0.123456);
	CHECK(t.len < sizeof(t.buf) && strlen(t.buf) == t.len);

	mode6_text_init(&t);
	CHECK(mode6_text_want(&t, (const uint8_t *)"refid,offset", 12) == 0);
	CHECK(t.nwant == 2);
	mode6_put(&t, "stratum", "%d", 2);
	mode6_put(&t, "offset", "%d", 1);
	CHECK(!strcmp(t.buf, "offset=1") && t.seen == 2);

	mode6_text_init(&t);
	CHECK(mode6_text_want(&t, (const uint8_t *)"offset, offset", 14) == 0);
	mode6_put(&t, "offset", "%d", 1);
	CHECK(!strcmp(t.buf, "offset=1") && t.seen == 3);
	CHECK(mode6_text_want(&t, (const uint8_t *)"=1", 2) == -1);
}

static void test_stats_names(void)
{
	struct timespec ts = { .tv_sec = 1764159177, .tv_nsec = 315000000 };
	char s[64];

	/* 2025-11-26T12:12:57.315Z is MJD 61005, 43977.315 s. */
	statsfile_stamp(&ts, s, sizeof(s));
	CHECKF(!strcmp(s, "61005 43977.315"), "%s", s);
	statsfile_suffix(&ts, CONFIG_FILEGEN_DAY, s, sizeof(s));
	CHECKF(!strcmp(s, ".20251126"), "%s", s);
	statsfile_suffix(&ts, CONFIG_FILEGEN_NONE, s, sizeof(s));
	CHECK(!s[0]);
	statsfile_suffix(&ts, CONFIG_FILEGEN_MONTH, s, sizeof(s));
	CHECKF(!strcmp(s, ".202511"), "%s", s);
	statsfile_suffix(&ts, CONFIG_FILEGEN_YEAR, s, sizeof(s));
	CHECKF(!strcmp(s, ".2025"), "%s", s);
	ts.tv_sec = 0;
	ts.tv_nsec = 0;
	statsfile_stamp(&ts, s, sizeof(s));
	CHECKF(!strcmp(s, "40587 0.000"), "%s", s);
}

int main(void)
{
	static const struct ktap_case cases[] = {
		{ "mode6_parse: well-formed requests", test_parse_good },
		{ "mode6_parse: short, long, wrong mode/version/flags/offset/count", test_parse_bad },
		{ "mode6_parse: random datagrams agree with the octets", test_parse_random },
		{ "mode6_error: 12 octets, E bit, code in the status", test_error_reply },
		{ "mode6_fragment: 468-octet segments, more bit, offsets, padding", test_fragment },
		{ "mode6_next_var: variable lists", test_next_var },
		{ "mode6_put: pairs, lines, a full buffer, wanted names", test_text },
		{ "statsfile: MJD stamps and file suffixes", test_stats_names },
	};

	return ktap_run_cases(cases, sizeof(cases) / sizeof(cases[0]));
}
