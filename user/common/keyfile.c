// SPDX-License-Identifier: BSD-2-Clause
/*
 * ntp.keys parsing, shared by ntpsecd and ntpsecctl.
 */

#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "keyfile.h"

#define ASCII_SECRET_MAX 20

static const struct {
	const char *name;
	uint8_t type;
} type_names[] = {
	{ "MD5", NTPSEC_KEY_MD5 },
	{ "M", NTPSEC_KEY_MD5 },	/* ntpd's historical spelling */
	{ "SHA1", NTPSEC_KEY_SHA1 },
	{ "SHA-1", NTPSEC_KEY_SHA1 },
	{ "AES-128-CMAC", NTPSEC_KEY_AES128_CMAC },
	{ "AES-128", NTPSEC_KEY_AES128_CMAC },
	{ "AES128CMAC", NTPSEC_KEY_AES128_CMAC },
	{ "AES", NTPSEC_KEY_AES128_CMAC },
};

const char *keyfile_type_name(uint8_t type)
{
	switch (type) {
	case NTPSEC_KEY_MD5:
		return "MD5";
	case NTPSEC_KEY_SHA1:
		return "SHA1";
	case NTPSEC_KEY_AES128_CMAC:
		return "AES-128-CMAC";
	}
	return "unknown";
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int parse_secret(const char *s, struct ntp_key *key, char *err,
			size_t errlen)
{
	size_t n = strlen(s), i;

	if (n <= ASCII_SECRET_MAX) {
		memcpy(key->secret, s, n);
		key->len = (uint8_t)n;
		return 0;
	}
	if (n % 2 || n > 2 * NTPSEC_KEY_MAX_SECRET) {
		snprintf(err, errlen, "a secret over %d characters must be an even number of hex digits, at most %d",
			 ASCII_SECRET_MAX, 2 * NTPSEC_KEY_MAX_SECRET);
		return -1;
	}
	for (i = 0; i < n / 2; i++) {
		int hi = hexval((unsigned char)s[2 * i]);
		int lo = hexval((unsigned char)s[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			snprintf(err, errlen, "'%c%c' is not hex", s[2 * i], s[2 * i + 1]);
			return -1;
		}
		key->secret[i] = (uint8_t)(hi << 4 | lo);
	}
	key->len = (uint8_t)(n / 2);
	return 0;
}

int keyfile_parse_line(const char *line, struct ntp_key *key, char *err,
		       size_t errlen)
{
	char buf[512], *fields[4], *save = NULL, *p, *end;
	unsigned long id;
	size_t i;
	int n = 0;

	if (strlen(line) >= sizeof(buf)) {
		snprintf(err, errlen, "line too long");
		return -1;
	}
	strcpy(buf, line);
	p = strchr(buf, '#');
	if (p)
		*p = 0;
	for (p = strtok_r(buf, " \t\r\n", &save); p && n < 4;
	     p = strtok_r(NULL, " \t\r\n", &save))
		fields[n++] = p;
	if (!n)
		return 0;
	if (n != 3) {
		snprintf(err, errlen, "expected 'KEYID TYPE SECRET'");
		return -1;
	}
	id = strtoul(fields[0], &end, 10);
	if (*end || !isdigit((unsigned char)fields[0][0]) || id < 1 || id > 65535) {
		snprintf(err, errlen, "key id '%s' is not a number from 1 to 65535", fields[0]);
		return -1;
	}
	memset(key, 0, sizeof(*key));
	key->id = (uint32_t)id;
	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (!strcasecmp(fields[1], type_names[i].name))
			key->type = type_names[i].type;
	if (!key->type) {
		snprintf(err, errlen, "unsupported key type '%s' (MD5, SHA1, AES-128-CMAC)", fields[1]);
		return -1;
	}
	return parse_secret(fields[2], key, err, errlen) ? -1 : 1;
}
