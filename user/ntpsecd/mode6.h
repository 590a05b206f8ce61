/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mode6.h - NTP control messages (mode 6: RFC 1305 appendix B, RFC 9327),
 * the read-only subset ntpq and ntpmon use, as NTPsec's ntp_control.c
 * answers it.
 *
 * The wire part here is pure: mode6_parse() checks a request's 12-octet
 * header, mode6_fragment() cuts a reply into datagrams of at most
 * MODE6_MAX_DATA octets of data each, mode6_error() builds the one-datagram
 * error reply, and struct mode6_text collects "name=value" pairs as ntpd
 * writes them.  No state, no allocation, no I/O: the unit tests and the
 * fuzz target drive it directly.  What the daemon answers is in
 * mode6_vars.c.
 *
 * Header (network byte order):
 *   0: LI(2) VN(3) mode(3)=6     1: R(1) E(1) M(1) opcode(5)
 *   2: sequence   4: status   6: association id   8: offset   10: count
 * then count octets of data, padded to a multiple of 4, then an optional
 * MAC (ignored: nothing here needs authentication).
 */
#ifndef NTPSECD_MODE6_H
#define NTPSECD_MODE6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MODE6_HEADER_LEN	12
#define MODE6_MAX_DATA		468	/* data octets per datagram */
/* Largest request: 468 data octets, key id, a 20-octet digest. */
#define MODE6_MAX_REQUEST	(MODE6_HEADER_LEN + MODE6_MAX_DATA + 4 + 20)
/* Largest datagram of a reply. */
#define MODE6_MAX_DATAGRAM	(MODE6_HEADER_LEN + MODE6_MAX_DATA)
/* A reply is at most this many datagrams (ntpq collects up to 32). */
#define MODE6_MAX_FRAGS		8
#define MODE6_MAX_REPLY		(MODE6_MAX_FRAGS * MODE6_MAX_DATA)
#define MODE6_NAME_MAX		32	/* variable names, with the NUL */

enum mode6_opcode {
	MODE6_OP_READSTAT	= 1,
	MODE6_OP_READVAR	= 2,
	MODE6_OP_WRITEVAR	= 3,
	MODE6_OP_READCLOCK	= 4,
	MODE6_OP_WRITECLOCK	= 5,
	MODE6_OP_SETTRAP	= 6,
	MODE6_OP_ASYNCMSG	= 7,
	MODE6_OP_CONFIGURE	= 8,
	MODE6_OP_SAVECONFIG	= 9,
	MODE6_OP_READ_MRU	= 10,
	MODE6_OP_READ_ORDLIST_A	= 11,
	MODE6_OP_REQ_NONCE	= 12,
	MODE6_OP_UNSETTRAP	= 31,
};

/* Error codes, in the high octet of the status word (E bit set). */
enum mode6_error {
	MODE6_ERR_UNSPEC	= 0,
	MODE6_ERR_PERMISSION	= 1,	/* authentication needed */
	MODE6_ERR_BADFMT	= 2,
	MODE6_ERR_BADOP		= 3,
	MODE6_ERR_BADASSOC	= 4,
	MODE6_ERR_UNKNOWNVAR	= 5,
	MODE6_ERR_BADVALUE	= 6,
	MODE6_ERR_RESTRICT	= 7,
};

/* Why a datagram is not a request we answer; all but OK are dropped. */
enum mode6_parse_result {
	MODE6_PARSE_OK,
	MODE6_PARSE_TOO_SHORT,		/* under 12 octets */
	MODE6_PARSE_TOO_LONG,		/* over MODE6_MAX_REQUEST */
	MODE6_PARSE_NOT_MODE6,
	MODE6_PARSE_BAD_VERSION,	/* not 1..4 */
	MODE6_PARSE_NOT_REQUEST,	/* R, E or M bit set */
	MODE6_PARSE_FRAGMENT,		/* offset not 0: we take whole requests */
	MODE6_PARSE_BAD_COUNT,		/* count over 468 or past the datagram */
	MODE6_PARSE_RESULTS
};

struct mode6_request {
	uint8_t version;
	uint8_t opcode;
	uint16_t sequence;
	uint16_t status;
	uint16_t associd;
	uint16_t count;
	const uint8_t *data;		/* count octets, inside the datagram */
};

enum mode6_parse_result mode6_parse(const uint8_t *buf, size_t len,
				    struct mode6_request *req);
