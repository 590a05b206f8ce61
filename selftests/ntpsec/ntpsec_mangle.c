// SPDX-License-Identifier: BSD-2-Clause
/*
 * ntpsec_mangle - hostile traffic for the module's selftests, inside the VM
 * only.  Three kinds, one per -m:
 *
 *   mix    random and mutated datagrams (truncated, oversized, bad versions
 *          and modes, bogus extension-field lengths, NTS-looking fields,
 *          MAC trailers with good, bad and unknown keys, flipped bits),
 *          from a deterministic seed.  Each one is classified with the
 *          shared wire parser, as the module must classify it, so the
 *          report says what every counter should have grown by.
 *   legit  plain NTPv4 client requests, to measure a client's success rate.
 *   spoof  NTPv4 client requests over a raw socket from -N distinct
 *          sources: IPv4 addresses counting up from -P, or IPv6 /64s
 *          counting up in the fourth group of -P (interface id kept).
 *          Their replies go nowhere.
 *
 *   ntpsec_mangle [-m mix|legit|spoof] [-n COUNT] [-d SECONDS] [-r PPS]
 *                 [-S SEED] [-K KEYFILE] [-b SRCADDR] [-w WAIT]
 *                 [-P BASE -N SOURCES] SERVER[:PORT]...
 *
 * Requests go round-robin to the servers.  Every request of 48 octets or
 * more carries a unique transmit timestamp, which is never mutated; a
 * reply is matched by the origin timestamp echoing it, and must not be
 * longer than its request.  Prints one JSON object; exits 1 if a reply was
 * longer than its request or matched nothing, 2 on usage or setup errors.
 */

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/udp.h>
#include <sys/socket.h>

#include "../../user/ntpsecd/auth.h"
#include "../../user/wire/ntp_wire.h"
#include "sockaddr.h"

#define MG_MAX_SERVERS	4
#define MG_MAX_COUNT	(8U << 20)
#define MG_MAX_LEN	65507	/* the largest UDP payload over IPv4 */
#define MG_RCVBUF	(4 << 20)
#define MG_TS_OFFSET	40	/* the transmit timestamp, never mutated */
#define NSEC_PER_SEC	1000000000LL

enum mg_mode { MG_MIX, MG_LEGIT, MG_SPOOF };

/* What the module should do with a datagram: one of its counters. */
enum mg_class {
	MG_ANSWERED,
	MG_PASSED_UP,
	MG_DROP_TOO_SHORT,
	MG_DROP_MALFORMED,
	MG_DROP_BAD_VERSION,
	MG_DROP_BAD_EF,
	MG_DROP_TOO_MANY_EFS,
	MG_DROP_BAD_TRAILER,
	MG_DROP_MODE7,
	MG_CLASSES
};

static const char *const mg_class_name[MG_CLASSES] = {
	"answered", "passed_up", "drop_too_short", "drop_malformed",
	"drop_bad_version", "drop_bad_ef", "drop_too_many_efs",
	"drop_bad_trailer", "drop_mode7",
};

static const enum mg_class mg_parse_class[NTP_PARSE_RESULTS] = {
	[NTP_PARSE_OK] = MG_ANSWERED,
	[NTP_PARSE_TOO_SHORT] = MG_DROP_TOO_SHORT,
	[NTP_PARSE_TOO_LONG] = MG_DROP_MALFORMED,
	[NTP_PARSE_BAD_VERSION] = MG_DROP_BAD_VERSION,
	[NTP_PARSE_BAD_EF] = MG_DROP_BAD_EF,
	[NTP_PARSE_TOO_MANY_EFS] = MG_DROP_TOO_MANY_EFS,
	[NTP_PARSE_BAD_TRAILER] = MG_DROP_BAD_TRAILER,
};

/* The answered ones, by authentication. */
enum mg_mac { MG_MAC_NONE, MG_MAC_OK, MG_MAC_BAD, MG_MAC_UNKNOWN, MG_MACS };
static const char *const mg_mac_name[MG_MACS] = {
	"mac_none", "mac_ok", "mac_bad", "mac_unknown_key",
};

