// SPDX-License-Identifier: BSD-2-Clause
/*
 * Mode 6 on the wire: request headers, error replies, fragmentation, and
 * the "name=value" text of replies.  See mode6.h.
 */

#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mode6.h"

#define MODE6_R	0x80	/* response */
#define MODE6_E	0x40	/* error */
#define MODE6_M	0x20	/* more fragments follow */
#define MODE6_OPCODE_MASK 0x1f

/* ntpd starts a new line in a reply once one passes this many octets. */
#define MODE6_LINE_MAX 72

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

enum mode6_parse_result mode6_parse(const uint8_t *buf, size_t len,
				    struct mode6_request *req)
{
	unsigned int version;

	if (len < MODE6_HEADER_LEN)
		return MODE6_PARSE_TOO_SHORT;
	if ((buf[0] & 7) != 6)
		return MODE6_PARSE_NOT_MODE6;
	if (len > MODE6_MAX_REQUEST)
		return MODE6_PARSE_TOO_LONG;
	version = buf[0] >> 3 & 7;
	if (version < 1 || version > 4)
		return MODE6_PARSE_BAD_VERSION;
	if (buf[1] & (MODE6_R | MODE6_E | MODE6_M))
		return MODE6_PARSE_NOT_REQUEST;
	if (get16(buf + 8))
		return MODE6_PARSE_FRAGMENT;
	req->count = get16(buf + 10);
	if (req->count > MODE6_MAX_DATA ||
	    req->count > len - MODE6_HEADER_LEN)
		return MODE6_PARSE_BAD_COUNT;
	req->version = (uint8_t)version;
	req->opcode = buf[1] & MODE6_OPCODE_MASK;
	req->sequence = get16(buf + 2);
	req->status = get16(buf + 4);
	req->associd = get16(buf + 6);
	req->data = buf + MODE6_HEADER_LEN;
	return MODE6_PARSE_OK;
}

const char *mode6_parse_result_name(enum mode6_parse_result res)
{
	static const char *const names[MODE6_PARSE_RESULTS] = {
		[MODE6_PARSE_OK] = "ok",
		[MODE6_PARSE_TOO_SHORT] = "too short",
		[MODE6_PARSE_TOO_LONG] = "too long",
		[MODE6_PARSE_NOT_MODE6] = "not mode 6",
		[MODE6_PARSE_BAD_VERSION] = "bad version",
		[MODE6_PARSE_NOT_REQUEST] = "not a request",
		[MODE6_PARSE_FRAGMENT] = "fragment",
		[MODE6_PARSE_BAD_COUNT] = "bad count",
	};

	return (unsigned int)res < MODE6_PARSE_RESULTS ? names[res] : "?";
}

static void put_header(uint8_t *out, const struct mode6_request *req,
		       uint8_t flags, uint16_t status, uint16_t associd,
		       uint16_t offset, uint16_t count)
{
	out[0] = (uint8_t)(req->version << 3 | 6);
	out[1] = (uint8_t)(MODE6_R | flags | req->opcode);
	put16(out + 2, req->sequence);
	put16(out + 4, status);
	put16(out + 6, associd);
	put16(out + 8, offset);
	put16(out + 10, count);
}

size_t mode6_error(const struct mode6_request *req, enum mode6_error err,
		   uint8_t out[MODE6_HEADER_LEN])
{
	put_header(out, req, MODE6_E, (uint16_t)((unsigned int)err << 8),
		   req->associd, 0, 0);
	return MODE6_HEADER_LEN;
}

