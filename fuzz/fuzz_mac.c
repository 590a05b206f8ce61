// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_mac.c - libFuzzer target for ntpsecd's MAC check, the path a request
 * takes in the userspace server (server.c answer()): ntp_parse(), the key
 * looked up in a fixed ring (MD5 key 1, SHA1 key 2, AES-128-CMAC key 3),
 * auth_verify().  Beyond crashes: a MAC that verifies must be the right
 * one, and the same packet with its digest recomputed must verify.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "../user/wire/ntp_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct keyring ring = {
	.n = 3,
	.keys = {
		{ .id = 1, .type = NTPSEC_KEY_MD5, .len = 8,
		  .secret = "md5-test" },
		{ .id = 2, .type = NTPSEC_KEY_SHA1, .len = 20,
		  .secret = "sha1-test-secret-20c" },
		{ .id = 3, .type = NTPSEC_KEY_AES128_CMAC, .len = 16,
		  .secret = { 0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
			      0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c } },
	},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t copy[NTP_MAX_PACKET_LEN];
	uint8_t digest[NTP_DIGEST_SHA1_LEN];
	const struct ntp_key *key;
	struct ntp_packet pkt;
	unsigned int dlen;
	bool ok;

	if (ntp_parse(data, size, &pkt) != NTP_PARSE_OK ||
	    pkt.mac_len <= NTP_KEYID_LEN)
		return 0;
	if ((size_t)pkt.mac_offset + pkt.mac_len != size)
		abort();
	key = keyring_find(&ring, pkt.key_id);
	if (!key)
		return 0;
	ok = auth_verify(key, data, pkt.mac_offset, pkt.mac_len);
	dlen = auth_digest_len(key->type);
	if (pkt.mac_len != NTP_KEYID_LEN + dlen) {
		if (ok)
			abort();	/* a MAC of the wrong length verified */
		return 0;
	}
	if (!auth_digest(key, data, pkt.mac_offset, digest))
		abort();
	if (ok != !memcmp(digest, data + pkt.mac_offset + NTP_KEYID_LEN, dlen))
		abort();
	memcpy(copy, data, size);
	memcpy(copy + pkt.mac_offset + NTP_KEYID_LEN, digest, dlen);
	if (!auth_verify(key, copy, pkt.mac_offset, pkt.mac_len))
		abort();
	return 0;
}
