// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_nts.c - host unit tests of the shared NTS code (user/wire/nts_wire.c)
 * on OpenSSL's AES-SIV (user/common/nts_siv.c): the RFC 5297 vectors, an
 * independent S2V on OpenSSL's CMAC for the cases the RFC does not cover,
 * extension field building and parsing, cookies, and the server's and the
 * client's packet steps against each other, tampered and amplifying input
 * included.
 */

#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "ktap.h"
#include "nts_siv.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static struct nts_aead_ops ops;

static size_t unhex(const char *s, uint8_t *out)
{
	size_t n = 0;
	unsigned int v;

	while (*s) {
		if (*s == ' ') {
			s++;
			continue;
		}
		sscanf(s, "%2x", &v);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

/* RFC 5297 appendix A.1: deterministic, one associated data string. */
static void test_rfc5297_a1(void)
{
	uint8_t key[32], ad[64], pt[64], want[64], siv[16], ct[64], back[64];
	size_t kl, al, pl, wl;
	struct nts_ad a[1];

	kl = unhex("fffefdfc fbfaf9f8 f7f6f5f4 f3f2f1f0 f0f1f2f3 f4f5f6f7 f8f9fafb fcfdfeff", key);
	al = unhex("10111213 14151617 18191a1b 1c1d1e1f 20212223 24252627", ad);
	pl = unhex("11223344 55667788 99aabbcc ddee", pt);
	wl = unhex("85632d07 c6e8f37f 950acd32 0a2ecc93 40c02b96 90c4dc04 daef7f6a fe5c", want);
	CHECK(kl == 32 && wl == 16 + pl);
	a[0] = (struct nts_ad){ ad, al };
	CHECK(!ops.seal(ops.ctx, key, a, 1, pt, pl, siv, ct));
	CHECK(!memcmp(siv, want, 16));
	CHECK(!memcmp(ct, want + 16, pl));
	CHECK(!ops.open(ops.ctx, key, a, 1, siv, ct, pl, back));
	CHECK(!memcmp(back, pt, pl));
	ct[3] ^= 1;
	CHECK(ops.open(ops.ctx, key, a, 1, siv, ct, pl, back));
	ct[3] ^= 1;
	siv[15] ^= 0x80;
	CHECK(ops.open(ops.ctx, key, a, 1, siv, ct, pl, back));
	siv[15] ^= 0x80;
	key[31] ^= 1;
	CHECK(ops.open(ops.ctx, key, a, 1, siv, ct, pl, back));
}

/* RFC 5297 appendix A.2: nonce-based, two strings and the nonce. */
static void test_rfc5297_a2(void)
{
	uint8_t key[32], ad1[64], ad2[64], nonce[16], pt[64], want[96];
	uint8_t siv[16], ct[64], back[64];
	size_t al1, al2, nl, pl, wl;
	struct nts_ad a[3];

	unhex("7f7e7d7c 7b7a7978 77767574 73727170 40414243 44454647 48494a4b 4c4d4e4f", key);
	al1 = unhex("00112233 44556677 8899aabb ccddeeff deaddada deaddada ffeeddcc bbaa9988 77665544 33221100", ad1);
	al2 = unhex("10203040 50607080 90a0", ad2);
	nl = unhex("09f91102 9d74e35b d84156c5 635688c0", nonce);
	pl = unhex("74686973 20697320 736f6d65 20706c61 696e7465 78742074 6f20656e 63727970 74207573 696e6720 5349562d 414553", pt);
	wl = unhex("7bdb6e3b 432667eb 06f4d14b ff2fbd0f cb900f2f ddbe4043 26601965 c889bf17 dba77ceb 094fa663 b7a3f748 ba8af829 ea64ad54 4a272e9c 485b62a3 fd5c0d", want);
	CHECK(wl == 16 + pl);
	a[0] = (struct nts_ad){ ad1, al1 };
	a[1] = (struct nts_ad){ ad2, al2 };
	a[2] = (struct nts_ad){ nonce, nl };
	CHECK(!ops.seal(ops.ctx, key, a, 3, pt, pl, siv, ct));
	CHECK(!memcmp(siv, want, 16));
	CHECK(!memcmp(ct, want + 16, pl));
	CHECK(!ops.open(ops.ctx, key, a, 3, siv, ct, pl, back));
	CHECK(!memcmp(back, pt, pl));
	/* In place, as the shared code uses it. */
	memcpy(back, pt, pl);
	CHECK(!ops.seal(ops.ctx, key, a, 3, back, pl, siv, back));
	CHECK(!memcmp(back, want + 16, pl));
	CHECK(!ops.open(ops.ctx, key, a, 3, siv, back, pl, back));
	CHECK(!memcmp(back, pt, pl));
	/* Leaving out the nonce is a different message. */
	CHECK(ops.open(ops.ctx, key, a, 2, want, want + 16, pl, back));
}

/* RFC 5297 S2V on OpenSSL's CMAC, for plaintexts the appendix lacks. */
static void cmac(const uint8_t *key, const uint8_t *m, size_t len,
		 uint8_t out[16])
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
	EVP_MAC_CTX *c = EVP_MAC_CTX_new(mac);
	OSSL_PARAM p[] = {
		OSSL_PARAM_construct_utf8_string("cipher", "AES-128-CBC", 0),
		OSSL_PARAM_construct_end(),
	};
	size_t outl;

	EVP_MAC_init(c, key, 16, p);
	EVP_MAC_update(c, m, len);
	EVP_MAC_final(c, out, &outl, 16);
	EVP_MAC_CTX_free(c);
	EVP_MAC_free(mac);
}

static void dbl(uint8_t d[16])
{
	uint8_t carry = d[0] >> 7;
	int i;

	for (i = 0; i < 15; i++)
		d[i] = (uint8_t)(d[i] << 1 | d[i + 1] >> 7);
	d[15] = (uint8_t)(d[15] << 1 ^ (carry ? 0x87 : 0));
}

static void ref_s2v(const uint8_t *key, const struct nts_ad *ad,
		    unsigned int n, const uint8_t *pt, size_t len,
		    uint8_t v[16])
{
	static const uint8_t zero[16];
	uint8_t d[16], t[16], last[256];
	unsigned int i;

	cmac(key, zero, 16, d);
	for (i = 0; i < n; i++) {
		dbl(d);
		cmac(key, ad[i].data, ad[i].len, t);
		for (int j = 0; j < 16; j++)
			d[j] ^= t[j];
	}
	if (len >= 16) {
		memcpy(last, pt, len);
		for (int j = 0; j < 16; j++)
			last[len - 16 + j] ^= d[j];
		cmac(key, last, len, v);
		return;
	}
	dbl(d);
	memset(last, 0, 16);
	if (len)
		memcpy(last, pt, len);
	last[len] = 0x80;
	for (int j = 0; j < 16; j++)
		d[j] ^= last[j];
	cmac(key, d, 16, v);
}

static void test_s2v_reference(void)
{
	uint8_t key[32], ad[40], pt[200], siv[16], ct[200], want[16];
	static const size_t lens[] = { 0, 1, 15, 16, 17, 64, 200 };
	struct nts_ad a[2] = { { ad, 2 }, { ad + 2, 16 } };
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		for (j = 0; j < sizeof(key); j++)
			key[j] = (uint8_t)rng_next();
		for (j = 0; j < sizeof(ad); j++)
			ad[j] = (uint8_t)rng_next();
		for (j = 0; j < sizeof(pt); j++)
			pt[j] = (uint8_t)rng_next();
		ref_s2v(key, a, 2, pt, lens[i], want);
		CHECKF(!ops.seal(ops.ctx, key, a, 2, pt, lens[i], siv, ct) &&
		       !memcmp(siv, want, 16), "S2V of %zu octets", lens[i]);
		CHECKF(!ops.open(ops.ctx, key, a, 2, siv, ct, lens[i], ct),
		       "open %zu octets", lens[i]);
		CHECK(!memcmp(ct, pt, lens[i]));
	}
	/* A NULL plaintext of length zero, as nts_client_request() seals. */
	ref_s2v(key, a, 2, NULL, 0, want);
	CHECK(!ops.seal(ops.ctx, key, a, 2, NULL, 0, siv, NULL));
	CHECK(!memcmp(siv, want, 16));
	CHECK(!ops.open(ops.ctx, key, a, 2, siv, NULL, 0, NULL));
	siv[0] ^= 1;
	CHECK(ops.open(ops.ctx, key, a, 2, siv, NULL, 0, NULL));
}

