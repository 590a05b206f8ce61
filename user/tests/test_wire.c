// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_wire.c - host unit tests of the shared NTP wire code.
 *
 * Each test case runs many checks and reports one KTAP line, so the plan is
 * the number of cases, known before the first one runs.  A failed check
 * prints a "#" diagnostic naming its line.  Every packet goes through
 * parse_checked(): a heap copy that ends where its allocation ends (ASan
 * sees any over-read), the same octets between guard bands of 0x00 and of
 * 0xff (the result must not change, which catches over-reads without ASan),
 * the structural invariants, and a reference classifier restating the rules
 * of RFC 5905 and RFC 7822.
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktap.h"
#include "wire_model.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define PKT_MAX		65536	/* no case builds a larger packet */
#define GUARD_LEN	64
#define NSEC_PER_SEC	1000000000U



static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v / 256U);
	p[1] = (uint8_t)(v % 256U);
}

static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)(v & 0xffff));
}

static bool same_packet(const struct ntp_packet *a, const struct ntp_packet *b)
{
	const struct ntp_header *x = &a->hdr, *y = &b->hdr;
	unsigned int i;

	if (x->leap != y->leap || x->version != y->version ||
	    x->mode != y->mode || x->stratum != y->stratum ||
	    x->poll != y->poll || x->precision != y->precision ||
	    x->root_delay != y->root_delay ||
	    x->root_dispersion != y->root_dispersion ||
	    x->refid != y->refid || x->reference != y->reference ||
	    x->origin != y->origin || x->receive != y->receive ||
	    x->transmit != y->transmit)
		return false;
	if (a->n_ef != b->n_ef || a->n_ef > NTP_MAX_EFS ||
	    a->mac_len != b->mac_len)
		return false;
	if (a->mac_len &&
	    (a->mac_offset != b->mac_offset || a->key_id != b->key_id))
		return false;
	for (i = 0; i < a->n_ef; i++)
		if (a->ef[i].type != b->ef[i].type ||
		    a->ef[i].len != b->ef[i].len ||
		    a->ef[i].offset != b->ef[i].offset)
			return false;
	return true;
}

static uint8_t guarded[GUARD_LEN + PKT_MAX + GUARD_LEN];

/* ntp_parse() on a copy of buf that no octet outside len can influence. */
static enum ntp_parse_result parse_checked(const uint8_t *buf, size_t len,
					   struct ntp_packet *pkt)
{
	static const uint8_t fills[] = { 0x00, 0xff };
	enum ntp_parse_result res, model;
	struct ntp_packet other;
	const char *why;
	unsigned int i;
	uint8_t *copy;

	if (len > PKT_MAX)
		abort();
	/* The packet ends where the allocation ends, even when empty. */
	copy = malloc(len + 1);
	if (!copy)
		abort();
	copy[0] = 0;
	memcpy(copy + 1, buf, len);
	memset(pkt, 0x5a, sizeof(*pkt));
	res = ntp_parse(copy + 1, len, pkt);
	free(copy);

	why = inconsistency(buf, len, res, pkt);
	CHECKF(!why, "len %zu, %s: %s", len, ntp_parse_result_name(res), why);
	model = model_parse(buf, len);
	CHECKF(res == model, "len %zu: parsed as \"%s\", the rules say \"%s\"",
	       len, ntp_parse_result_name(res), ntp_parse_result_name(model));

	for (i = 0; i < ARRAY_SIZE(fills); i++) {
		enum ntp_parse_result res2;

		memset(guarded, fills[i], GUARD_LEN);
		memcpy(guarded + GUARD_LEN, buf, len);
		memset(guarded + GUARD_LEN + len, fills[i], GUARD_LEN);
		memset(&other, fills[i] ^ 0x33, sizeof(other));
		res2 = ntp_parse(guarded + GUARD_LEN, len, &other);
		CHECKF(res2 == res &&
		       (res != NTP_PARSE_OK || same_packet(pkt, &other)),
		       "len %zu: the result depends on octets outside it", len);
	}
	return res;
}

/* A packet under construction; pkt_start() zeroes its first octets. */
struct pkt {
	uint8_t buf[PKT_MAX];
	size_t len;
};

static struct pkt pk;

static void pkt_start(struct pkt *p, unsigned int version)
{
	unsigned int i;

	memset(p->buf, 0, NTP_HEADER_LEN + 1024);
	p->buf[0] = (uint8_t)((version & 7) << 3 | NTP_MODE_CLIENT);
	for (i = 40; i < NTP_HEADER_LEN; i++)	/* a client's transmit */
		p->buf[i] = (uint8_t)(0xa0 + i);
	p->len = NTP_HEADER_LEN;
}

/* An EF header claiming claimed octets, then body octets of 0xee. */
static void pkt_add_ef_raw(struct pkt *p, uint16_t type, uint16_t claimed,
			   size_t actual)
{
	wr16(p->buf + p->len, type);
	wr16(p->buf + p->len + 2, claimed);
	if (actual > NTP_EF_HEADER_LEN)
		memset(p->buf + p->len + NTP_EF_HEADER_LEN, 0xee,
		       actual - NTP_EF_HEADER_LEN);
	p->len += actual;
}

static void pkt_add_ef(struct pkt *p, uint16_t type, uint16_t len)
{
	pkt_add_ef_raw(p, type, len, len);
}

static void pkt_add_mac(struct pkt *p, uint32_t key_id, size_t digest_len)
{
	wr32(p->buf + p->len, key_id);
	memset(p->buf + p->len + NTP_KEYID_LEN, 0xd1, digest_len);
	p->len += NTP_KEYID_LEN + digest_len;
}

static void pkt_add_junk(struct pkt *p, size_t n, uint8_t octet)
{
	memset(p->buf + p->len, octet, n);
	p->len += n;
}

static enum ntp_parse_result pkt_parse(const struct pkt *p,
				       struct ntp_packet *out)
{
	return parse_checked(p->buf, p->len, out);
}

#define CHECK_RESULT(got, want, what)					\
	CHECKF((got) == (want), "%s: got \"%s\", want \"%s\"", (what),	\
	       ntp_parse_result_name(got), ntp_parse_result_name(want))

