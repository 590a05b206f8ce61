// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_wire.c - libFuzzer target for ntp_parse(), the parser that guards the
 * kernel's fast path.  libFuzzer hands over an exactly sized heap copy, so
 * ASan sees any over-read; what the parser reports must agree with the
 * octets, else the target aborts.  The checks are those of
 * user/tests/test_wire.c.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *	-fno-sanitize-recover=all -o fuzz_wire \
 *	fuzz/fuzz_wire.c user/wire/ntp_wire.c
 *   ./fuzz_wire -max_len=1500 fuzz/corpus/wire
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../user/tests/wire_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum ntp_parse_result res;
	struct ntp_packet pkt;
	const char *why;

	memset(&pkt, 0x5a, sizeof(pkt));
	res = ntp_parse(data, size, &pkt);
	why = inconsistency(data, size, res, &pkt);
	if (why) {
		fprintf(stderr, "ntp_parse: %zu octets, \"%s\": %s\n", size,
			ntp_parse_result_name(res), why);
		abort();
	}
	return 0;
}