static void test_put_ef(void)
{
	uint8_t buf[64], body[20];
	size_t off;

	memset(buf, 0xee, sizeof(buf));
	memset(body, 0xab, sizeof(body));
	off = nts_put_ef(buf, 0, sizeof(buf), 0x0104, body, 5);
	CHECK(off == 16);	/* RFC 7822: at least 16 */
	CHECK(buf[0] == 1 && buf[1] == 4 && buf[2] == 0 && buf[3] == 16);
	CHECK(buf[8] == 0xab && buf[9] == 0 && buf[15] == 0);
	off = nts_put_ef(buf, off, sizeof(buf), 0x0204, body, 13);
	CHECK(off == 16 + 20 && buf[19] == 20 && buf[16 + 17] == 0);
	CHECK(nts_put_ef(buf, off, sizeof(buf), 0x0204, body, 20) == 60);
	CHECK(nts_put_ef(buf, off, sizeof(buf), 0x0204, body, 29) == 0);
	CHECK(nts_put_ef(buf, 60, sizeof(buf), 0x0204, NULL, 0) == 0);
	CHECK(nts_put_ef(buf, 70, sizeof(buf), 0x0204, NULL, 0) == 0);
	CHECK(nts_put_ef(buf, 48, sizeof(buf), 0x0304, NULL, 12) == 64);
}