static void test_byte_order_helpers(void)
{
	static const uint8_t want[8] = {
		0x81, 0x02, 0x83, 0x04, 0x85, 0x06, 0x87, 0x08
	};
	uint8_t b[8];

	memset(b, 0, sizeof(b));
	ntp_put_be64(b, 0x8102830485068708ULL);
	CHECK(memcmp(b, want, sizeof(b)) == 0);
	CHECK(ntp_get_be64(want) == 0x8102830485068708ULL);
	CHECK(ntp_get_be32(want + 4) == 0x85068708U);
	CHECK(ntp_get_be16(want + 6) == 0x8708);
	memset(b, 0, sizeof(b));
	ntp_put_be32(b, 0xfedcba98U);
	CHECK(b[0] == 0xfe && b[1] == 0xdc && b[2] == 0xba && b[3] == 0x98);
	ntp_put_be16(b + 4, 0xa55a);
	CHECK(b[4] == 0xa5 && b[5] == 0x5a && b[6] == 0);
}

static const struct ntp_header sample_headers[] = {
	{
		.leap = NTP_LEAP_NONE, .version = 4, .mode = NTP_MODE_CLIENT,
		.poll = 6, .precision = -20, .transmit = 0xe1b2c3d4a5b6c7d8ULL,
	}, {
		.leap = NTP_LEAP_UNSYNCHRONIZED, .version = 4,
		.mode = NTP_MODE_SERVER, .stratum = 2, .poll = -6,
		.precision = -29, .root_delay = 0x00018000U,
		.root_dispersion = 0x0000ffffU, .refid = 0xc0000201U,
		.reference = 0x0102030405060708ULL,
		.origin = 0x1112131415161718ULL,
		.receive = 0x2122232425262728ULL,
		.transmit = 0x3132333435363738ULL,
	}, {
		.leap = NTP_LEAP_ADD_SECOND, .version = 1,
		.mode = NTP_MODE_ACTIVE, .stratum = 16, .poll = -128,
		.precision = 127, .root_delay = 0xffffffffU,
		.root_dispersion = 0x80000000U, .refid = 0x47505300U,
		.reference = ~0ULL, .origin = 1, .receive = 1ULL << 63,
		.transmit = 0x8000000000000001ULL,
	}, {
		.leap = NTP_LEAP_DEL_SECOND, .version = 3,
		.mode = NTP_MODE_PRIVATE, .stratum = 255, .poll = 17,
		.precision = -1, .refid = 0x494e4954U,
	}, {
		.leap = NTP_LEAP_NONE, .version = 2, .mode = NTP_MODE_BROADCAST,
		.stratum = 1, .poll = 10, .precision = -6,
		.refid = 0x50505300U,
	},
};

static void test_header_round_trip(void)
{
	struct ntp_packet pkt;
	uint8_t buf[NTP_HEADER_LEN + 2];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sample_headers); i++) {
		const struct ntp_header *h = &sample_headers[i];
		enum ntp_parse_result res;

		memset(buf, 0xc3, sizeof(buf));
		ntp_write_header(buf, h);
		CHECKF(buf[NTP_HEADER_LEN] == 0xc3 &&
		       buf[NTP_HEADER_LEN + 1] == 0xc3,
		       "header %u: written past 48 octets", i);
		CHECKF(buf[0] == (h->leap << 6 | h->version << 3 | h->mode),
		       "header %u: first octet 0x%02x", i, buf[0]);
		CHECKF(header_matches(buf, h),
		       "header %u: octets not where RFC 5905 puts them", i);
		res = parse_checked(buf, NTP_HEADER_LEN, &pkt);
		CHECK_RESULT(res, NTP_PARSE_OK, "round trip");
		CHECKF(pkt.hdr.leap == h->leap &&
		       pkt.hdr.version == h->version &&
		       pkt.hdr.mode == h->mode,
		       "header %u: leap/version/mode %u/%u/%u", i,
		       pkt.hdr.leap, pkt.hdr.version, pkt.hdr.mode);
		CHECKF(pkt.hdr.stratum == h->stratum &&
		       pkt.hdr.poll == h->poll &&
		       pkt.hdr.precision == h->precision,
		       "header %u: stratum/poll/precision %u/%d/%d", i,
		       pkt.hdr.stratum, pkt.hdr.poll, pkt.hdr.precision);
		CHECKF(pkt.hdr.root_delay == h->root_delay &&
		       pkt.hdr.root_dispersion == h->root_dispersion &&
		       pkt.hdr.refid == h->refid,
		       "header %u: root delay/dispersion/refid", i);
		CHECKF(pkt.hdr.reference == h->reference &&
		       pkt.hdr.origin == h->origin &&
		       pkt.hdr.receive == h->receive &&
		       pkt.hdr.transmit == h->transmit,
		       "header %u: timestamps", i);
		CHECKF(pkt.n_ef == 0 && pkt.mac_len == 0,
		       "header %u: %u EFs, MAC of %u", i, pkt.n_ef,
		       pkt.mac_len);
	}
}

/* Every first octet: the bits land in leap, version and mode. */
static void test_first_octet(void)
{
	struct ntp_packet pkt;
	uint8_t buf[NTP_HEADER_LEN], again[NTP_HEADER_LEN];
	unsigned int b, i;

	for (i = 0; i < NTP_HEADER_LEN; i++)
		buf[i] = (uint8_t)(i * 37 + 11);
	for (b = 0; b < 256; b++) {
		unsigned int version = (b >> 3) & 7;
		enum ntp_parse_result res;

		buf[0] = (uint8_t)b;
		res = parse_checked(buf, sizeof(buf), &pkt);
		if (version < 1 || version > 4) {
			CHECK_RESULT(res, NTP_PARSE_BAD_VERSION, "v0, v5-7");
			continue;
		}
		CHECK_RESULT(res, NTP_PARSE_OK, "version 1-4");
		CHECKF(pkt.hdr.leap == b >> 6 && pkt.hdr.version == version &&
		       pkt.hdr.mode == (b & 7), "first octet 0x%02x", b);
		ntp_write_header(again, &pkt.hdr);
		CHECKF(memcmp(again, buf, sizeof(buf)) == 0,
		       "first octet 0x%02x: rewrite differs", b);
	}
}

/* Out-of-range leap/version/mode must not spill into the other bits. */
static void test_write_masks_fields(void)
{
	struct ntp_header h = { .leap = 0xff };
	uint8_t buf[NTP_HEADER_LEN];

	ntp_write_header(buf, &h);
	CHECKF(buf[0] == 0xc0, "leap 0xff wrote 0x%02x", buf[0]);
	h.leap = 0;
	h.version = 0xff;
	ntp_write_header(buf, &h);
	CHECKF(buf[0] == 0x38, "version 0xff wrote 0x%02x", buf[0]);
	h.version = 0;
	h.mode = 0xff;
	ntp_write_header(buf, &h);
	CHECKF(buf[0] == 0x07, "mode 0xff wrote 0x%02x", buf[0]);
}

