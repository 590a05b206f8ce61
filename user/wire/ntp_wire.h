/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ntp_wire.h - the NTP wire format, shared by the kernel module and the
 * userspace programs.  Plain C without libc, so the one parser that guards
 * the kernel is the one that is unit-tested and fuzzed in userspace.
 *
 * Packets are read and written byte by byte in network order; nothing here
 * casts a buffer to a struct, so alignment and padding never matter.
 */
#ifndef NTP_WIRE_H
#define NTP_WIRE_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

#define NTP_PORT		123
#define NTP_HEADER_LEN		48
#define NTP_MAX_PACKET_LEN	65527	/* the largest UDP payload */
#define NTP_VERSION_MIN		1
#define NTP_VERSION		4

/* RFC 7822: extension fields are at least 16 octets, 32-bit aligned. */
#define NTP_EF_HEADER_LEN	4
#define NTP_EF_MIN_LEN		16
/*
 * An NTS request (RFC 8915) carries a unique identifier, a cookie, up to
 * seven placeholders (a client holds eight cookies) and the authenticator.
 */
#define NTP_MAX_EFS		10

/* A MAC trailer: 32-bit key id, then the digest (RFC 5905 section 7.3). */
#define NTP_KEYID_LEN		4
#define NTP_DIGEST_MD5_LEN	16	/* also AES-128-CMAC, RFC 8573 */
#define NTP_DIGEST_SHA1_LEN	20
#define NTP_MAC_MAX_LEN		(NTP_KEYID_LEN + NTP_DIGEST_SHA1_LEN)

/* Seconds from 1900-01-01 (NTP era 0) to 1970-01-01 (Unix epoch). */
#define NTP_UNIX_EPOCH_OFFSET	2208988800U

enum ntp_mode {
	NTP_MODE_RESERVED = 0,
	NTP_MODE_ACTIVE = 1,
	NTP_MODE_PASSIVE = 2,
	NTP_MODE_CLIENT = 3,
	NTP_MODE_SERVER = 4,
	NTP_MODE_BROADCAST = 5,
	NTP_MODE_CONTROL = 6,
	NTP_MODE_PRIVATE = 7,
};

enum ntp_leap {
	NTP_LEAP_NONE = 0,
	NTP_LEAP_ADD_SECOND = 1,
	NTP_LEAP_DEL_SECOND = 2,
	NTP_LEAP_UNSYNCHRONIZED = 3,
};

/* RFC 8915 section 5.7: the NTS extension field types. */
enum ntp_ef_type {
	NTP_EF_NTS_UNIQUE_ID = 0x0104,
	NTP_EF_NTS_COOKIE = 0x0204,
	NTP_EF_NTS_COOKIE_PLACEHOLDER = 0x0304,
	NTP_EF_NTS_AUTHENTICATOR = 0x0404,
};

/* The 48-octet header in host order; timestamps in NTP format (32.32). */
struct ntp_header {
	uint8_t leap;
	uint8_t version;
	uint8_t mode;
	uint8_t stratum;
	int8_t poll;
	int8_t precision;
	uint32_t root_delay;		/* NTP short format, 16.16 */
	uint32_t root_dispersion;	/* NTP short format, 16.16 */
	uint32_t refid;			/* as on the wire, read big-endian */
	uint64_t reference;
	uint64_t origin;
	uint64_t receive;
	uint64_t transmit;
};

struct ntp_ef {
	uint16_t type;
	uint16_t len;		/* whole field, header included */
	uint16_t offset;	/* of the field's header in the packet */
};

/* What ntp_parse() found in a packet. */
struct ntp_packet {
	struct ntp_header hdr;
	unsigned int n_ef;
	struct ntp_ef ef[NTP_MAX_EFS];
	unsigned int mac_offset;	/* octets covered by the MAC */
	unsigned int mac_len;		/* key id + digest; 0 = no MAC */
	uint32_t key_id;		/* valid when mac_len > 0 */
};

