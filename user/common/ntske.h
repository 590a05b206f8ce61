/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ntske.h - NTS Key Establishment records (RFC 8915 section 4): the parser
 * both ends use and the record writer.  No TLS here: the server
 * (user/ntpsecd/ntske_server.c) and the client feed it what TLS delivered.
 *
 * A record: critical bit and 15-bit type, 16-bit body length, body.  A
 * message is records up to and including End of Message.  The parser is
 * strict: a message longer than NTSKE_MAX_MESSAGE, a repeated record that
 * may appear once, a body of the wrong size, an unknown record with the
 * critical bit set, or (from a client) an Error, Warning or New Cookie
 * record refuses the message; unknown records without it are skipped.
 */
#ifndef NTPSEC_NTSKE_H
#define NTPSEC_NTSKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../wire/nts_wire.h"

#define NTSKE_PORT		4460
#define NTSKE_ALPN		"ntske/1"
#define NTSKE_EXPORTER_LABEL	"EXPORTER-network-time-security"
#define NTSKE_PROTO_NTPV4	0
/* A request is a few dozen octets; a response with eight cookies < 1 KiB. */
#define NTSKE_MAX_REQUEST	1024
#define NTSKE_MAX_MESSAGE	4096
#define NTSKE_MAX_SERVER_NAME	255
#define NTSKE_MAX_IDS		16	/* protocol or AEAD ids in one record */

enum ntske_record_type {
	NTSKE_END = 0,
	NTSKE_NEXT_PROTOCOL = 1,
	NTSKE_ERROR = 2,
	NTSKE_WARNING = 3,
	NTSKE_AEAD = 4,
	NTSKE_COOKIE = 5,
	NTSKE_SERVER = 6,
	NTSKE_PORT_REC = 7,
};
#define NTSKE_CRITICAL		0x8000

enum ntske_error_code {
	NTSKE_ERR_UNRECOGNIZED_CRITICAL = 0,
	NTSKE_ERR_BAD_REQUEST = 1,
	NTSKE_ERR_INTERNAL = 2,
};

enum ntske_role { NTSKE_FROM_CLIENT, NTSKE_FROM_SERVER };

enum ntske_parse_result {
	NTSKE_OK = 0,
	NTSKE_INCOMPLETE,		/* no End of Message yet: read on */
	NTSKE_TOO_LONG,			/* over the role's size limit */
	NTSKE_BAD_RECORD,		/* wrong body size, repeated, misplaced */
	NTSKE_UNKNOWN_CRITICAL,		/* unknown record, critical bit set */
	NTSKE_PARSE_RESULTS
};

struct ntske_msg {
	size_t len;			/* octets through End of Message */
	bool have_protocols, ntpv4;	/* Next Protocol; NTPv4 offered */
	unsigned int n_protocols;
	bool have_aead, aead_siv;	/* AEAD; AES-SIV-CMAC-256 offered */
	unsigned int n_aeads;
	bool have_error, have_warning;
	uint16_t error, warning;
	bool have_server, have_port;
	char server[NTSKE_MAX_SERVER_NAME + 1];
	uint16_t port;
	unsigned int n_cookies;
	uint16_t cookie_len[NTS_MAX_COOKIES];
	uint8_t cookie[NTS_MAX_COOKIES][NTS_MAX_COOKIE_LEN];
	uint16_t unknown_type;		/* for NTSKE_UNKNOWN_CRITICAL */
};

enum ntske_parse_result ntske_parse(const uint8_t *buf, size_t len,
				    enum ntske_role from, struct ntske_msg *m);
const char *ntske_parse_result_name(enum ntske_parse_result res);
const char *ntske_error_name(uint16_t code);

/* Appends a record at @off; returns the new end, or 0 if @cap is short. */
size_t ntske_put(uint8_t *buf, size_t off, size_t cap, uint16_t type,
		 bool critical, const void *body, size_t len);
size_t ntske_put_u16(uint8_t *buf, size_t off, size_t cap, uint16_t type,
		     bool critical, uint16_t value);

/* The records of an error answer: Error (@code), End of Message. */
size_t ntske_error_response(uint8_t *buf, size_t cap, uint16_t code);

/*
 * The context of the TLS exporter for the NTPv4 keys under AEAD 15 (RFC
 * 8915 section 5.1): protocol id, AEAD id, 0 for C2S or 1 for S2C.
 */
void ntske_exporter_context(uint8_t ctx[5], bool s2c);

#endif