int mode6_fragment(const struct mode6_request *req, uint16_t status,
		   uint16_t associd, const uint8_t *data, size_t len,
		   mode6_send_fn send, void *ctx)
{
	uint8_t pkt[MODE6_MAX_DATAGRAM];
	size_t off = 0;
	int n = 0;

	if (len > MODE6_MAX_REPLY)
		return -1;
	do {
		size_t chunk = len - off > MODE6_MAX_DATA ? MODE6_MAX_DATA :
							    len - off;
		bool more = off + chunk < len;
		size_t plen = MODE6_HEADER_LEN + chunk;

		put_header(pkt, req, more ? MODE6_M : 0, status, associd,
			   (uint16_t)off, (uint16_t)chunk);
		memcpy(pkt + MODE6_HEADER_LEN, data + off, chunk);
		while (plen & 3)
			pkt[plen++] = 0;
		send(ctx, pkt, plen);
		off += chunk;
		n++;
	} while (off < len);
	return n;
}

static bool is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0;
}

int mode6_next_var(const uint8_t *data, size_t len, size_t *pos,
		   char name[MODE6_NAME_MAX], char *value, size_t valuelen)
{
	size_t i = *pos, n = 0, v = 0;

	while (i < len && (is_space(data[i]) || data[i] == ','))
		i++;
	if (i == len) {
		*pos = i;
		return 0;
	}
	while (i < len && data[i] != ',' && data[i] != '=' && !is_space(data[i])) {
		if (data[i] < 0x21 || data[i] > 0x7e || n + 1 >= MODE6_NAME_MAX)
			return -1;
		name[n++] = (char)data[i++];
	}
	name[n] = 0;
	if (!n)
		return -1;	/* "=value" */
	while (i < len && is_space(data[i]))
		i++;
	if (i < len && data[i] == '=') {
		for (i++; i < len && data[i] != ','; i++) {
			if (value && v + 1 < valuelen && data[i])
				value[v++] = (char)data[i];
		}
	}
	if (value && valuelen)
		value[v] = 0;
	*pos = i;
	return 1;
}

void mode6_text_init(struct mode6_text *t)
{
	t->len = 0;
	t->line = 0;
	t->full = false;
	t->nwant = 0;
	t->seen = 0;
	t->buf[0] = 0;
}

int mode6_text_want(struct mode6_text *t, const uint8_t *data, size_t len)
{
	char name[MODE6_NAME_MAX];
	size_t pos = 0;
	int ret;

	t->nwant = 0;
	while ((ret = mode6_next_var(data, len, &pos, name, NULL, 0)) > 0) {
		if (t->nwant == MODE6_WANT_MAX)
			return -1;
		memcpy(t->want[t->nwant++], name, sizeof(name));
	}
	return ret;
}

/* A name asked for twice is marked seen twice and written once. */
static bool wanted(struct mode6_text *t, const char *name)
{
	bool want = !t->nwant;
	unsigned int i;

	for (i = 0; i < t->nwant; i++) {
		if (!strcmp(t->want[i], name)) {
			t->seen |= 1U << i;
			want = true;
		}
	}
	return want;
}

void mode6_put(struct mode6_text *t, const char *name, const char *fmt, ...)
{
	char pair[256];
	const char *sep = "";
	size_t need;
	va_list ap;
	int n, m;

	if (!wanted(t, name))
		return;
	n = snprintf(pair, sizeof(pair), "%s=", name);
	va_start(ap, fmt);
	m = vsnprintf(pair + n, sizeof(pair) - (size_t)n, fmt, ap);
	va_end(ap);
	if (n < 0 || m < 0 || (size_t)(n + m) >= sizeof(pair)) {
		t->full = true;
		return;
	}
	if (t->len)
		sep = t->line + (size_t)(n + m) + 2 > MODE6_LINE_MAX ? ",\r\n" : ", ";
	need = strlen(sep) + (size_t)(n + m);
	if (t->len + need >= sizeof(t->buf)) {
		t->full = true;
		return;
	}
	if (sep[1] == '\r')
		t->line = 0;
	else
		t->line += strlen(sep);
	memcpy(t->buf + t->len, sep, strlen(sep));
	memcpy(t->buf + t->len + strlen(sep), pair, (size_t)(n + m) + 1);
	t->len += need;
	t->line += (size_t)(n + m);
}