const char *mode6_parse_result_name(enum mode6_parse_result res);

/* The 12-octet error reply to @req into @out; returns its length. */
size_t mode6_error(const struct mode6_request *req, enum mode6_error err,
		   uint8_t out[MODE6_HEADER_LEN]);

/* Receives one datagram of a reply. */
typedef void (*mode6_send_fn)(void *ctx, const uint8_t *pkt, size_t len);

/*
 * Sends @len octets of @data (at most MODE6_MAX_REPLY) as the reply to
 * @req with @status and @associd: datagrams of MODE6_MAX_DATA octets of
 * data at most, each padded to a multiple of 4, the more bit on all but
 * the last, offsets counting up from 0.  No data is one empty datagram.
 * Returns the number of datagrams, or -1 (nothing sent) if @len is too big.
 */
int mode6_fragment(const struct mode6_request *req, uint16_t status,
		   uint16_t associd, const uint8_t *data, size_t len,
		   mode6_send_fn send, void *ctx);

/*
 * The next name of a request's variable list "a, b=1, c" at *pos (advanced
 * past it) into @name; a value after '=' goes to @value (may be NULL) or
 * is skipped.  Returns 1 for a name, 0 at the end, -1 for a name that is
 * empty, too long or has characters that are not printable.  NULs
 * (padding) are ignored.
 */
int mode6_next_var(const uint8_t *data, size_t len, size_t *pos,
		   char name[MODE6_NAME_MAX], char *value, size_t valuelen);

#define MODE6_WANT_MAX		32	/* names one request may ask for */

/*
 * A reply's text: "name=value" pairs joined as ntpd joins them.  With a
 * list of wanted names (mode6_text_want), only those are written, and
 * @seen says which of them were.
 */
struct mode6_text {
	char buf[MODE6_MAX_REPLY];
	size_t len;
	size_t line;		/* octets since the last line break */
	bool full;		/* a pair did not fit and was left out */
	unsigned int nwant;	/* 0: every pair */
	uint32_t seen;		/* bit i: want[i] was written */
	char want[MODE6_WANT_MAX][MODE6_NAME_MAX];
};

void mode6_text_init(struct mode6_text *t);
/*
 * Takes the names of a request's variable list as the wanted ones.
 * Returns 0, or -1 if the list is malformed or names too many.
 */
int mode6_text_want(struct mode6_text *t, const uint8_t *data, size_t len);
/* Appends "name=value" if wanted; a pair that does not fit is left out. */
__attribute__((format(printf, 3, 4)))
void mode6_put(struct mode6_text *t, const char *name, const char *fmt, ...);

/* What happened to mode 6 datagrams; ntpsecctl tracking shows them. */
struct mode6_counters {
	uint64_t answered;	/* replies with data */
	uint64_t errors;	/* error replies (writes, unknown names, ...) */
	uint64_t dropped;	/* malformed or oversized: no reply */
	uint64_t refused;	/* restrict noquery or not from localhost */
};

/* The status words of RFC 9327 section 2. */
static inline uint16_t mode6_sys_status(unsigned int leap,
					unsigned int source,
					unsigned int nevents,
					unsigned int event)
{
	return (uint16_t)((leap & 3) << 14 | (source & 0x3f) << 8 |
			  (nevents & 0xf) << 4 | (event & 0xf));
}

static inline uint16_t mode6_peer_status(unsigned int flags,
					 unsigned int select,
					 unsigned int nevents,
					 unsigned int event)
{
	return (uint16_t)(((flags & 0xf8) | (select & 7)) << 8 |
			  (nevents & 0xf) << 4 | (event & 0xf));
}

#define MODE6_PST_CONFIG	0x80
#define MODE6_PST_AUTHENABLE	0x40
#define MODE6_PST_AUTHENTIC	0x20
#define MODE6_PST_REACH		0x10

enum mode6_peer_sel {
	MODE6_SEL_REJECT	= 0,
	MODE6_SEL_FALSETICK	= 1,
	MODE6_SEL_EXCESS	= 2,
	MODE6_SEL_OUTLIER	= 3,
	MODE6_SEL_CANDIDATE	= 4,
	MODE6_SEL_BACKUP	= 5,
	MODE6_SEL_SYSPEER	= 6,
};

#define MODE6_SST_UNSPEC	0
#define MODE6_SST_NTP		6

#endif
