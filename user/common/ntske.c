// SPDX-License-Identifier: BSD-2-Clause
/*
 * ntske.c - NTS-KE record parsing and writing (RFC 8915 section 4).
 */

#include "config.h"

#include <string.h>

#include "ntske.h"

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* A list of 16-bit ids: Next Protocol and AEAD bodies. */
static bool parse_ids(const uint8_t *body, size_t len, uint16_t want,
		      unsigned int *n, bool *found)
{
	size_t i;

	if (len % 2 || len / 2 > NTSKE_MAX_IDS)
		return false;
	*n = (unsigned int)(len / 2);
	*found = false;
	for (i = 0; i < len; i += 2)
		if (be16(body + i) == want)
			*found = true;
	return true;
}

/* The ASCII host name or address of RFC 8915 section 4.1.7. */
static bool parse_server(const uint8_t *body, size_t len, char *out)
{
	size_t i;

	if (!len || len > NTSKE_MAX_SERVER_NAME)
		return false;
	for (i = 0; i < len; i++)
		if (body[i] <= 0x20 || body[i] >= 0x7f)
			return false;
	memcpy(out, body, len);
	out[len] = 0;
	return true;
}

static enum ntske_parse_result record(uint16_t type, bool critical,
				      const uint8_t *body, size_t len,
				      enum ntske_role from,
				      struct ntske_msg *m)
{
	bool ok;

	switch (type) {
	case NTSKE_NEXT_PROTOCOL:
		/* RFC 8915 4.1.2: always critical, exactly once. */
		if (m->have_protocols || !critical)
			return NTSKE_BAD_RECORD;
		m->have_protocols = true;
		ok = parse_ids(body, len, NTSKE_PROTO_NTPV4, &m->n_protocols,
			       &m->ntpv4);
		break;
	case NTSKE_AEAD:
		if (m->have_aead)
			return NTSKE_BAD_RECORD;
		m->have_aead = true;
		ok = parse_ids(body, len, NTS_AEAD_AES_SIV_CMAC_256,
			       &m->n_aeads, &m->aead_siv);
		break;
	case NTSKE_ERROR:
	case NTSKE_WARNING:
		if (from == NTSKE_FROM_CLIENT || len != 2 || !critical ||
		    (type == NTSKE_ERROR ? m->have_error : m->have_warning))
			return NTSKE_BAD_RECORD;
		if (type == NTSKE_ERROR) {
			m->have_error = true;
			m->error = be16(body);
		} else {
			m->have_warning = true;
			m->warning = be16(body);
		}
		ok = true;
		break;
	case NTSKE_COOKIE:
		if (from == NTSKE_FROM_CLIENT || !len || len % 4 ||
		    len > NTS_MAX_COOKIE_LEN)
			return NTSKE_BAD_RECORD;
		/* More than we keep: the extra ones are of no use. */
		if (m->n_cookies < NTS_MAX_COOKIES) {
			memcpy(m->cookie[m->n_cookies], body, len);
			m->cookie_len[m->n_cookies++] = (uint16_t)len;
		}
		ok = true;
		break;
	case NTSKE_SERVER:
		if (m->have_server)
			return NTSKE_BAD_RECORD;
		m->have_server = true;
		ok = parse_server(body, len, m->server);
		break;
	case NTSKE_PORT_REC:
		if (m->have_port || len != 2)
			return NTSKE_BAD_RECORD;
		m->have_port = true;
		m->port = be16(body);
		ok = true;
		break;
	default:
		if (critical) {
			m->unknown_type = type;
			return NTSKE_UNKNOWN_CRITICAL;
		}
		ok = true;
		break;
	}
	return ok ? NTSKE_OK : NTSKE_BAD_RECORD;
}

enum ntske_parse_result ntske_parse(const uint8_t *buf, size_t len,
				    enum ntske_role from, struct ntske_msg *m)
{
	size_t limit = from == NTSKE_FROM_CLIENT ? NTSKE_MAX_REQUEST :
						   NTSKE_MAX_MESSAGE;
	size_t off = 0;

	memset(m, 0, sizeof(*m));
	while (off + 4 <= len) {
		uint16_t type = be16(buf + off) & 0x7fff;
		bool critical = be16(buf + off) & NTSKE_CRITICAL;
		size_t body = be16(buf + off + 2);
		enum ntske_parse_result res;

		if (off + 4 + body > limit)
			return NTSKE_TOO_LONG;
		if (off + 4 + body > len)
			return NTSKE_INCOMPLETE;
		if (type == NTSKE_END) {
			/* RFC 8915 4.1.1: critical, empty, last. */
			if (body || !critical)
				return NTSKE_BAD_RECORD;
			m->len = off + 4;
			return m->len == len ? NTSKE_OK : NTSKE_BAD_RECORD;
		}
		res = record(type, critical, buf + off + 4, body, from, m);
		if (res != NTSKE_OK)
			return res;
		off += 4 + body;
	}
	return off + 4 > limit ? NTSKE_TOO_LONG : NTSKE_INCOMPLETE;
}

size_t ntske_put(uint8_t *buf, size_t off, size_t cap, uint16_t type,
		 bool critical, const void *body, size_t len)
{
	if (len > 0xffff || off > cap || cap - off < 4 + len)
		return 0;
	type |= critical ? NTSKE_CRITICAL : 0;
	buf[off] = (uint8_t)(type >> 8);
	buf[off + 1] = (uint8_t)type;
	buf[off + 2] = (uint8_t)(len >> 8);
	buf[off + 3] = (uint8_t)len;
	if (len)
		memcpy(buf + off + 4, body, len);
	return off + 4 + len;
}

size_t ntske_put_u16(uint8_t *buf, size_t off, size_t cap, uint16_t type,
		     bool critical, uint16_t value)
{
	uint8_t b[2] = { (uint8_t)(value >> 8), (uint8_t)value };

	return ntske_put(buf, off, cap, type, critical, b, sizeof(b));
}

size_t ntske_error_response(uint8_t *buf, size_t cap, uint16_t code)
{
	size_t off = ntske_put_u16(buf, 0, cap, NTSKE_ERROR, true, code);

	return off ? ntske_put(buf, off, cap, NTSKE_END, true, NULL, 0) : 0;
}

void ntske_exporter_context(uint8_t ctx[5], bool s2c)
{
	ctx[0] = 0;
	ctx[1] = NTSKE_PROTO_NTPV4;
	ctx[2] = 0;
	ctx[3] = NTS_AEAD_AES_SIV_CMAC_256;
	ctx[4] = s2c ? 1 : 0;
}

const char *ntske_parse_result_name(enum ntske_parse_result res)
{
	switch (res) {
	case NTSKE_OK:
		return "ok";
	case NTSKE_INCOMPLETE:
		return "incomplete";
	case NTSKE_TOO_LONG:
		return "message too long";
	case NTSKE_BAD_RECORD:
		return "bad record";
	case NTSKE_UNKNOWN_CRITICAL:
		return "unrecognized critical record";
	case NTSKE_PARSE_RESULTS:
		break;
	}
	return "unknown";
}

const char *ntske_error_name(uint16_t code)
{
	switch (code) {
	case NTSKE_ERR_UNRECOGNIZED_CRITICAL:
		return "unrecognized critical record";
	case NTSKE_ERR_BAD_REQUEST:
		return "bad request";
	case NTSKE_ERR_INTERNAL:
		return "internal server error";
	}
	return "unknown error";
}