static struct nts_master_keys mks;

static void make_master_keys(unsigned int n)
{
	unsigned int i;

	mks.n = n;
	for (i = 0; i < n; i++) {
		mks.key[i].id = 1000 + i;
		ops.random(ops.ctx, mks.key[i].key, NTS_KEY_LEN);
	}
}

static void test_cookie_round_trip(void)
{
	struct nts_session_keys k, back;
	uint8_t cookie[NTS_COOKIE_LEN], other[NTS_COOKIE_LEN];
	unsigned int i;

	make_master_keys(NTS_MASTER_KEYS);
	ops.random(ops.ctx, (uint8_t *)&k, sizeof(k));
	CHECK(!nts_cookie_seal(&ops, &mks.key[0], &k, cookie));
	CHECK(cookie[0] == 0 && cookie[1] == 0 && cookie[2] == 0x03 &&
	      cookie[3] == 0xe8);
	CHECK(nts_cookie_open(&ops, &mks, cookie, sizeof(cookie), &back) ==
	      NTS_OK);
	CHECK(!memcmp(&k, &back, sizeof(k)));
	/* Two cookies of the same keys differ: fresh nonces. */
	CHECK(!nts_cookie_seal(&ops, &mks.key[0], &k, other));
	CHECK(memcmp(cookie, other, sizeof(cookie)));
	/* An old key still opens; every octet matters. */
	CHECK(!nts_cookie_seal(&ops, &mks.key[NTS_MASTER_KEYS - 1], &k, other));
	CHECK(nts_cookie_open(&ops, &mks, other, sizeof(other), &back) == NTS_OK);
	for (i = 0; i < NTS_COOKIE_LEN; i++) {
		cookie[i] ^= 0x10;
		CHECKF(nts_cookie_open(&ops, &mks, cookie, sizeof(cookie),
				       &back) == NTS_BAD_COOKIE,
		       "flipped octet %u", i);
		cookie[i] ^= 0x10;
	}
	CHECK(nts_cookie_open(&ops, &mks, cookie, sizeof(cookie) - 1, &back) ==
	      NTS_BAD_COOKIE);
	/* The key rotated out: the cookie is expired. */
	mks.n = NTS_MASTER_KEYS - 1;
	CHECK(nts_cookie_open(&ops, &mks, other, sizeof(other), &back) ==
	      NTS_BAD_COOKIE);
	CHECK(nts_cookie_open(&ops, &mks, cookie, sizeof(cookie), &back) ==
	      NTS_OK);
}