static void test_too_short(void)
{
	struct ntp_packet pkt;
	enum ntp_parse_result res;
	size_t len;

	pkt_start(&pk, 4);
	for (len = 0; len < NTP_HEADER_LEN; len++) {
		res = parse_checked(pk.buf, len, &pkt);
		CHECKF(res == NTP_PARSE_TOO_SHORT, "%zu octets: %s", len,
		       ntp_parse_result_name(res));
	}
	res = parse_checked(pk.buf, NTP_HEADER_LEN, &pkt);
	CHECK_RESULT(res, NTP_PARSE_OK, "48 octets");
}

static void test_versions(void)
{
	struct ntp_packet pkt;
	unsigned int v;

	for (v = 0; v < 8; v++) {
		enum ntp_parse_result res;

		pkt_start(&pk, v);
		res = pkt_parse(&pk, &pkt);
		if (v >= 1 && v <= 4) {
			CHECKF(res == NTP_PARSE_OK && pkt.hdr.version == v,
			       "version %u: %s", v, ntp_parse_result_name(res));
		} else {
			CHECKF(res == NTP_PARSE_BAD_VERSION, "version %u: %s",
			       v, ntp_parse_result_name(res));
		}
		/* The version is checked before any trailer. */
		pkt_add_mac(&pk, 1, NTP_DIGEST_SHA1_LEN);
		res = pkt_parse(&pk, &pkt);
		CHECKF(res == ((v >= 1 && v <= 4) ? NTP_PARSE_OK :
			       NTP_PARSE_BAD_VERSION),
		       "version %u with a MAC: %s", v,
		       ntp_parse_result_name(res));
	}
}

/* Before NTPv4 only a MAC may follow the header. */
static void test_old_versions_trailers(void)
{
	static const uint16_t ef_lens[] = { 16, 28, 32, 36, 104 };
	static const size_t digests[] = {
		0, NTP_DIGEST_MD5_LEN, NTP_DIGEST_SHA1_LEN
	};
	struct ntp_packet pkt;
	enum ntp_parse_result res;
	unsigned int v, i;
	size_t n;

	for (v = 1; v <= 3; v++) {
		for (i = 0; i < ARRAY_SIZE(ef_lens); i++) {
			pkt_start(&pk, v);
			pkt_add_ef(&pk, NTP_EF_NTS_UNIQUE_ID, ef_lens[i]);
			res = pkt_parse(&pk, &pkt);
			CHECKF(res == NTP_PARSE_BAD_TRAILER,
			       "v%u, EF of %u: %s", v, ef_lens[i],
			       ntp_parse_result_name(res));
		}
		for (n = 1; n <= 80; n++) {
			if (is_mac_len(n))
				continue;
			pkt_start(&pk, v);
			pkt_add_junk(&pk, n, 0);
			res = pkt_parse(&pk, &pkt);
			CHECKF(res == NTP_PARSE_BAD_TRAILER,
			       "v%u, %zu trailing octets: %s", v, n,
			       ntp_parse_result_name(res));
		}
		for (i = 0; i < ARRAY_SIZE(digests); i++) {
			pkt_start(&pk, v);
			pkt_add_mac(&pk, 0x00010000U + v, digests[i]);
			res = pkt_parse(&pk, &pkt);
			CHECKF(res == NTP_PARSE_OK &&
			       pkt.mac_len == NTP_KEYID_LEN + digests[i] &&
			       pkt.mac_offset == NTP_HEADER_LEN &&
			       pkt.key_id == 0x00010000U + v && pkt.n_ef == 0,
			       "v%u, MAC of %zu: %s", v,
			       NTP_KEYID_LEN + digests[i],
			       ntp_parse_result_name(res));
		}
	}
	/* The same EF is fine in NTPv4, which proves the refusal is v1-3's. */
	pkt_start(&pk, 4);
	pkt_add_ef(&pk, NTP_EF_NTS_UNIQUE_ID, 32);
	res = pkt_parse(&pk, &pkt);
	CHECK_RESULT(res, NTP_PARSE_OK, "v4 EF of 32");
}

static void check_mac(unsigned int version, size_t digest_len,
		      uint32_t key_id)
{
	size_t mac_len = NTP_KEYID_LEN + digest_len;
	enum ntp_parse_result res;
	struct ntp_packet pkt;

	pkt_start(&pk, version);
	pkt_add_mac(&pk, key_id, digest_len);
	res = pkt_parse(&pk, &pkt);
	CHECKF(res == NTP_PARSE_OK && pkt.mac_offset == NTP_HEADER_LEN &&
	       pkt.mac_len == mac_len && pkt.key_id == key_id &&
	       pkt.n_ef == 0,
	       "v%u, MAC of %zu, key %u: %s, MAC %u+%u, key %u", version,
	       mac_len, key_id, ntp_parse_result_name(res), pkt.mac_offset,
	       pkt.mac_len, pkt.key_id);
}

static void test_mac_detection(void)
{
	static const size_t digests[] = {
		0, NTP_DIGEST_MD5_LEN, NTP_DIGEST_SHA1_LEN
	};
	static const uint32_t keys[] = {
		1, 0x01020304U, 0x80000000U, 0xfffffffeU, 65535
	};
	struct ntp_packet pkt;
	unsigned int v, d, k;

	for (v = 1; v <= 4; v++)
		for (d = 0; d < ARRAY_SIZE(digests); d++)
			for (k = 0; k < ARRAY_SIZE(keys); k++)
				check_mac(v, digests[d], keys[k]);
	/* The key id's octets in order, read big-endian. */
	pkt_start(&pk, 4);
	pk.buf[48] = 0x12;
	pk.buf[49] = 0x34;
	pk.buf[50] = 0x56;
	pk.buf[51] = 0x78;
	pk.len = NTP_HEADER_LEN + NTP_MAC_MAX_LEN;
	CHECK(pkt_parse(&pk, &pkt) == NTP_PARSE_OK);
	CHECKF(pkt.key_id == 0x12345678U, "key id 0x%08x", pkt.key_id);
	CHECK(!ntp_is_crypto_nak(&pkt));
	/* No MAC: mac_len says so. */
	pkt_start(&pk, 4);
	CHECK(pkt_parse(&pk, &pkt) == NTP_PARSE_OK && pkt.mac_len == 0);
}