/* The shapes of the mix, by weight. */
enum mg_shape {
	MG_SHAPE_VALID, MG_SHAPE_TRUNCATED, MG_SHAPE_RANDOM,
	MG_SHAPE_BAD_VERSION, MG_SHAPE_MODES, MG_SHAPE_EFS, MG_SHAPE_NTS,
	MG_SHAPE_MAC, MG_SHAPE_OVERSIZED, MG_SHAPES
};
static const char *const mg_shape_name[MG_SHAPES] = {
	"valid", "truncated", "random", "bad_version", "modes",
	"extension_fields", "nts_like", "mac", "oversized",
};
static const unsigned int mg_shape_weight[MG_SHAPES] = {
	10, 10, 10, 8, 10, 15, 10, 26, 1,
};

struct mg_config {
	enum mg_mode mode;
	struct sockaddr_storage server[MG_MAX_SERVERS];
	socklen_t server_len[MG_MAX_SERVERS];
	unsigned int n_servers;
	struct sockaddr_storage src;
	socklen_t src_len;
	unsigned int count;
	double duration;
	double rate;			/* 0: as fast as possible */
	uint64_t seed;
	double wait;
	struct keyring keys;
	int spoof_family;
	uint32_t spoof_base;		/* host order */
	struct in6_addr spoof_base6;
	uint32_t spoof_n;
};

struct mg_state {
	const struct mg_config *cfg;
	int fd[MG_MAX_SERVERS];
	uint64_t rng;
	uint32_t *req_len;		/* per sequence number */
	uint32_t *req_tag;		/* high half of its transmit stamp */
	uint8_t *replied;
	uint64_t sent, bytes_sent, send_errors;
	uint64_t cls[MG_CLASSES], mac[MG_MACS], shape[MG_SHAPES];
	uint64_t replies, reply_bytes, answered_request_bytes;
	uint64_t longer, unmatched, duplicate, kod, crypto_nak;
	uint32_t reply_len_max, request_len_min_answered;
	double send_elapsed;		/* seconds of sending */
};