/* A client request with @n_ph placeholders under fresh session keys. */
static struct nts_session_keys sk;
static uint8_t uid[NTS_UID_MIN_LEN];

static size_t make_request(uint8_t *buf, size_t cap, unsigned int n_ph)
{
	struct ntp_header h = { .version = 4, .mode = NTP_MODE_CLIENT,
				.transmit = 0x0123456789abcdefULL };
	uint8_t cookie[NTS_COOKIE_LEN];

	ops.random(ops.ctx, (uint8_t *)&sk, sizeof(sk));
	ops.random(ops.ctx, uid, sizeof(uid));
	nts_cookie_seal(&ops, &mks.key[0], &sk, cookie);
	ntp_write_header(buf, &h);
	return nts_client_request(&ops, sk.c2s, uid, cookie, sizeof(cookie),
				  n_ph, buf, cap);
}

static enum nts_result serve(uint8_t *req, size_t len, uint8_t *out,
			     size_t *out_len)
{
	struct ntp_packet pkt;
	struct nts_server_req s;
	struct ntp_header h;
	enum nts_result res;

	*out_len = 0;
	if (ntp_parse(req, len, &pkt) != NTP_PARSE_OK)
		return NTS_RESULTS;
	res = nts_server_verify(&ops, &mks, req, &pkt, &s, out, len);
	if (res == NTS_BAD_COOKIE || res == NTS_BAD_AUTH) {
		ntp_kod_reply(&pkt.hdr, NTS_KISS_NTSN, &h);
		ntp_write_header(out, &h);
		*out_len = nts_server_nak(req, &s, out, len);
		return res;
	}
	if (res)
		return res;
	ntp_server_reply(&pkt.hdr, NULL, 42, &h);
	h.transmit = 43;
	ntp_write_header(out, &h);
	*out_len = nts_server_seal(&ops, &mks, req, &s, out, len);
	nts_server_done(&s);
	return *out_len ? NTS_OK : NTS_NO_ROOM;
}

static void test_exchange(void)
{
	static uint8_t req[2048], out[2048];
	struct nts_client_resp resp;
	struct nts_session_keys back;
	struct ntp_packet pkt;
	unsigned int n_ph;
	size_t out_len;

	make_master_keys(3);
	for (n_ph = 0; n_ph < NTS_MAX_COOKIES; n_ph++) {
		size_t len = make_request(req, sizeof(req), n_ph);

		CHECKF(len == 48 + 36 + (1 + n_ph) * 104 + 40,
		       "%u placeholders: %zu octets", n_ph, len);
		CHECK(ntp_parse(req, len, &pkt) == NTP_PARSE_OK);
		CHECK(nts_is_nts(&pkt));
		CHECK(serve(req, len, out, &out_len) == NTS_OK);
		CHECKF(out_len == len, "reply %zu, request %zu", out_len, len);
		CHECK(ntp_parse(out, out_len, &pkt) == NTP_PARSE_OK);
		CHECK(nts_client_response(&ops, sk.s2c, uid, out, &pkt,
					  &resp) == NTS_OK);
		CHECKF(resp.n_cookies == 1 + n_ph, "%u cookies", resp.n_cookies);
		CHECK(resp.cookie_len[0] == NTS_COOKIE_LEN);
		CHECK(nts_cookie_open(&ops, &mks, resp.cookie[n_ph],
				      resp.cookie_len[n_ph], &back) == NTS_OK &&
		      !memcmp(&back, &sk, sizeof(sk)));
	}
}