static void test_crypto_nak(void)
{
	struct ntp_packet pkt;
	unsigned int v;

	for (v = 1; v <= 4; v++) {
		pkt_start(&pk, v);
		pkt_add_mac(&pk, 0, 0);
		CHECKF(pkt_parse(&pk, &pkt) == NTP_PARSE_OK &&
		       pkt.mac_len == NTP_KEYID_LEN && pkt.key_id == 0 &&
		       pkt.mac_offset == NTP_HEADER_LEN,
		       "v%u: crypto-NAK not parsed as a 4-octet MAC", v);
		CHECKF(ntp_is_crypto_nak(&pkt), "v%u: crypto-NAK missed", v);
	}
	pkt_start(&pk, 4);
	CHECK(pkt_parse(&pk, &pkt) == NTP_PARSE_OK);
	CHECKF(!ntp_is_crypto_nak(&pkt), "a plain packet taken for a NAK");
	pkt_add_mac(&pk, 0, NTP_DIGEST_MD5_LEN);
	CHECK(pkt_parse(&pk, &pkt) == NTP_PARSE_OK);
	CHECKF(!ntp_is_crypto_nak(&pkt), "key 0 with a digest taken for a NAK");
	pkt_start(&pk, 4);
	pkt_add_ef(&pk, NTP_EF_NTS_UNIQUE_ID, 32);
	pkt_add_mac(&pk, 0, 0);
	CHECK(pkt_parse(&pk, &pkt) == NTP_PARSE_OK && pkt.n_ef == 1);
	CHECKF(ntp_is_crypto_nak(&pkt), "crypto-NAK after an EF missed");
	/*
	 * ntp_wire.h (as ntpd's valid_NAK()): a crypto-NAK is key id zero
	 * and no digest.  Four octets of another key id are no NAK.
	 */
	pkt_start(&pk, 4);
	pkt_add_mac(&pk, 7, 0);
	CHECK(pkt_parse(&pk, &pkt) == NTP_PARSE_OK && pkt.key_id == 7);
	CHECKF(!ntp_is_crypto_nak(&pkt),
	       "a 4-octet trailer with key id 7 taken for a crypto-NAK");
}

static void test_nts_efs(void)
{
	static const struct { uint16_t type, len; } efs[] = {
		{ NTP_EF_NTS_UNIQUE_ID, 36 },
		{ NTP_EF_NTS_COOKIE, 104 },
		{ NTP_EF_NTS_COOKIE_PLACEHOLDER, 104 },
		{ NTP_EF_NTS_COOKIE_PLACEHOLDER, 104 },
		{ NTP_EF_NTS_AUTHENTICATOR, 40 },
	};
	struct ntp_packet pkt;
	enum ntp_parse_result res;
	unsigned int i, off;

	/* Each NTS type alone. */
	for (i = 0; i < ARRAY_SIZE(efs); i++) {
		pkt_start(&pk, 4);
		pkt_add_ef(&pk, efs[i].type, efs[i].len);
		res = pkt_parse(&pk, &pkt);
		CHECKF(res == NTP_PARSE_OK && pkt.n_ef == 1 &&
		       pkt.ef[0].type == efs[i].type &&
		       pkt.ef[0].len == efs[i].len &&
		       pkt.ef[0].offset == NTP_HEADER_LEN && pkt.mac_len == 0,
		       "EF 0x%04x of %u: %s", efs[i].type, efs[i].len,
		       ntp_parse_result_name(res));
	}
	/* A whole NTS request: offsets 48, 84, 188, 292, 396. */
	pkt_start(&pk, 4);
	for (i = 0; i < ARRAY_SIZE(efs); i++)
		pkt_add_ef(&pk, efs[i].type, efs[i].len);
	res = pkt_parse(&pk, &pkt);
	CHECK_RESULT(res, NTP_PARSE_OK, "NTS request");
	CHECKF(pkt.n_ef == ARRAY_SIZE(efs), "%u EFs", pkt.n_ef);
	CHECK(pkt.mac_len == 0);
	off = NTP_HEADER_LEN;
	for (i = 0; i < ARRAY_SIZE(efs) && i < pkt.n_ef; i++) {
		CHECKF(pkt.ef[i].type == efs[i].type &&
		       pkt.ef[i].len == efs[i].len && pkt.ef[i].offset == off,
		       "EF %u: type 0x%04x len %u offset %u, want offset %u",
		       i, pkt.ef[i].type, pkt.ef[i].len, pkt.ef[i].offset, off);
		off += efs[i].len;
	}
	CHECK(off == 436 && pk.len == 436);
	/* An unknown type is the caller's business, not the parser's. */
	pkt_start(&pk, 4);
	pkt_add_ef(&pk, 0xffff, 16);
	pkt_add_ef(&pk, 0x0000, 28);
	res = pkt_parse(&pk, &pkt);
	CHECKF(res == NTP_PARSE_OK && pkt.n_ef == 2 &&
	       pkt.ef[0].type == 0xffff && pkt.ef[1].type == 0 &&
	       pkt.ef[1].offset == 64, "unknown EF types: %s",
	       ntp_parse_result_name(res));
}

static void test_bad_efs(void)
{
	static const uint16_t unaligned[] = { 17, 18, 19, 30, 101, 0xffff };
	struct ntp_packet pkt;
	enum ntp_parse_result res;
	unsigned int i;
	uint16_t l;

	/* 32 octets follow the header: neither a MAC nor a short trailer. */
	for (l = 0; l < NTP_EF_MIN_LEN; l++) {
		pkt_start(&pk, 4);
		pkt_add_ef_raw(&pk, NTP_EF_NTS_UNIQUE_ID, l, 32);
		res = pkt_parse(&pk, &pkt);
		CHECKF(res == NTP_PARSE_BAD_EF, "EF length %u: %s", l,
		       ntp_parse_result_name(res));
	}
	for (i = 0; i < ARRAY_SIZE(unaligned); i++) {
		pkt_start(&pk, 4);
		pkt_add_ef_raw(&pk, NTP_EF_NTS_COOKIE, unaligned[i], 120);
		res = pkt_parse(&pk, &pkt);
		CHECKF(res == NTP_PARSE_BAD_EF, "EF length %u: %s",
		       unaligned[i], ntp_parse_result_name(res));
	}
	/* Overrunning the packet by 4, and by the most a length can say. */
	pkt_start(&pk, 4);
	pkt_add_ef_raw(&pk, NTP_EF_NTS_COOKIE, 36, 32);
	res = pkt_parse(&pk, &pkt);
	CHECK_RESULT(res, NTP_PARSE_BAD_EF, "EF of 36 in 32 octets");
	pkt_start(&pk, 4);
	pkt_add_ef_raw(&pk, NTP_EF_NTS_COOKIE, 0xfffc, 64);
	res = pkt_parse(&pk, &pkt);
	CHECK_RESULT(res, NTP_PARSE_BAD_EF, "EF of 65532 in 64 octets");
	/* A good EF, then a bad one. */
	pkt_start(&pk, 4);
	pkt_add_ef(&pk, NTP_EF_NTS_UNIQUE_ID, 36);
	pkt_add_ef_raw(&pk, NTP_EF_NTS_COOKIE, 12, 40);
	res = pkt_parse(&pk, &pkt);
	CHECK_RESULT(res, NTP_PARSE_BAD_EF, "second EF of 12");
	pkt_start(&pk, 4);
	pkt_add_ef(&pk, NTP_EF_NTS_UNIQUE_ID, 36);
	pkt_add_ef_raw(&pk, NTP_EF_NTS_COOKIE, 44, 40);
	res = pkt_parse(&pk, &pkt);
	CHECK_RESULT(res, NTP_PARSE_BAD_EF, "second EF overruns by 4");
	/* An EF overrunning into what would have been the MAC. */
	pkt_start(&pk, 4);
	pkt_add_ef_raw(&pk, NTP_EF_NTS_UNIQUE_ID, 60, 32);
	pkt_add_mac(&pk, 5, NTP_DIGEST_SHA1_LEN);
	res = pkt_parse(&pk, &pkt);
	CHECK_RESULT(res, NTP_PARSE_BAD_EF, "EF swallowing the MAC");
}

