// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_mode6.c - libFuzzer target for the daemon's mode 6 request parser
 * and what reads a request's variable list.  A request that parses must
 * lie inside the octets it came in; its variable list must yield names of
 * printable characters and end; the error reply and the fragments of a
 * reply made of the request's own data must keep the protocol's limits.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *	-fno-sanitize-recover=all -I. -include config.h -o fuzz_mode6 \
 *	fuzz/fuzz_mode6.c user/ntpsecd/mode6.c
 *   ./fuzz_mode6 -max_len=600 fuzz/corpus/mode6
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../user/ntpsecd/mode6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_datagram(void *ctx, const uint8_t *pkt, size_t len)
{
	size_t count = (size_t)(pkt[10] << 8 | pkt[11]);

	(void)ctx;
	if (len > MODE6_MAX_DATAGRAM || len & 3 || count > MODE6_MAX_DATA ||
	    len < MODE6_HEADER_LEN + count || !(pkt[1] & 0x80))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mode6_text t;
	uint8_t err[MODE6_HEADER_LEN];
	struct mode6_request req;
	char name[MODE6_NAME_MAX], value[64];
	size_t pos = 0, last = 0;
	int ret;

	if (mode6_parse(data, size, &req) != MODE6_PARSE_OK)
		return 0;
	if (req.data != data + MODE6_HEADER_LEN ||
	    req.count > size - MODE6_HEADER_LEN || req.count > MODE6_MAX_DATA)
		abort();
	while ((ret = mode6_next_var(req.data, req.count, &pos, name, value,
				     sizeof(value))) > 0) {
		if (pos <= last && last) /* always progresses */
			abort();
		if (!name[0] || strlen(name) >= MODE6_NAME_MAX ||
		    strlen(value) >= sizeof(value))
			abort();
		last = pos;
	}
	mode6_text_init(&t);
	mode6_text_want(&t, req.data, req.count);
	if (t.nwant > MODE6_WANT_MAX)
		abort();
	if (mode6_error(&req, MODE6_ERR_BADOP, err) != MODE6_HEADER_LEN)
		abort();
	if (mode6_fragment(&req, 0, req.associd, req.data, req.count,
			   check_datagram, NULL) < 1)
		abort();
	return 0;
}
