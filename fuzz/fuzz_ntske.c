// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_ntske.c - libFuzzer target for the NTS-KE record parser (user/
 * common/ntske.c) and the server's answer to what it parsed (no TLS: the
 * session keys are fixed).  The first input octet picks the role.  The
 * parser's result must agree with the octets, and every answer the server
 * builds must parse, as a server's message, to what it promised.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *	-fno-sanitize-recover=all -Iuser/common -Iuser/ntpsecd -I. \
 *	-o fuzz_ntske fuzz/fuzz_ntske.c \
 *	user/common/ntske.c user/ntpsecd/ntske_server.c user/ntpsecd/log.c \
 *	user/common/nts_siv.c user/wire/nts_wire.c user/wire/ntp_wire.c \
 *	-lssl -lcrypto
 *   ./fuzz_ntske -max_len=2048
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../user/common/nts_siv.h"
#include "../user/ntpsecd/ntske_server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct nts_aead_ops ops;
static struct nts_keystore ks;
static struct ntske_server srv;

static void setup(void)
{
	if (ops.seal)
		return;
	if (nts_siv_init(&ops))
		abort();
	ks.mks.n = 1;
	ks.mks.key[0].id = 9;
	srv.ops = &ops;
	srv.keys = &ks;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct nts_session_keys keys = { { 1 }, { 2 } };
	static struct ntske_msg m, back;
	static uint8_t out[NTSKE_MAX_MESSAGE];
	enum ntske_parse_result res;
	size_t len;

	setup();
	if (!size)
		return 0;
	res = ntske_parse(data + 1, size - 1,
			  data[0] & 1 ? NTSKE_FROM_SERVER : NTSKE_FROM_CLIENT,
			  &m);
	if ((unsigned int)res >= NTSKE_PARSE_RESULTS ||
	    (res == NTSKE_OK && (m.len != size - 1 || m.len < 4)) ||
	    m.n_cookies > NTS_MAX_COOKIES)
		abort();
	if (data[0] & 1)
		return 0;
	len = ntske_server_response(&srv, res, &m, &keys, out, sizeof(out));
	if (!len || ntske_parse(out, len, NTSKE_FROM_SERVER, &back) != NTSKE_OK)
		abort();
	/* Cookies only for a request that offered NTPv4 and AEAD 15. */
	if ((back.n_cookies != 0) != (res == NTSKE_OK && m.have_protocols &&
				       m.have_aead && m.ntpv4 && m.aead_siv))
		abort();
	return 0;
}