static void test_ef_count(void)
{
	struct ntp_packet pkt;
	enum ntp_parse_result res;
	unsigned int i, off;

	pkt_start(&pk, 4);
	for (i = 0; i < NTP_MAX_EFS; i++)
		pkt_add_ef(&pk, (uint16_t)(0x0100 + i), (uint16_t)(16 + 4 * i));
	res = pkt_parse(&pk, &pkt);
	CHECKF(res == NTP_PARSE_OK && pkt.n_ef == NTP_MAX_EFS,
	       "%u EFs: %s, n_ef %u", NTP_MAX_EFS, ntp_parse_result_name(res),
	       pkt.n_ef);
	for (i = 0, off = NTP_HEADER_LEN; i < pkt.n_ef && i < NTP_MAX_EFS;
	     off += 16 + 4 * i, i++)
		CHECKF(pkt.ef[i].type == 0x0100 + i &&
		       pkt.ef[i].len == 16 + 4 * i && pkt.ef[i].offset == off,
		       "EF %u: type 0x%04x, len %u, offset %u", i,
		       pkt.ef[i].type, pkt.ef[i].len, pkt.ef[i].offset);
	CHECK(off == 48 + 16 * NTP_MAX_EFS + 2 * NTP_MAX_EFS * (NTP_MAX_EFS - 1) &&
	      pk.len == off);
	pkt_add_mac(&pk, 42, NTP_DIGEST_MD5_LEN);
	res = pkt_parse(&pk, &pkt);
	CHECKF(res == NTP_PARSE_OK && pkt.n_ef == NTP_MAX_EFS &&
	       pkt.mac_len == 20 && pkt.key_id == 42,
	       "%u EFs and a MAC: %s", NTP_MAX_EFS, ntp_parse_result_name(res));

	pkt_start(&pk, 4);
	for (i = 0; i <= NTP_MAX_EFS; i++)
		pkt_add_ef(&pk, NTP_EF_NTS_COOKIE_PLACEHOLDER, 32);
	res = pkt_parse(&pk, &pkt);
	CHECK_RESULT(res, NTP_PARSE_TOO_MANY_EFS, "one EF too many");
	pkt_add_mac(&pk, 42, NTP_DIGEST_SHA1_LEN);
	res = pkt_parse(&pk, &pkt);
	CHECK_RESULT(res, NTP_PARSE_TOO_MANY_EFS, "one EF too many, MAC");
}

static void test_ef_then_mac(void)
{
	static const size_t digests[] = {
		0, NTP_DIGEST_MD5_LEN, NTP_DIGEST_SHA1_LEN
	};
	struct ntp_packet pkt;
	unsigned int d;

	for (d = 0; d < ARRAY_SIZE(digests); d++) {
		enum ntp_parse_result res;

		pkt_start(&pk, 4);
		pkt_add_ef(&pk, NTP_EF_NTS_UNIQUE_ID, 32);
		pkt_add_ef(&pk, NTP_EF_NTS_COOKIE, 28);
		pkt_add_mac(&pk, 0xdeadbeefU, digests[d]);
		res = pkt_parse(&pk, &pkt);
		CHECKF(res == NTP_PARSE_OK && pkt.n_ef == 2 &&
		       pkt.ef[1].offset == 80 && pkt.mac_offset == 108 &&
		       pkt.mac_len == NTP_KEYID_LEN + digests[d] &&
		       pkt.key_id == 0xdeadbeefU,
		       "2 EFs, MAC of %zu: %s, n_ef %u, MAC %u+%u",
		       NTP_KEYID_LEN + digests[d], ntp_parse_result_name(res),
		       pkt.n_ef, pkt.mac_offset, pkt.mac_len);
	}
}

/*
 * RFC 7822 section 7.5: a remainder of a MAC's length is the MAC, so
 * without a MAC the last EF must be longer than any MAC.
 */
static void test_mac_first_rule(void)
{
	struct ntp_packet pkt;
	enum ntp_parse_result res;

	pkt_start(&pk, 4);
	pkt_add_ef(&pk, NTP_EF_NTS_AUTHENTICATOR, 24);
	res = pkt_parse(&pk, &pkt);
	CHECKF(res == NTP_PARSE_OK && pkt.n_ef == 0 && pkt.mac_len == 24 &&
	       pkt.key_id == 0x04040018U, "24 octets: %s, n_ef %u",
	       ntp_parse_result_name(res), pkt.n_ef);
	pkt_start(&pk, 4);
	pkt_add_ef(&pk, NTP_EF_NTS_AUTHENTICATOR, 28);
	res = pkt_parse(&pk, &pkt);
	CHECKF(res == NTP_PARSE_OK && pkt.n_ef == 1 && pkt.mac_len == 0,
	       "EF of 28: %s", ntp_parse_result_name(res));
	pkt_start(&pk, 4);
	pkt_add_ef(&pk, NTP_EF_NTS_UNIQUE_ID, 32);
	pkt_add_ef(&pk, NTP_EF_NTS_COOKIE, 20);
	res = pkt_parse(&pk, &pkt);
	CHECKF(res == NTP_PARSE_OK && pkt.n_ef == 1 && pkt.mac_offset == 80 &&
	       pkt.mac_len == 20, "EF then 20 octets: %s",
	       ntp_parse_result_name(res));
	/* Even an EF of 16 and a crypto-NAK: 20 octets are an MD5 MAC. */
	pkt_start(&pk, 4);
	pkt_add_ef(&pk, NTP_EF_NTS_COOKIE, 16);
	pkt_add_mac(&pk, 0, 0);
	res = pkt_parse(&pk, &pkt);
	CHECKF(res == NTP_PARSE_OK && pkt.n_ef == 0 && pkt.mac_len == 20 &&
	       pkt.key_id == 0x02040010U && !ntp_is_crypto_nak(&pkt),
	       "EF of 16 and a NAK: %s", ntp_parse_result_name(res));
}

