/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * keyfile.h - NTPsec's ntp.keys format: "KEYID TYPE SECRET" per line, '#'
 * starts a comment.  A secret of up to 20 characters is taken as ASCII,
 * a longer one as hex (at most 64 digits), as NTPsec reads it.
 */
#ifndef NTPSEC_KEYFILE_H
#define NTPSEC_KEYFILE_H

#include <stddef.h>
#include <stdint.h>
#include <linux/ntpsec.h>

struct ntp_key {
	uint32_t id;
	uint8_t type;			/* enum ntpsec_key_type */
	uint8_t len;
	uint8_t secret[NTPSEC_KEY_MAX_SECRET];
};

/*
 * Parses one line into @key.  Returns 1 for a key, 0 for a blank or comment
 * line, -1 for an error, with a message in @err.
 */
int keyfile_parse_line(const char *line, struct ntp_key *key, char *err,
		       size_t errlen);

/* The ntp.keys name of a key type ("MD5", "SHA1", "AES-128-CMAC"). */
const char *keyfile_type_name(uint8_t type);

#endif