static int64_t mg_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* splitmix64: deterministic from the seed. */
static uint64_t mg_rand(struct mg_state *st)
{
	uint64_t z = (st->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t mg_below(struct mg_state *st, uint32_t n)
{
	return (uint32_t)(mg_rand(st) % n);
}

static void mg_fill_random(struct mg_state *st, uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)mg_rand(st);
}

/* A client request header: version @v, mode @m, random fields. */
static void mg_header(struct mg_state *st, uint8_t *buf, unsigned int v,
		      unsigned int m)
{
	mg_fill_random(st, buf, NTP_HEADER_LEN);
	buf[0] = (uint8_t)((mg_below(st, 4) << 6) | (v & 7) << 3 | (m & 7));
}

/* An extension field at @off: type, a length that may lie, random body. */
static size_t mg_ef(struct mg_state *st, uint8_t *buf, size_t off,
		    uint16_t type, size_t len, uint16_t claimed)
{
	ntp_put_be16(buf + off, type);
	ntp_put_be16(buf + off + 2, claimed);
	mg_fill_random(st, buf + off + 4, len - 4);
	return off + len;
}

static const uint16_t mg_nts_types[] = {
	NTP_EF_NTS_UNIQUE_ID, NTP_EF_NTS_COOKIE,
	NTP_EF_NTS_COOKIE_PLACEHOLDER, NTP_EF_NTS_AUTHENTICATOR,
};

/* A field length the way an attacker would pick it. */
static uint16_t mg_bogus_len(struct mg_state *st, size_t real, size_t rest)
{
	switch (mg_below(st, 7)) {
	case 0: return 0;
	case 1: return (uint16_t)mg_below(st, NTP_EF_MIN_LEN);
	case 2: return (uint16_t)(real + 1 + mg_below(st, 3));
	case 3: return (uint16_t)(rest + 4);
	case 4: return 0xffff;
	case 5: return 0xfffc;
	default: return (uint16_t)real;
	}
}

/* Header and 1..10 fields, some lying about their length. */
static size_t mg_shape_efs(struct mg_state *st, uint8_t *buf, bool nts)
{
	unsigned int i, n = 1 + mg_below(st, nts ? 4 : 10);
	size_t off = NTP_HEADER_LEN, len;
	uint16_t type;

	mg_header(st, buf, mg_below(st, 8) ? 4 : 1 + mg_below(st, 3), 3);
	for (i = 0; i < n && off < 1400; i++) {
		if (nts) {
			type = mg_nts_types[i % 4];
			/* Unique id 32+, cookie ~100, authenticator ~40. */
			len = type == NTP_EF_NTS_COOKIE ||
			      type == NTP_EF_NTS_COOKIE_PLACEHOLDER ? 104 :
			      type == NTP_EF_NTS_AUTHENTICATOR ? 40 : 36;
		} else {
			type = (uint16_t)mg_rand(st);
			len = NTP_EF_MIN_LEN + 4 * mg_below(st, 40);
		}
		off = mg_ef(st, buf, off, type, len,
			    mg_below(st, 3) ? (uint16_t)len :
					      mg_bogus_len(st, len, 1500 - off));
	}
	return off;
}

/* A header, fields or not, then a MAC trailer of some kind. */
static size_t mg_shape_mac(struct mg_state *st, uint8_t *buf)
{
	const struct mg_config *cfg = st->cfg;
	const struct ntp_key *key = NULL;
	size_t off = NTP_HEADER_LEN, dlen;
	uint32_t id;

	mg_header(st, buf, 1 + mg_below(st, 4), mg_below(st, 6) ? 3 : 1 + mg_below(st, 7));
	if (!mg_below(st, 6) && (buf[0] & 0x38) == 0x20)
		off = mg_ef(st, buf, off, NTP_EF_NTS_UNIQUE_ID, 36, 36);
	if (cfg->keys.n && mg_below(st, 2))
		key = &cfg->keys.keys[mg_below(st, cfg->keys.n)];
	id = key ? key->id : (uint32_t)mg_rand(st);
	switch (mg_below(st, 8)) {
	case 0:		/* a bare key id (crypto-NAK shaped if 0) */
		ntp_put_be32(buf + off, mg_below(st, 2) ? 0 : id);
		return off + NTP_KEYID_LEN;
	case 1:		/* an odd trailer: neither field nor MAC */
		dlen = 4 * (2 + mg_below(st, 2));
		ntp_put_be32(buf + off, id);
		mg_fill_random(st, buf + off + 4, dlen);
		return off + 4 + dlen;
	case 2:		/* the other digest length */
		dlen = key && auth_digest_len(key->type) == 16 ? 20 : 16;
		ntp_put_be32(buf + off, id);
		mg_fill_random(st, buf + off + 4, dlen);
		return off + 4 + dlen;
	default:	/* the right digest length; right digest half the time */
		dlen = key ? auth_digest_len(key->type) : 16 + 4 * mg_below(st, 2);
		ntp_put_be32(buf + off, id);
		mg_fill_random(st, buf + off + 4, dlen);
		/* The transmit stamp is written later: sign after that. */
		return off + 4 + dlen;
	}
}

static size_t mg_build(struct mg_state *st, uint8_t *buf, enum mg_shape *shape)
{
	unsigned int w = 0, i, pick = 0;
	size_t len;

	for (i = 0; i < MG_SHAPES; i++)
		w += mg_shape_weight[i];
	w = mg_below(st, w);
	for (i = 0; i < MG_SHAPES; i++) {
		if (w < mg_shape_weight[i]) {
			pick = i;
			break;
		}
		w -= mg_shape_weight[i];
	}
	*shape = (enum mg_shape)pick;
	switch (*shape) {
	case MG_SHAPE_VALID:
		mg_header(st, buf, 1 + mg_below(st, 4), 3);
		if ((buf[0] & 0x38) == 0x08 && mg_below(st, 2))
			buf[0] &= 0xf8;		/* NTPv1 has no mode */
		return NTP_HEADER_LEN;
	case MG_SHAPE_TRUNCATED:
		mg_header(st, buf, 4, 3);
		return 1 + mg_below(st, NTP_HEADER_LEN - 1);
	case MG_SHAPE_RANDOM:
		len = 1 + mg_below(st, 200);
		mg_fill_random(st, buf, len);
		return len;
	case MG_SHAPE_BAD_VERSION:
		mg_header(st, buf, (unsigned int[]){ 0, 5, 6, 7 }[mg_below(st, 4)],
			  mg_below(st, 8));
		return NTP_HEADER_LEN + 4 * mg_below(st, 2);
	case MG_SHAPE_MODES:
		mg_header(st, buf, 1 + mg_below(st, 4), mg_below(st, 8));
		return NTP_HEADER_LEN;
	case MG_SHAPE_EFS:
		return mg_shape_efs(st, buf, false);
	case MG_SHAPE_NTS:
		return mg_shape_efs(st, buf, true);
	case MG_SHAPE_MAC:
		return mg_shape_mac(st, buf);
	case MG_SHAPE_OVERSIZED:
		len = 1000 + mg_below(st, MG_MAX_LEN - 1000 + 1);
		mg_header(st, buf, 4, 3);
		if (mg_below(st, 2))	/* one huge, valid field */
			mg_ef(st, buf, NTP_HEADER_LEN, 0x7777,
			      (len - NTP_HEADER_LEN) & ~(size_t)3,
			      (uint16_t)((len - NTP_HEADER_LEN) & ~(size_t)3));
		else
			mg_fill_random(st, buf + NTP_HEADER_LEN,
				       len - NTP_HEADER_LEN);
		return len;
	case MG_SHAPES:
		break;
	}
	return NTP_HEADER_LEN;
}

/* A valid MAC by a known key, if the trailer names one and has its length. */
static void mg_sign(struct mg_state *st, uint8_t *buf, size_t len)
{
	struct ntp_packet pkt;
	const struct ntp_key *key;

	if (ntp_parse(buf, len, &pkt) != NTP_PARSE_OK ||
	    pkt.mac_len <= NTP_KEYID_LEN)
		return;
	key = keyring_find(&st->cfg->keys, pkt.key_id);
	if (!key || pkt.mac_len != NTP_KEYID_LEN + auth_digest_len(key->type))
		return;
	if (mg_below(st, 2))
		auth_digest(key, buf, pkt.mac_offset,
			    buf + pkt.mac_offset + NTP_KEYID_LEN);
}

/* 1-4 flipped bits, never in the transmit timestamp. */
static void mg_mutate(struct mg_state *st, uint8_t *buf, size_t len)
{
	unsigned int i, n = 1 + mg_below(st, 4);

	for (i = 0; i < n; i++) {
		size_t at = mg_below(st, (uint32_t)len);

		if (at >= MG_TS_OFFSET && at < MG_TS_OFFSET + 8)
			continue;
		buf[at] ^= (uint8_t)(1 << mg_below(st, 8));
	}
}

/* What the module must do with it: the fast path's decisions, in order. */
static void mg_classify(struct mg_state *st, const uint8_t *buf, size_t len)
{
	const struct ntp_key *key;
	enum ntp_parse_result res;
	struct ntp_packet pkt;

	/* Mode 6 (12-octet control header) is the daemon's, unparsed. */
	if (len && (buf[0] & 7) == NTP_MODE_CONTROL) {
		st->cls[MG_PASSED_UP]++;
		return;
	}
	res = ntp_parse(buf, len, &pkt);
	if (res != NTP_PARSE_OK) {
		st->cls[mg_parse_class[res]]++;
		return;
	}
	if (pkt.hdr.mode == NTP_MODE_PRIVATE) {
		st->cls[MG_DROP_MODE7]++;
		return;
	}
	if (!ntp_is_client_request(&pkt.hdr) || pkt.n_ef) {
		st->cls[MG_PASSED_UP]++;
		return;
	}
	st->cls[MG_ANSWERED]++;
	if (pkt.mac_len <= NTP_KEYID_LEN) {
		st->mac[MG_MAC_NONE]++;
		return;
	}
	key = keyring_find(&st->cfg->keys, pkt.key_id);
	if (!key)
		st->mac[MG_MAC_UNKNOWN]++;
	else if (auth_verify(key, buf, pkt.mac_offset, pkt.mac_len))
		st->mac[MG_MAC_OK]++;
	else
		st->mac[MG_MAC_BAD]++;
}

/* Replies ---------------------------------------------------------------- */

static void mg_reply(struct mg_state *st, const uint8_t *buf, size_t len)
{
	uint64_t origin;
	uint32_t seq;

	st->replies++;
	st->reply_bytes += len;
	if (len > st->reply_len_max)
		st->reply_len_max = (uint32_t)len;
	if (len < NTP_HEADER_LEN) {
		st->unmatched++;
		return;
	}
	origin = ntp_get_be64(buf + 24);
	seq = (uint32_t)origin;
	if (seq >= st->cfg->count || st->req_tag[seq] != (uint32_t)(origin >> 32)) {
		st->unmatched++;
		return;
	}
	if (st->replied[seq]++) {
		st->duplicate++;
		return;
	}
	st->answered_request_bytes += st->req_len[seq];
	if (st->req_len[seq] < st->request_len_min_answered)
		st->request_len_min_answered = st->req_len[seq];
	if (len > st->req_len[seq])
		st->longer++;
	if (buf[1] == 0 && ntp_get_be32(buf + 12) == NTP_KISS_RATE)
		st->kod++;
	if (len == NTP_HEADER_LEN + NTP_KEYID_LEN && !ntp_get_be32(buf + 48))
		st->crypto_nak++;
}

static void mg_drain(struct mg_state *st, int timeout_ms)
{
	static uint8_t buf[2048];
	struct pollfd pfd[MG_MAX_SERVERS];
	unsigned int i;

	for (i = 0; i < st->cfg->n_servers; i++)
		pfd[i] = (struct pollfd){ .fd = st->fd[i], .events = POLLIN };
	if (poll(pfd, st->cfg->n_servers, timeout_ms) <= 0)
		return;
	for (i = 0; i < st->cfg->n_servers; i++) {
		ssize_t n;

		while ((n = recv(st->fd[i], buf, sizeof(buf), MSG_DONTWAIT)) >= 0)
			mg_reply(st, buf, (size_t)n);
	}
}

/* Sockets ---------------------------------------------------------------- */

static int mg_open(const struct mg_config *cfg, unsigned int i)
{
	int fd, size = MG_RCVBUF;

	/* IPPROTO_RAW: the header is ours, in either family. */
	if (cfg->mode == MG_SPOOF)
		return socket(cfg->spoof_family, SOCK_RAW | SOCK_CLOEXEC,
			      IPPROTO_RAW);
	fd = socket(cfg->server[i].ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (cfg->src_len && cfg->src.ss_family == cfg->server[i].ss_family &&
	    bind(fd, (const struct sockaddr *)&cfg->src, cfg->src_len))
		goto err;
	if (connect(fd, (const struct sockaddr *)&cfg->server[i],
		    cfg->server_len[i]))
		goto err;
	return fd;
err:
	close(fd);
	return -1;
}

static uint32_t mg_sum16(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	return sum;
}

/*
 * RFC 768 checksum over the pseudo-header (the two addresses of @alen
 * octets each, the protocol and the length), the UDP header and payload.
 */
static uint16_t mg_udp_csum(const uint8_t *saddr, const uint8_t *daddr,
			    size_t alen, const uint8_t *udp, size_t len)
{
	uint32_t sum = mg_sum16(saddr, alen) + mg_sum16(daddr, alen) +
		       IPPROTO_UDP + (uint32_t)len + mg_sum16(udp, len);

	if (len & 1)
		sum += (uint32_t)udp[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	return (uint16_t)(sum ? sum : 0xffff);
}

/* The same over IPv6, from the /64 number sent % spoof_n. */
static ssize_t mg_send_spoofed6(struct mg_state *st, int fd,
				const uint8_t *payload, size_t len)
{
	const struct mg_config *cfg = st->cfg;
	struct sockaddr_in6 dst = *(const struct sockaddr_in6 *)&cfg->server[0];
	uint8_t pkt[sizeof(struct ip6_hdr) + sizeof(struct udphdr) + NTP_HEADER_LEN];
	struct ip6_hdr *ip6 = (struct ip6_hdr *)pkt;
	struct udphdr *uh = (struct udphdr *)(pkt + sizeof(*ip6));
	uint16_t net = (uint16_t)(ntp_get_be16(cfg->spoof_base6.s6_addr + 6) +
				  st->sent % cfg->spoof_n);
	ssize_t n;

	memset(pkt, 0, sizeof(pkt));
	ip6->ip6_flow = htonl(6U << 28);
	ip6->ip6_plen = htons((uint16_t)(sizeof(*uh) + len));
	ip6->ip6_nxt = IPPROTO_UDP;
	ip6->ip6_hlim = 64;
	ip6->ip6_src = cfg->spoof_base6;
	ntp_put_be16(ip6->ip6_src.s6_addr + 6, net);
	ip6->ip6_dst = dst.sin6_addr;
	uh->source = htons((uint16_t)(1024 + mg_below(st, 64000)));
	uh->dest = dst.sin6_port;
	uh->len = ip6->ip6_plen;
	memcpy(pkt + sizeof(*ip6) + sizeof(*uh), payload, len);
	uh->check = htons(mg_udp_csum(ip6->ip6_src.s6_addr, ip6->ip6_dst.s6_addr,
				      16, (uint8_t *)uh, sizeof(*uh) + len));
	dst.sin6_port = 0;	/* a raw socket's "port" is its protocol */
	n = sendto(fd, pkt, sizeof(pkt), 0, (const struct sockaddr *)&dst,
		   sizeof(dst));
	return n < 0 ? n : (ssize_t)len;
}

/* One request over the raw socket, from source number @seq % spoof_n. */
static ssize_t mg_send_spoofed(struct mg_state *st, int fd,
			       const uint8_t *payload, size_t len)
{
	const struct mg_config *cfg = st->cfg;
	const struct sockaddr_in *dst = (const struct sockaddr_in *)&cfg->server[0];
	uint8_t pkt[sizeof(struct iphdr) + sizeof(struct udphdr) + NTP_HEADER_LEN];
	struct iphdr *ip = (struct iphdr *)pkt;
	struct udphdr *uh = (struct udphdr *)(pkt + sizeof(*ip));
	ssize_t n;

	memset(pkt, 0, sizeof(pkt));
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons((uint16_t)sizeof(pkt));
	ip->saddr = htonl(cfg->spoof_base + (uint32_t)(st->sent % cfg->spoof_n));
	ip->daddr = dst->sin_addr.s_addr;
	uh->source = htons((uint16_t)(1024 + mg_below(st, 64000)));
	uh->dest = dst->sin_port;
	uh->len = htons((uint16_t)(sizeof(*uh) + len));
	memcpy(pkt + sizeof(*ip) + sizeof(*uh), payload, len);
	uh->check = htons(mg_udp_csum((uint8_t *)&ip->saddr,
				      (uint8_t *)&ip->daddr, 4, (uint8_t *)uh,
				      sizeof(*uh) + len));
	n = sendto(fd, pkt, sizeof(pkt), 0, (const struct sockaddr *)dst,
		   sizeof(*dst));
	return n < 0 ? n : (ssize_t)len;
}

/* The run ------------------------------------------------------------------ */

static size_t mg_next(struct mg_state *st, uint8_t *buf, uint32_t seq)
{
	enum mg_shape shape = MG_SHAPE_VALID;
	size_t len;
	uint32_t tag;

	if (st->cfg->mode == MG_MIX) {
		len = mg_build(st, buf, &shape);
	} else {
		mg_header(st, buf, 4, 3);
		len = NTP_HEADER_LEN;
	}
	st->shape[shape]++;
	do
		tag = (uint32_t)mg_rand(st);
	while (!tag);
	if (len >= NTP_HEADER_LEN) {
		ntp_put_be32(buf + MG_TS_OFFSET, tag);
		ntp_put_be32(buf + MG_TS_OFFSET + 4, seq);
	}
	if (st->cfg->mode == MG_MIX) {
		if (!mg_below(st, 5))
			mg_mutate(st, buf, len);
		mg_sign(st, buf, len);
		mg_classify(st, buf, len);
	}
	if (st->cfg->mode != MG_SPOOF) {	/* their replies go elsewhere */
		st->req_tag[seq] = len >= NTP_HEADER_LEN ? tag : 0;
		st->req_len[seq] = (uint32_t)len;
	}
	return len;
}

static int mg_run(struct mg_state *st)
{
	const struct mg_config *cfg = st->cfg;
	static uint8_t buf[MG_MAX_LEN];
	int64_t start = mg_now(), deadline, due;
	uint32_t seq;
	ssize_t n;

	deadline = cfg->duration > 0 ? start + (int64_t)(cfg->duration * 1e9) :
				       INT64_MAX;
	for (seq = 0; seq < cfg->count; seq++) {
		if (mg_now() >= deadline)
			break;
		if (cfg->rate > 0) {
			due = start + (int64_t)((double)seq * 1e9 / cfg->rate);
			while (mg_now() < due)
				mg_drain(st, 1);
		}
		size_t len = mg_next(st, buf, seq);
		int fd = st->fd[seq % cfg->n_servers];

		for (;;) {
			if (cfg->mode == MG_SPOOF && cfg->spoof_family == AF_INET6)
				n = mg_send_spoofed6(st, fd, buf, len);
			else if (cfg->mode == MG_SPOOF)
				n = mg_send_spoofed(st, fd, buf, len);
			else
				n = send(fd, buf, len, 0);
			if (n >= 0 || (errno != ENOBUFS && errno != EAGAIN))
				break;
			mg_drain(st, 1);	/* the queue is full: let it go */
		}
		if (n < 0) {
			/* A mix's prediction counted it: stop there. */
			st->send_errors++;
			if (cfg->mode == MG_MIX)
				return -1;
			continue;
		}
		st->sent++;
		st->bytes_sent += len;
		if (cfg->mode != MG_SPOOF && !(seq & 15))
			mg_drain(st, 0);
	}
	st->send_elapsed = (double)(mg_now() - start) / 1e9;
	if (cfg->mode != MG_SPOOF) {
		deadline = mg_now() + (int64_t)(cfg->wait * 1e9);
		while (mg_now() < deadline)
			mg_drain(st, 50);
	}
	return 0;
}

/* What the module should have counted, and the shapes sent. */
static void mg_print_expect(const struct mg_state *st)
{
	unsigned int i;

	printf(",\"expect\":{");
	for (i = 0; i < MG_CLASSES; i++)
		printf("%s\"%s\":%" PRIu64, i ? "," : "", mg_class_name[i],
		       st->cls[i]);
	for (i = 0; i < MG_MACS; i++)
		printf(",\"%s\":%" PRIu64, mg_mac_name[i], st->mac[i]);
	printf("},\"shapes\":{");
	for (i = 0; i < MG_SHAPES; i++)
		printf("%s\"%s\":%" PRIu64, i ? "," : "", mg_shape_name[i],
		       st->shape[i]);
	printf("}");
}

static void mg_print(const struct mg_state *st)
{
	double elapsed = st->send_elapsed;

	printf("{\"mode\":\"%s\",\"seed\":%" PRIu64 ",\"sent\":%" PRIu64
	       ",\"bytes_sent\":%" PRIu64 ",\"send_errors\":%" PRIu64
	       ",\"elapsed\":%.3f,\"rate\":%.0f",
	       st->cfg->mode == MG_MIX ? "mix" :
	       st->cfg->mode == MG_LEGIT ? "legit" : "spoof",
	       st->cfg->seed, st->sent, st->bytes_sent, st->send_errors,
	       elapsed, elapsed > 0 ? (double)st->sent / elapsed : 0.0);
	if (st->cfg->mode == MG_SPOOF)
		printf(",\"sources\":%u", st->cfg->spoof_n);
	if (st->cfg->mode == MG_MIX)
		mg_print_expect(st);
	if (st->cfg->mode != MG_SPOOF)
		printf(",\"replies\":%" PRIu64 ",\"reply_bytes\":%" PRIu64
		       ",\"answered_request_bytes\":%" PRIu64
		       ",\"reply_len_max\":%u,\"request_len_min_answered\":%u"
		       ",\"longer_than_request\":%" PRIu64
		       ",\"unmatched\":%" PRIu64 ",\"duplicate\":%" PRIu64
		       ",\"kod\":%" PRIu64 ",\"crypto_nak\":%" PRIu64
		       ",\"success\":%.4f",
		       st->replies, st->reply_bytes, st->answered_request_bytes,
		       st->reply_len_max,
		       st->replies ? st->request_len_min_answered : 0,
		       st->longer, st->unmatched, st->duplicate, st->kod,
		       st->crypto_nak,
		       st->sent ? (double)(st->replies - st->duplicate -
					   st->unmatched) / (double)st->sent : 0.0);
	printf("}\n");
}

static void mg_usage(void)
{
	fprintf(stderr,
		"usage: ntpsec_mangle [-m mix|legit|spoof] [-n COUNT] [-d SECONDS] [-r PPS]\n"
		"                     [-S SEED] [-K KEYFILE] [-b SRCADDR] [-w WAIT]\n"
		"                     [-P BASE -N SOURCES] SERVER[:PORT]...\n");
	exit(2);
}

static void mg_parse_args(int argc, char **argv, struct mg_config *cfg)
{
	char err[512];
	struct in_addr a;
	int c;

	*cfg = (struct mg_config){ .count = 100000, .wait = 1.0, .seed = 1,
				   .spoof_n = 65536 };
	while ((c = getopt(argc, argv, "m:n:d:r:S:K:b:w:P:N:")) != -1) {
		switch (c) {
		case 'm':
			if (!strcmp(optarg, "mix"))
				cfg->mode = MG_MIX;
			else if (!strcmp(optarg, "legit"))
				cfg->mode = MG_LEGIT;
			else if (!strcmp(optarg, "spoof"))
				cfg->mode = MG_SPOOF;
			else
				mg_usage();
			break;
		case 'n':
			cfg->count = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'd':
			cfg->duration = strtod(optarg, NULL);
			break;
		case 'r':
			cfg->rate = strtod(optarg, NULL);
			break;
		case 'S':
			cfg->seed = strtoull(optarg, NULL, 0);
			break;
		case 'K':
			if (keyring_load(&cfg->keys, optarg, err, sizeof(err))) {
				fprintf(stderr, "ntpsec_mangle: %s\n", err);
				exit(2);
			}
			break;
		case 'b':
			if (sockaddr_parse(optarg, &cfg->src, &cfg->src_len, 0))
				mg_usage();
			break;
		case 'w':
			cfg->wait = strtod(optarg, NULL);
			break;
		case 'P':
			if (inet_pton(AF_INET, optarg, &a) == 1) {
				cfg->spoof_family = AF_INET;
				cfg->spoof_base = ntohl(a.s_addr);
			} else if (inet_pton(AF_INET6, optarg,
					     &cfg->spoof_base6) == 1) {
				cfg->spoof_family = AF_INET6;
			} else {
				mg_usage();
			}
			break;
		case 'N':
			cfg->spoof_n = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		default:
			mg_usage();
		}
	}
	if (optind >= argc || argc - optind > MG_MAX_SERVERS ||
	    !cfg->count || cfg->count > MG_MAX_COUNT || !cfg->spoof_n ||
	    cfg->rate < 0 || cfg->wait < 0 || cfg->wait > 60)
		mg_usage();
	for (; optind < argc; optind++, cfg->n_servers++)
		if (sockaddr_parse(argv[optind], &cfg->server[cfg->n_servers],
				   &cfg->server_len[cfg->n_servers], NTP_PORT))
			mg_usage();
	if (cfg->mode == MG_SPOOF &&
	    (cfg->n_servers != 1 || !cfg->spoof_family ||
	     cfg->server[0].ss_family != cfg->spoof_family ||
	     (cfg->spoof_family == AF_INET6 && cfg->spoof_n > 65536)))
		mg_usage();
}

int main(int argc, char **argv)
{
	static struct mg_config cfg;
	struct mg_state st = { .cfg = &cfg, .request_len_min_answered = UINT32_MAX };
	unsigned int i;
	int ret;

	mg_parse_args(argc, argv, &cfg);
	st.rng = cfg.seed;
	if (cfg.mode != MG_SPOOF) {
		st.req_len = calloc(cfg.count, sizeof(*st.req_len));
		st.req_tag = calloc(cfg.count, sizeof(*st.req_tag));
		st.replied = calloc(cfg.count, 1);
	}
	ret = 2;
	if (cfg.mode != MG_SPOOF && (!st.req_len || !st.req_tag || !st.replied)) {
		fprintf(stderr, "ntpsec_mangle: out of memory\n");
		goto out;
	}
	for (i = 0; i < cfg.n_servers; i++) {
		st.fd[i] = mg_open(&cfg, i);
		if (st.fd[i] < 0) {
			fprintf(stderr, "ntpsec_mangle: socket: %s\n",
				strerror(errno));
			goto out;
		}
	}
	if (mg_run(&st)) {
		mg_print(&st);
		fprintf(stderr, "ntpsec_mangle: send: %s\n", strerror(errno));
		goto out;
	}
	mg_print(&st);
	ret = st.longer || st.unmatched ? 1 : 0;
out:
	free(st.req_len);
	free(st.req_tag);
	free(st.replied);
	return ret;
}