static void test_trailing_junk(void)
{
	struct ntp_packet pkt;
	enum ntp_parse_result res;
	size_t n;

	for (n = 1; n < NTP_EF_MIN_LEN; n++) {
		if (is_mac_len(n))
			continue;
		pkt_start(&pk, 4);
		pkt_add_junk(&pk, n, 0x10);
		res = pkt_parse(&pk, &pkt);
		CHECKF(res == NTP_PARSE_BAD_TRAILER, "header + %zu: %s", n,
		       ntp_parse_result_name(res));
		pkt_start(&pk, 4);
		pkt_add_ef(&pk, NTP_EF_NTS_COOKIE, 40);
		pkt_add_junk(&pk, n, 0x10);
		res = pkt_parse(&pk, &pkt);
		CHECKF(res == NTP_PARSE_BAD_TRAILER, "EF + %zu: %s", n,
		       ntp_parse_result_name(res));
	}
	/* A MAC with octets after it is no MAC: 23 octets read as an EF. */
	pkt_start(&pk, 4);
	pkt_add_mac(&pk, 1, NTP_DIGEST_MD5_LEN);
	pkt_add_junk(&pk, 3, 0);
	res = pkt_parse(&pk, &pkt);
	CHECK_RESULT(res, NTP_PARSE_BAD_EF, "MAC + 3 read as an EF");
}

/* The largest EF a UDP datagram can carry. */
static void test_large_ef(void)
{
	struct ntp_packet pkt;
	enum ntp_parse_result res;

	pkt_start(&pk, 4);
	pkt_add_ef(&pk, NTP_EF_NTS_COOKIE, 65476);
	res = pkt_parse(&pk, &pkt);
	CHECKF(res == NTP_PARSE_OK && pkt.n_ef == 1 &&
	       pkt.ef[0].len == 65476 && pk.len == 65524,
	       "EF of 65476: %s", ntp_parse_result_name(res));
	pkt_start(&pk, 4);
	pkt_add_ef(&pk, NTP_EF_NTS_COOKIE, 65452);
	pkt_add_mac(&pk, 3, NTP_DIGEST_SHA1_LEN);
	res = pkt_parse(&pk, &pkt);
	CHECKF(res == NTP_PARSE_OK && pkt.n_ef == 1 &&
	       pkt.mac_offset == 65500 && pkt.mac_len == 24,
	       "EF of 65452 and a MAC: %s", ntp_parse_result_name(res));
	/* One octet more than any UDP datagram holds. */
	pkt_start(&pk, 4);
	pkt_add_ef(&pk, NTP_EF_NTS_COOKIE, 65480);
	res = pkt_parse(&pk, &pkt);
	CHECKF(pk.len == 65528 && res == NTP_PARSE_TOO_LONG,
	       "65528 octets: %s", ntp_parse_result_name(res));
}

static void test_result_names(void)
{
	const char *names[NTP_PARSE_RESULTS];
	unsigned int i, j;

	for (i = 0; i < NTP_PARSE_RESULTS; i++) {
		names[i] = ntp_parse_result_name((enum ntp_parse_result)i);
		CHECKF(names[i] && names[i][0] && strcmp(names[i], "unknown"),
		       "result %u has no name", i);
		for (j = 0; j < i; j++)
			CHECKF(!names[i] || !names[j] ||
			       strcmp(names[i], names[j]),
			       "results %u and %u share the name \"%s\"", j, i,
			       names[i]);
	}
	CHECK(names[NTP_PARSE_OK] && !strcmp(names[NTP_PARSE_OK], "ok"));
	CHECK(!strcmp(ntp_parse_result_name(NTP_PARSE_RESULTS), "unknown"));
	CHECK(!strcmp(ntp_parse_result_name((enum ntp_parse_result)99),
		      "unknown"));
}

/* floor(nsec * 2^32 / 10^9), exactly: nsec < 2^30, so no overflow. */
static uint32_t exact_frac(uint32_t nsec)
{
	return (uint32_t)(((uint64_t)nsec << 32) / NSEC_PER_SEC);
}

/* The fraction may round up by one unit, never down. */
static bool frac_ok(uint32_t nsec, uint64_t ts)
{
	uint32_t frac = (uint32_t)ts, want = exact_frac(nsec);

	return frac == want || frac == want + 1;
}

static void test_ts_from_unix(void)
{
	static const struct {
		int64_t sec;
		uint32_t ntp_sec;
	} secs[] = {
		{ 0, 2208988800U },			/* the Unix epoch */
		{ 1, 2208988801U },
		{ -1, 2208988799U },
		{ -2208988800LL, 0 },			/* 1900, era 0 */
		{ 1700000000, 3908988800U },
		{ 2085978495, 0xffffffffU },		/* era 0's last */
		{ 2085978496, 0 },			/* era 1 begins */
		{ 2085978497, 1 },
		{ 2085978496LL + 4294967296LL, 0 },	/* era 2 */
		{ 4102444800LL, 2016466304U },		/* 2100 */
	};
	unsigned int i;
	uint64_t ts;

	for (i = 0; i < ARRAY_SIZE(secs); i++) {
		ts = ntp_ts_from_unix(secs[i].sec, 0);
		CHECKF(ts == (uint64_t)secs[i].ntp_sec << 32,
		       "unix %lld: 0x%016llx", (long long)secs[i].sec,
		       (unsigned long long)ts);
	}
	CHECK(ntp_ts_from_unix(0, 0) == 2208988800ULL << 32);
	CHECK(ntp_ts_from_unix(2085978496, 0) == 0);

	ts = ntp_ts_from_unix(0, 500000000);
	CHECKF(ts >> 32 == 2208988800U && (uint32_t)ts >= 0x7fffffffU &&
	       (uint32_t)ts <= 0x80000001U, "half a second: 0x%08x",
	       (uint32_t)ts);
	/* 999999999 ns: 4294967291.7 units, no carry into the seconds. */
	ts = ntp_ts_from_unix(2085978495, 999999999);
	CHECKF(ts >> 32 == 0xffffffffU &&
	       (uint32_t)ts >= 4294967291U && (uint32_t)ts <= 4294967292U,
	       "last nanosecond of era 0: 0x%016llx", (unsigned long long)ts);
	ts = ntp_ts_from_unix(5, 1);
	CHECKF((uint32_t)ts == 4 || (uint32_t)ts == 5, "1 ns: %u units",
	       (uint32_t)ts);
	CHECK(ntp_ts_from_unix(5, 0) == (2208988805ULL << 32));
	/* Exact where 10^9 divides nsec * 2^32: multiples of 1953125 ns. */
	for (i = 0; i < 512; i++) {
		ts = ntp_ts_from_unix(0, i * 1953125U);
		CHECKF((uint32_t)ts == i << 23, "%u ns: 0x%08x", i * 1953125U,
		       (uint32_t)ts);
	}
}