/* Why a packet was refused; each is a drop counter in the module. */
enum ntp_parse_result {
	NTP_PARSE_OK = 0,
	NTP_PARSE_TOO_SHORT,		/* under 48 octets */
	NTP_PARSE_TOO_LONG,		/* over NTP_MAX_PACKET_LEN */
	NTP_PARSE_BAD_VERSION,		/* 0 or above 4 */
	NTP_PARSE_BAD_EF,		/* length short, unaligned or overrunning */
	NTP_PARSE_TOO_MANY_EFS,		/* more than NTP_MAX_EFS */
	NTP_PARSE_BAD_TRAILER,		/* octets that are neither EF nor MAC */
	NTP_PARSE_RESULTS
};

/* What a server says about itself in every reply. */
struct ntp_server_state {
	uint8_t leap;		/* NTP_LEAP_UNSYNCHRONIZED until synchronized */
	uint8_t stratum;
	int8_t precision;
	uint32_t root_delay;
	uint32_t root_dispersion;
	uint32_t refid;
	uint64_t reftime;
};

#define NTP_KISS_RATE		0x52415445	/* "RATE" */
/* About 60 ns: what a kernel clock reads to, before anyone says better. */
#define NTP_DEFAULT_PRECISION	(-24)

enum ntp_parse_result ntp_parse(const uint8_t *buf, size_t len,
				struct ntp_packet *pkt);
/* Client requests in any version: NTPv1 had no mode field. */
bool ntp_is_client_request(const struct ntp_header *hdr);
/*
 * The header of a server reply to @req (RFC 5905 section 9.2); @st may be
 * NULL (nothing pushed yet: unsynchronized).  The transmit timestamp is
 * left for the caller to write last.
 */
void ntp_server_reply(const struct ntp_header *req,
		      const struct ntp_server_state *st, uint64_t receive,
		      struct ntp_header *reply);
/*
 * A RATE kiss-o'-death as ntpd sends it: every timestamp is the request's
 * transmit timestamp, so it tells the client nothing about our clock.
 */
void ntp_kod_reply(const struct ntp_header *req, uint32_t kiss,
		   struct ntp_header *reply);
void ntp_write_header(uint8_t *buf, const struct ntp_header *hdr);
const char *ntp_parse_result_name(enum ntp_parse_result res);

/* The crypto-NAK: a MAC trailer of a zero key id and no digest. */
static inline bool ntp_is_crypto_nak(const struct ntp_packet *pkt)
{
	return pkt->mac_len == NTP_KEYID_LEN && pkt->key_id == 0;
}

/* Unix time (seconds, nanoseconds < 10^9) to an NTP timestamp, era-wrapped. */
static inline uint64_t ntp_ts_from_unix(int64_t sec, uint32_t nsec)
{
	/* 2^62 / 10^9, so that nsec * 2^32 / 10^9 needs no division. */
	uint64_t frac = ((uint64_t)nsec * 4611686019ULL) >> 30;
	uint32_t ntp_sec = (uint32_t)((uint64_t)sec + NTP_UNIX_EPOCH_OFFSET);

	return ((uint64_t)ntp_sec << 32) | (uint32_t)frac;
}

/* The nanoseconds of an NTP timestamp's fraction. */
static inline uint32_t ntp_ts_frac_to_ns(uint64_t ts)
{
	return (uint32_t)(((ts & 0xffffffffULL) * 1000000000ULL) >> 32);
}

static inline uint16_t ntp_get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t ntp_get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t ntp_get_be64(const uint8_t *p)
{
	return (uint64_t)ntp_get_be32(p) << 32 | ntp_get_be32(p + 4);
}

/* Masked before the cast: sparse flags a cast that drops set bits. */
static inline void ntp_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)(v & 0xff);
}

static inline void ntp_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16 & 0xff);
	p[2] = (uint8_t)(v >> 8 & 0xff);
	p[3] = (uint8_t)(v & 0xff);
}

static inline void ntp_put_be64(uint8_t *p, uint64_t v)
{
	ntp_put_be32(p, (uint32_t)(v >> 32));
	ntp_put_be32(p + 4, (uint32_t)v);
}

#endif /* NTP_WIRE_H */