static void test_tampering(void)
{
	static uint8_t req[2048], out[2048], copy[2048];
	struct nts_client_resp resp;
	struct ntp_packet pkt;
	size_t len, out_len, i;
	enum nts_result res;
	unsigned int naks = 0, bad = 0;

	make_master_keys(2);
	len = make_request(req, sizeof(req), 1);
	/* Every octet of the request is covered: header, EFs, nonce, tag. */
	for (i = 0; i < len; i++) {
		memcpy(copy, req, len);
		copy[i] ^= 0x01;
		res = serve(copy, len, out, &out_len);
		if (res == NTS_OK)
			CHECKF(0, "octet %zu flipped, still served", i);
		if (res == NTS_BAD_COOKIE || res == NTS_BAD_AUTH) {
			naks++;
			CHECK(out_len == 48 + 36 && out_len <= len);
			CHECK(ntp_parse(out, out_len, &pkt) == NTP_PARSE_OK);
			CHECK(pkt.hdr.refid == NTS_KISS_NTSN);
			/* A client reads the NAK as "handshake again". */
			if (i >= 48 + 4 && i < 48 + 36)
				continue;	/* our uid no longer matches */
			CHECK(nts_client_response(&ops, sk.s2c, uid, out, &pkt,
						  &resp) == NTS_BAD_COOKIE);
		} else {
			bad++;
		}
	}
	printf("# %u NAKs, %u dropped as malformed\n", naks, bad);
	CHECK(naks > 100 && bad > 0);

	/* The response too: a client accepts nothing altered. */
	CHECK(serve(req, len, out, &out_len) == NTS_OK);
	for (i = 0; i < out_len; i++) {
		memcpy(copy, out, out_len);
		copy[i] ^= 0x40;
		if (ntp_parse(copy, out_len, &pkt) != NTP_PARSE_OK)
			continue;
		CHECKF(nts_client_response(&ops, sk.s2c, uid, copy, &pkt,
					   &resp) != NTS_OK,
		       "response octet %zu flipped, accepted", i);
	}
	/* The server key is not the client key. */
	memcpy(copy, out, out_len);
	CHECK(ntp_parse(copy, out_len, &pkt) == NTP_PARSE_OK);
	CHECK(nts_client_response(&ops, sk.c2s, uid, copy, &pkt, &resp) ==
	      NTS_BAD_AUTH);
}

/* Adds an EF to a request just before its authenticator, re-sealing. */
static void test_malformed_requests(void)
{
	static uint8_t req[2048], out[2048];
	struct ntp_packet pkt;
	struct nts_fields f;
	size_t len, out_len;

	make_master_keys(1);
	len = make_request(req, sizeof(req), 0);
	/* A MAC after the authenticator. */
	memset(req + len, 0, 20);
	CHECK(ntp_parse(req, len + 20, &pkt) == NTP_PARSE_OK);
	CHECK(nts_parse_request(req, &pkt, &f) == NTS_MALFORMED);
	/* An EF after the authenticator. */
	CHECK(nts_put_ef(req, len, sizeof(req), 0x2000, NULL, 28) == len + 32);
	CHECK(ntp_parse(req, len + 32, &pkt) == NTP_PARSE_OK);
	CHECK(nts_parse_request(req, &pkt, &f) == NTS_MALFORMED);
	CHECK(serve(req, len + 32, out, &out_len) == NTS_MALFORMED &&
	      !out_len);
	/* Short unique identifier. */
	len = make_request(req, sizeof(req), 0);
	req[48 + 3] = 32;
	memmove(req + 48 + 32, req + 48 + 36, len - 84);
	CHECK(ntp_parse(req, len - 4, &pkt) == NTP_PARSE_OK);
	CHECK(nts_parse_request(req, &pkt, &f) == NTS_MALFORMED);
	/* Placeholder longer than the cookie: would amplify. */
	len = make_request(req, sizeof(req), 1);
	CHECK(ntp_parse(req, len, &pkt) == NTP_PARSE_OK && pkt.n_ef == 4);
	req[pkt.ef[2].offset + 3] += 4;	/* now overruns into the auth EF */
	CHECK(ntp_parse(req, len, &pkt) != NTP_PARSE_OK ||
	      nts_parse_request(req, &pkt, &f) == NTS_MALFORMED);
	/* Nonce shorter than N_REQ without padding. */
	len = make_request(req, sizeof(req), 0);
	CHECK(ntp_parse(req, len, &pkt) == NTP_PARSE_OK);
	ntp_put_be16(req + pkt.ef[2].offset + 4, 8);
	ntp_put_be16(req + pkt.ef[2].offset + 6, 24);
	CHECK(nts_parse_request(req, &pkt, &f) == NTS_MALFORMED);
	/* Ciphertext shorter than the SIV. */
	make_request(req, sizeof(req), 0);
	ntp_put_be16(req + pkt.ef[2].offset + 6, 12);
	CHECK(nts_parse_request(req, &pkt, &f) == NTS_MALFORMED);
	/* Lengths overrunning the field. */
	ntp_put_be16(req + pkt.ef[2].offset + 6, 20);
	CHECK(nts_parse_request(req, &pkt, &f) == NTS_MALFORMED);
	/* No cookie, two cookies. */
	len = make_request(req, sizeof(req), 0);
	CHECK(ntp_parse(req, len, &pkt) == NTP_PARSE_OK);
	ntp_put_be16(req + pkt.ef[1].offset, NTP_EF_NTS_COOKIE_PLACEHOLDER);
	CHECK(ntp_parse(req, len, &pkt) == NTP_PARSE_OK);
	CHECK(nts_parse_request(req, &pkt, &f) == NTS_MALFORMED);
	ntp_put_be16(req + pkt.ef[1].offset, NTP_EF_NTS_UNIQUE_ID);
	CHECK(ntp_parse(req, len, &pkt) == NTP_PARSE_OK);
	CHECK(nts_parse_request(req, &pkt, &f) == NTS_MALFORMED);
	/* Not NTS at all. */
	CHECK(ntp_parse(req, 48, &pkt) == NTP_PARSE_OK && !nts_is_nts(&pkt));
	CHECK(nts_parse_request(req, &pkt, &f) == NTS_MALFORMED);
}