static void test_ts_precision(void)
{
	static const uint32_t edges[] = {
		0, 1, 2, 3, 232, 233, 499999999, 500000000, 500000001,
		999999998, 999999999
	};
	uint32_t prev_frac = 0, nsec;
	unsigned int i;
	uint64_t ts;

	rng_seed(0x9e3779b97f4a7c15ULL);
	for (i = 0; i < 20000 + ARRAY_SIZE(edges); i++) {
		int64_t sec = (int64_t)rng_below(0x7fffffff) - 0x3fffffff;
		uint32_t back;

		nsec = i < ARRAY_SIZE(edges) ? edges[i] :
		       rng_below(NSEC_PER_SEC);
		ts = ntp_ts_from_unix(sec, nsec);
		CHECKF(ts >> 32 == (uint32_t)(sec + NTP_UNIX_EPOCH_OFFSET),
		       "unix %lld.%09u: seconds 0x%08x", (long long)sec, nsec,
		       (uint32_t)(ts >> 32));
		CHECKF(frac_ok(nsec, ts), "%u ns: fraction %u, exact %u",
		       nsec, (uint32_t)ts, exact_frac(nsec));
		back = ntp_ts_frac_to_ns(ts);
		CHECKF(back == nsec || back + 1 == nsec || back == nsec + 1,
		       "%u ns came back as %u", nsec, back);
		/* One nanosecond is 4.29 units: the next must be larger. */
		if (nsec + 1 < NSEC_PER_SEC)
			CHECKF((uint32_t)ntp_ts_from_unix(sec, nsec + 1) >
			       (uint32_t)ts, "%u ns not monotonic", nsec);
	}
	/* Every nanosecond of the first and last microsecond. */
	for (nsec = 0; nsec < 1000; nsec++) {
		ts = ntp_ts_from_unix(0, nsec);
		CHECKF(frac_ok(nsec, ts) && (uint32_t)ts >= prev_frac,
		       "%u ns: fraction %u", nsec, (uint32_t)ts);
		prev_frac = (uint32_t)ts;
		ts = ntp_ts_from_unix(0, NSEC_PER_SEC - 1 - nsec);
		CHECKF(frac_ok(NSEC_PER_SEC - 1 - nsec, ts),
		       "%u ns: fraction %u", NSEC_PER_SEC - 1 - nsec,
		       (uint32_t)ts);
	}
}

static void test_ts_frac_to_ns(void)
{
	static const uint32_t edges[] = {
		0, 1, 4, 5, 0x7fffffffU, 0x80000000U, 0x80000001U,
		0xfffffffbU, 0xffffffffU
	};
	unsigned int i;

	CHECK(ntp_ts_frac_to_ns(0x80000000ULL) == 500000000);
	CHECK(ntp_ts_frac_to_ns(0x40000000ULL) == 250000000);
	CHECK(ntp_ts_frac_to_ns(0xffffffffULL) == 999999999);
	CHECK(ntp_ts_frac_to_ns(5) == 1 && ntp_ts_frac_to_ns(4) == 0);
	/* The seconds never leak into the nanoseconds. */
	CHECK(ntp_ts_frac_to_ns(0xffffffff00000000ULL) == 0);
	CHECK(ntp_ts_frac_to_ns(0x1234567880000000ULL) == 500000000);

	rng_seed(0x2545f4914f6cdd1dULL);
	for (i = 0; i < 20000 + ARRAY_SIZE(edges); i++) {
		uint64_t ts = rng_next();
		uint32_t frac, ns, again;

		if (i < ARRAY_SIZE(edges))
			ts = (ts & ~0xffffffffULL) | edges[i];
		frac = (uint32_t)ts;
		ns = ntp_ts_frac_to_ns(ts);
		/* ns is the floor: ns * 2^32 <= frac * 10^9 < (ns+1) * 2^32 */
		CHECKF(ns < NSEC_PER_SEC &&
		       (uint64_t)ns << 32 <= (uint64_t)frac * NSEC_PER_SEC &&
		       (uint64_t)frac * NSEC_PER_SEC < ((uint64_t)ns + 1) << 32,
		       "fraction %u gave %u ns", frac, ns);
		/* Back again: within one nanosecond, 4.3 units. */
		again = (uint32_t)ntp_ts_from_unix(0, ns);
		CHECKF(again <= frac && frac - again <= 5,
		       "fraction %u -> %u ns -> fraction %u", frac, ns, again);
	}
}

/* A well-formed packet of random shape, at most 612 octets. */
static size_t random_packet(uint8_t *buf, size_t *ef_at, unsigned int *n_at)
{
	static const uint16_t types[] = {
		NTP_EF_NTS_UNIQUE_ID, NTP_EF_NTS_COOKIE,
		NTP_EF_NTS_COOKIE_PLACEHOLDER, NTP_EF_NTS_AUTHENTICATOR,
	};
	unsigned int version, n, i, pick = rng_below(8);
	size_t len = NTP_HEADER_LEN;

	version = pick < 5 ? 4 : pick - 4;
	for (i = 0; i < NTP_HEADER_LEN; i++)
		buf[i] = (uint8_t)rng_next();
	buf[0] = (uint8_t)((buf[0] & 0xc7) | version << 3);
	n = version == 4 ? rng_below(NTP_MAX_EFS + 2) : 0;
	*n_at = n;
	for (i = 0; i < n; i++) {
		uint16_t ef_len = (uint16_t)(16 + 4 * rng_below(12));
		uint16_t type = rng_below(4) ? types[rng_below(4)] :
				(uint16_t)rng_next();

		ef_at[i] = len;
		wr16(buf + len, type);
		wr16(buf + len + 2, ef_len);
		memset(buf + len + 4, (int)rng_below(256), ef_len - 4U);
		len += ef_len;
	}
	switch (rng_below(4)) {
	case 1:
		wr32(buf + len, 0);
		len += 4;
		break;
	case 2:
		wr32(buf + len, (uint32_t)rng_next());
		memset(buf + len + 4, 0x77, 16);
		len += 20;
		break;
	case 3:
		wr32(buf + len, (uint32_t)rng_next());
		memset(buf + len + 4, 0x88, 20);
		len += 24;
		break;
	}
	return len;
}

