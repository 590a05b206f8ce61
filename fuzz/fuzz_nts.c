// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_nts.c - libFuzzer target for the shared NTS code (user/wire/
 * nts_wire.c) on OpenSSL's AES-SIV, with fixed master and session keys so
 * that runs reproduce.  The first input octet picks what the rest is:
 *
 *   0  a request for the server: parse, verify, answer or NAK
 *   1  a genuine request (placeholders and a flipped octet chosen by the
 *      input), so the fuzzer reaches the verified paths too
 *   2  a response for the client
 *
 * Whatever the input, no reply may be longer than its request and every
 * reply the server builds must parse again; anything else aborts.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *	-fno-sanitize-recover=all -Iuser/common -I. \
 *	-o fuzz_nts fuzz/fuzz_nts.c user/wire/nts_wire.c user/wire/ntp_wire.c \
 *	user/common/nts_siv.c -lcrypto
 *   ./fuzz_nts -max_len=1500 fuzz/corpus/wire
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../user/common/nts_siv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct nts_aead_ops ops;
static struct nts_master_keys mks;
static const struct nts_session_keys sk = {
	.c2s = { 1, 2, 3, 4 }, .s2c = { 5, 6, 7, 8 },
};
static const uint8_t uid[NTS_UID_MIN_LEN] = { 0x55 };

static void setup(void)
{
	if (ops.seal)
		return;
	if (nts_siv_init(&ops))
		abort();
	mks.n = 2;
	mks.key[0].id = 2;
	mks.key[1].id = 1;
	memset(mks.key[0].key, 0x22, NTS_KEY_LEN);
	memset(mks.key[1].key, 0x11, NTS_KEY_LEN);
}

static void serve(uint8_t *req, size_t len)
{
	static uint8_t out[4096];
	struct nts_server_req s;
	struct ntp_packet pkt, back;
	struct ntp_header h = { .version = 4, .mode = NTP_MODE_SERVER };
	enum nts_result res;
	size_t n = 0;

	if (len > sizeof(out) || ntp_parse(req, len, &pkt) != NTP_PARSE_OK)
		return;
	res = nts_server_verify(&ops, &mks, req, &pkt, &s, out, len);
	if (res == NTS_OK) {
		ntp_write_header(out, &h);
		n = nts_server_seal(&ops, &mks, req, &s, out, len);
		nts_server_done(&s);
	} else if (res == NTS_BAD_COOKIE || res == NTS_BAD_AUTH) {
		ntp_write_header(out, &h);
		n = nts_server_nak(req, &s, out, len);
	}
	if (n > len) {
		fprintf(stderr, "reply of %zu octets to %zu\n", n, len);
		abort();
	}
	if (n && ntp_parse(out, n, &back) != NTP_PARSE_OK) {
		fprintf(stderr, "a reply that does not parse\n");
		abort();
	}
}

static void genuine(const uint8_t *data, size_t size)
{
	static uint8_t req[4096];
	struct ntp_header h = { .version = 4, .mode = NTP_MODE_CLIENT };
	uint8_t cookie[NTS_COOKIE_LEN];
	size_t len, at;

	if (size < 3)
		return;
	ntp_write_header(req, &h);
	if (nts_cookie_seal(&ops, &mks.key[data[0] & 1], &sk, cookie))
		abort();
	len = nts_client_request(&ops, sk.c2s, uid, cookie, sizeof(cookie),
				 data[1] % 9, req, sizeof(req));
	if (!len)
		abort();
	at = data[2] * 7 % len;
	if (size > 3)
		req[at] ^= data[3];
	serve(req, len);
}

static void client(const uint8_t *data, size_t size)
{
	static uint8_t buf[4096];
	static struct nts_client_resp resp;
	struct ntp_packet pkt;

	if (size > sizeof(buf))
		return;
	memcpy(buf, data, size);
	if (ntp_parse(buf, size, &pkt) != NTP_PARSE_OK)
		return;
	nts_client_response(&ops, sk.s2c, uid, buf, &pkt, &resp);
	if (resp.n_cookies > NTS_MAX_COOKIES)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t copy[4096];

	setup();
	if (!size || size - 1 > sizeof(copy))
		return 0;
	memcpy(copy, data + 1, size - 1);
	switch (data[0] % 3) {
	case 0:
		serve(copy, size - 1);
		break;
	case 1:
		genuine(data + 1, size - 1);
		break;
	default:
		client(data + 1, size - 1);
		break;
	}
	return 0;
}
