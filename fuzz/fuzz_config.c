// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_config.c - libFuzzer target for ntpsecd's ntp.conf parser.  Two
 * promises are checked, not just the absence of crashes:
 *  - a refused file leaves the caller's configuration untouched (a reload
 *    must never half-apply);
 *  - an accepted one, printed by config_dump() (what "ntpsecd -t" shows),
 *    parses back to the same bytes.
 * The name has no directory that exists, so relative includefiles fail
 * instead of reading this machine's files.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ntpconf.h"

#define FUZZ_NAME "/nonexistent/fuzz/ntp.conf"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct config cfg, again, untouched;

static void check_round_trip(void)
{
	char err[512], *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		abort();
	config_dump(&cfg, f);
	fclose(f);
	if (config_parse_string(text, FUZZ_NAME, &again, err, sizeof(err))) {
		fprintf(stderr, "config_dump output does not parse: %s\n%s", err, text);
		abort();
	}
	if (memcmp(&cfg, &again, sizeof(cfg))) {
		fprintf(stderr, "config_dump output parses to another configuration:\n%s",
			text);
		abort();
	}
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512], *text;

	if (size > 64 * 1024)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;		/* a NUL inside ends the text early: fine */

	memset(&cfg, 0xa5, sizeof(cfg));
	memcpy(&untouched, &cfg, sizeof(cfg));
	if (config_parse_string(text, FUZZ_NAME, &cfg, err, sizeof(err))) {
		if (memcmp(&cfg, &untouched, sizeof(cfg))) {
			fprintf(stderr, "a refused configuration changed the output: %s\n", err);
			abort();
		}
		if (!memchr(err, 0, sizeof(err)) || !err[0]) {
			fprintf(stderr, "a refused configuration without a message\n");
			abort();
		}
	} else {
		check_round_trip();
	}
	free(text);
	return 0;
}