static void mutate(uint8_t *buf, size_t *len, const size_t *ef_at,
		   unsigned int n_ef)
{
	unsigned int i, k, rounds = rng_below(4);

	for (k = 0; k < rounds; k++) {
		switch (rng_below(6)) {
		case 0:		/* flip an octet */
			if (*len)
				buf[rng_below((uint32_t)*len)] ^=
					(uint8_t)(1 + rng_below(255));
			break;
		case 1:		/* truncate */
			*len = rng_below((uint32_t)*len + 1);
			break;
		case 2:		/* extend */
			for (i = 1 + rng_below(40); i; i--)
				buf[(*len)++] = (uint8_t)rng_next();
			break;
		case 3:		/* an EF's length */
			if (n_ef) {
				size_t at = ef_at[rng_below(n_ef)] + 2;
				uint16_t v = rng_below(2) ?
					     (uint16_t)rng_below(64) :
					     (uint16_t)rng_next();

				if (at + 2 <= *len)
					wr16(buf + at, v);
			}
			break;
		case 4:		/* the version */
			if (*len)
				buf[0] = (uint8_t)((buf[0] & 0xc7) |
						   rng_below(8) << 3);
			break;
		default:	/* chop or add a few octets at the end */
			if (rng_below(2) && *len >= 4)
				*len -= 1 + rng_below(4);
			else
				for (i = 1 + rng_below(4); i; i--)
					buf[(*len)++] = (uint8_t)rng_next();
			break;
		}
	}
}

/* A loop that never reached a verdict proved nothing about it. */
static void check_all_results_seen(const char *what, const unsigned int *seen,
				   unsigned int skip_mask)
{
	unsigned int r;

	printf("# %s:", what);
	for (r = 0; r < NTP_PARSE_RESULTS; r++)
		printf(" %s %u%s",
		       ntp_parse_result_name((enum ntp_parse_result)r), seen[r],
		       r + 1 < NTP_PARSE_RESULTS ? "," : "\n");
	for (r = 0; r < NTP_PARSE_RESULTS; r++)
		if (!(skip_mask & 1U << r))
			CHECKF(seen[r] > 0, "no input gave \"%s\"",
			       ntp_parse_result_name((enum ntp_parse_result)r));
}

static void test_random_buffers(void)
{
	static uint8_t buf[600];
	unsigned int seen[NTP_PARSE_RESULTS] = { 0 };
	struct ntp_packet pkt;
	unsigned int i, j;

	rng_seed(0x853c49e6748fea9bULL);
	for (i = 0; i < 200000; i++) {
		size_t len = rng_below(sizeof(buf) + 1);
		enum ntp_parse_result res;

		for (j = 0; j < len; j++)
			buf[j] = (uint8_t)rng_next();
		res = parse_checked(buf, len, &pkt);
		if ((unsigned int)res < NTP_PARSE_RESULTS)
			seen[res]++;
	}
	/* Random octets almost never make NTP_MAX_EFS + 1 valid EFs. */
	check_all_results_seen("random", seen, 1U << NTP_PARSE_TOO_MANY_EFS |
			       1U << NTP_PARSE_TOO_LONG);
}

static void test_mutated_packets(void)
{
	static uint8_t buf[1024];
	unsigned int seen[NTP_PARSE_RESULTS] = { 0 };
	unsigned int i, n_ef, with_efs = 0, with_mac = 0;
	size_t ef_at[NTP_MAX_EFS + 1];
	struct ntp_packet pkt;

	rng_seed(0xda942042e4dd58b5ULL);
	for (i = 0; i < 100000; i++) {
		size_t len = random_packet(buf, ef_at, &n_ef);
		enum ntp_parse_result res;

		mutate(buf, &len, ef_at, n_ef);
		res = parse_checked(buf, len, &pkt);
		if ((unsigned int)res >= NTP_PARSE_RESULTS)
			continue;
		seen[res]++;
		if (res == NTP_PARSE_OK && pkt.n_ef)
			with_efs++;
		if (res == NTP_PARSE_OK && pkt.mac_len)
			with_mac++;
	}
	check_all_results_seen("mutated", seen, 1U << NTP_PARSE_TOO_LONG);
	printf("# mutated: %u ok with EFs, %u ok with a MAC\n", with_efs,
	       with_mac);
	CHECKF(with_efs > 1000 && with_mac > 1000,
	       "only %u good packets with EFs, %u with a MAC", with_efs,
	       with_mac);
}

static const struct ktap_case cases[] = {
	{ "byte order helpers", test_byte_order_helpers },
	{ "header round trip", test_header_round_trip },
	{ "leap, version and mode bits", test_first_octet },
	{ "header writer masks its fields", test_write_masks_fields },
	{ "under 48 octets is too short", test_too_short },
	{ "versions 1-4 only", test_versions },
	{ "v1-v3: only a MAC may follow", test_old_versions_trailers },
	{ "MAC detection", test_mac_detection },
	{ "crypto-NAK", test_crypto_nak },
	{ "NTS extension fields", test_nts_efs },
	{ "malformed extension fields", test_bad_efs },
	{ "at most NTP_MAX_EFS extension fields", test_ef_count },
	{ "extension fields then a MAC", test_ef_then_mac },
	{ "RFC 7822 MAC-first rule", test_mac_first_rule },
	{ "trailing junk", test_trailing_junk },
	{ "largest extension field", test_large_ef },
	{ "parse result names", test_result_names },
	{ "ntp_ts_from_unix known values", test_ts_from_unix },
	{ "ntp_ts_from_unix precision", test_ts_precision },
	{ "ntp_ts_frac_to_ns", test_ts_frac_to_ns },
	{ "200000 random buffers", test_random_buffers },
	{ "100000 mutated packets", test_mutated_packets },
};

int main(void)
{
	return ktap_run_cases(cases, ARRAY_SIZE(cases));
}