/* Random NTS-shaped packets: whatever they are, no reply outgrows them. */
static void test_random_requests(void)
{
	static uint8_t req[2048], out[2048];
	unsigned int i, served = 0;
	size_t out_len;

	make_master_keys(2);
	rng_seed(0x5eed5eed1234ULL);
	for (i = 0; i < 20000; i++) {
		size_t len = make_request(req, sizeof(req), rng_below(8));

		if (rng_below(2))
			req[rng_below((uint32_t)len)] ^= (uint8_t)(1 + rng_below(255));
		if (rng_below(4) == 0)
			len -= rng_below(64);
		if (rng_below(4) == 0)
			ntp_put_be16(req + 48 + 36 + 2 + 4 * rng_below(40),
				     (uint16_t)rng_next());
		serve(req, len, out, &out_len);
		CHECKF(out_len <= len, "reply %zu > request %zu", out_len, len);
		served += out_len > 0;
	}
	printf("# %u of 20000 answered\n", served);
	CHECK(served > 1000);
}

static void test_result_names(void)
{
	int i;

	for (i = 0; i < NTS_RESULTS; i++)
		CHECK(strcmp(nts_result_name(i), "unknown"));
	CHECK(!strcmp(nts_result_name(NTS_RESULTS), "unknown"));
}

static const struct ktap_case cases[] = {
	{ "AES-SIV: RFC 5297 A.1", test_rfc5297_a1 },
	{ "AES-SIV: RFC 5297 A.2", test_rfc5297_a2 },
	{ "AES-SIV against a reference S2V", test_s2v_reference },
	{ "extension field writer", test_put_ef },
	{ "cookie round trip, tampering, expiry", test_cookie_round_trip },
	{ "client and server exchange", test_exchange },
	{ "tampered requests and responses", test_tampering },
	{ "malformed requests", test_malformed_requests },
	{ "random requests never amplify", test_random_requests },
	{ "result names", test_result_names },
};

int main(void)
{
	if (nts_siv_init(&ops)) {
		printf("Bail out! OpenSSL has no AES-128-SIV\n");
		return 1;
	}
	ktap_plan((int)ARRAY_SIZE(cases));
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		ktap_run_case(&cases[i]);
	nts_siv_uninit(&ops);
	return ktap_exit();
}
