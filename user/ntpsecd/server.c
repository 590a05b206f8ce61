// SPDX-License-Identifier: BSD-2-Clause
/*
 * The userspace server: the same requests, the same answers and the same
 * limits as the module's fast path, for when the module is absent and for
 * what it passes up.  Kernel software receive stamps (SO_TIMESTAMPNS);
 * replies leave from the address the request was sent to (IP_PKTINFO).
 */

#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "server.h"

#define MAX_DATAGRAM 2048

struct request {
	struct sockaddr_storage from;
	socklen_t fromlen;
	int family;
	uint8_t src[16];		/* the client's address */
	union {
		struct in_pktinfo v4;
		struct in6_pktinfo v6;
	} dst;
	bool have_dst;
	struct timespec rx;
	bool have_rx;
	uint8_t buf[MAX_DATAGRAM];
	size_t len;
	struct ntp_packet pkt;
};

static int open_one(int family, uint16_t port, char *err, size_t errlen)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6,
				   .sin6_port = htons(port),
				   .sin6_addr = IN6ADDR_ANY_INIT };
	struct sockaddr_in a4 = { .sin_family = AF_INET,
				  .sin_port = htons(port) };
	int fd, one = 1;

	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) ||
	    (family == AF_INET &&
	     setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one))) ||
	    (family == AF_INET6 &&
	     (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) ||
	      setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)))))
		goto fail;
	if (family == AF_INET ? bind(fd, (struct sockaddr *)&a4, sizeof(a4)) :
				bind(fd, (struct sockaddr *)&a6, sizeof(a6)))
		goto fail;
	return fd;
fail:
	snprintf(err, errlen, "cannot open the %s NTP socket on port %u: %s",
		 family == AF_INET ? "IPv4" : "IPv6", port, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

int server_open(struct server *srv, uint16_t port, char *err, size_t errlen)
{
	srv->fd[0] = open_one(AF_INET, port, err, errlen);
	if (srv->fd[0] < 0)
		return -1;
	srv->fd[1] = open_one(AF_INET6, port, err, errlen);
	if (srv->fd[1] < 0) {
		/* A host without IPv6 still serves IPv4. */
		if (errno != EAFNOSUPPORT) {
			close(srv->fd[0]);
			srv->fd[0] = -1;
			return -1;
		}
	}
	return 0;
}

void server_close(struct server *srv)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (srv->fd[i] >= 0)
			close(srv->fd[i]);
		srv->fd[i] = -1;
	}
	free(srv->rl.table);
	srv->rl.table = NULL;
}

int server_set_ratelimit(struct server *srv, bool enabled, int interval,
			 unsigned int burst, unsigned int leak,
			 unsigned int table_size, bool kod)
{
	struct server_ratelimit rl = { .enabled = enabled, .kod = kod,
				       .leak = (uint8_t)leak };

	if (enabled) {
		rl.table = calloc(table_size, sizeof(*rl.table));
		if (!rl.table)
			return -1;
		rl.sets = table_size / NTP_RL_WAYS;
		rl.interval_ns = interval >= 0 ? 1000000000ULL << interval :
						 1000000000ULL >> -interval;
		rl.tolerance_ns = (uint64_t)(burst - 1) * rl.interval_ns;
	}
	free(srv->rl.table);
	srv->rl = rl;
	return 0;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* FNV-1a: the table only needs spreading, the key is not secret here. */
static unsigned int rl_set(const struct server_ratelimit *rl, uint64_t key)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	int i;

	for (i = 0; i < 8; i++) {
		h ^= (key >> (8 * i)) & 0xff;
		h *= 0x100000001b3ULL;
	}
	return (unsigned int)(h % rl->sets);
}

enum verdict { PASS, LEAK, KOD, DROP };

static enum verdict ratelimit(struct server *srv, const struct request *req)
{
	struct server_ratelimit *rl = &srv->rl;
	uint64_t key, now = mono_ns();
	struct ntp_rl_entry *e;
	uint32_t r;

	if (!rl->enabled)
		return PASS;
	key = req->family == AF_INET ? ntp_rl_key_v4(req->src) :
				       ntp_rl_key_v6(req->src);
	e = ntp_rl_lookup(&rl->table[rl_set(rl, key) * NTP_RL_WAYS], key, now);
	if (ntp_rl_admit(e, now, rl->interval_ns, rl->tolerance_ns))
		return PASS;
	if (rl->leak && getrandom(&r, sizeof(r), 0) == sizeof(r) &&
	    !(r & ((1U << rl->leak) - 1)))
		return LEAK;
	return rl->kod ? KOD : DROP;
}

static void read_cmsgs(struct msghdr *msg, struct request *req)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
			memcpy(&req->rx, CMSG_DATA(c), sizeof(req->rx));
			req->have_rx = true;
		} else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			memcpy(&req->dst.v4, CMSG_DATA(c), sizeof(req->dst.v4));
			req->have_dst = true;
		} else if (c->cmsg_level == IPPROTO_IPV6 &&
			   c->cmsg_type == IPV6_PKTINFO) {
			memcpy(&req->dst.v6, CMSG_DATA(c), sizeof(req->dst.v6));
			req->have_dst = true;
		}
	}
}

static bool receive_one(int fd, struct request *req)
{
	char control[256];
	struct iovec iov = { req->buf, sizeof(req->buf) };
	struct msghdr msg = {
		.msg_name = &req->from, .msg_namelen = sizeof(req->from),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control, .msg_controllen = sizeof(control),
	};
	ssize_t n = recvmsg(fd, &msg, 0);

	if (n < 0)
		return false;
	req->len = (size_t)n;
	req->fromlen = msg.msg_namelen;
	req->have_rx = req->have_dst = false;
	req->family = req->from.ss_family;
	if (req->family == AF_INET)
		memcpy(req->src, &((struct sockaddr_in *)&req->from)->sin_addr, 4);
	else
		memcpy(req->src, &((struct sockaddr_in6 *)&req->from)->sin6_addr, 16);
	read_cmsgs(&msg, req);
	return true;
}

static uint64_t timespec_to_ntp(const struct timespec *ts)
{
	return ntp_ts_from_unix(ts->tv_sec, (uint32_t)ts->tv_nsec);
}

/* Sends @len octets of @out from the address @req was sent to. */
static void send_reply(struct server *srv, int fd, const struct request *req,
		       const uint8_t *out, size_t len)
{
	char control[CMSG_SPACE(sizeof(struct in6_pktinfo))] = { 0 };
	struct iovec iov = { (void *)out, len };
	struct msghdr msg = {
		.msg_name = (void *)&req->from, .msg_namelen = req->fromlen,
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	if (req->have_dst) {
		struct cmsghdr *c;

		msg.msg_control = control;
		msg.msg_controllen = sizeof(control);
		c = CMSG_FIRSTHDR(&msg);
		if (req->family == AF_INET) {
			struct in_pktinfo pi = { .ipi_ifindex = req->dst.v4.ipi_ifindex,
						 .ipi_spec_dst = req->dst.v4.ipi_addr };

			c->cmsg_level = IPPROTO_IP;
			c->cmsg_type = IP_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(c), &pi, sizeof(pi));
			msg.msg_controllen = CMSG_SPACE(sizeof(pi));
		} else {
			c->cmsg_level = IPPROTO_IPV6;
			c->cmsg_type = IPV6_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(req->dst.v6));
			memcpy(CMSG_DATA(c), &req->dst.v6, sizeof(req->dst.v6));
			msg.msg_controllen = CMSG_SPACE(sizeof(req->dst.v6));
		}
	}
	if (sendmsg(fd, &msg, 0) < 0)
		srv->ctr[NTPSEC_CTR_DROP_TX_ERROR]++;
	else
		srv->ctr[NTPSEC_CTR_ANSWERED]++;
}

static const enum ntpsec_counter parse_drop[NTP_PARSE_RESULTS] = {
	[NTP_PARSE_TOO_SHORT] = NTPSEC_CTR_DROP_TOO_SHORT,
	[NTP_PARSE_TOO_LONG] = NTPSEC_CTR_DROP_MALFORMED,
	[NTP_PARSE_BAD_VERSION] = NTPSEC_CTR_DROP_BAD_VERSION,
	[NTP_PARSE_BAD_EF] = NTPSEC_CTR_DROP_BAD_EF,
	[NTP_PARSE_TOO_MANY_EFS] = NTPSEC_CTR_DROP_TOO_MANY_EFS,
	[NTP_PARSE_BAD_TRAILER] = NTPSEC_CTR_DROP_BAD_TRAILER,
};

/* The header of a normal reply, transmit timestamp written last. */
static void reply_header(struct server *srv, struct request *req,
			 uint8_t *out)
{
	struct ntp_header hdr;
	struct timespec tx;

	if (!req->have_rx)
		clock_gettime(CLOCK_REALTIME, &req->rx);
	srv->ctr[req->have_rx ? NTPSEC_CTR_TS_SW : NTPSEC_CTR_TS_HOOK]++;
	ntp_server_reply(&req->pkt.hdr, srv->have_state ? &srv->state : NULL,
			 timespec_to_ntp(&req->rx), &hdr);
	clock_gettime(CLOCK_REALTIME, &tx);
	hdr.transmit = timespec_to_ntp(&tx);
	ntp_write_header(out, &hdr);
}

/*
 * An NTS request: verified, then answered with fresh cookies under S2C, or
 * NAKed (kiss code NTSN, the unique identifier echoed, nothing else).  The
 * shared code sizes both against the request: never longer than it.
 */
static void answer_nts(struct server *srv, int fd, struct request *req)
{
	static uint8_t out[MAX_DATAGRAM];
	struct server_nts_stats *st = &srv->nts_stats;
	struct nts_server_req s;
	struct ntp_header hdr;
	enum nts_result res;
	size_t len = 0;

	res = nts_server_verify(srv->nts, srv->nts_keys, req->buf, &req->pkt,
				&s, out, req->len);
	switch (res) {
	case NTS_OK:
		reply_header(srv, req, out);
		len = nts_server_seal(srv->nts, srv->nts_keys, req->buf, &s,
				      out, req->len);
		nts_server_done(&s);
		if (len)
			st->ok++;
		else
			st->failed++;
		break;
	case NTS_BAD_COOKIE:
	case NTS_BAD_AUTH:
		ntp_kod_reply(&req->pkt.hdr, NTS_KISS_NTSN, &hdr);
		ntp_write_header(out, &hdr);
		len = nts_server_nak(req->buf, &s, out, req->len);
		if (res == NTS_BAD_COOKIE)
			st->nak_cookie++;
		else
			st->nak_auth++;
		break;
	case NTS_MALFORMED:
		st->malformed++;
		break;
	default:
		st->failed++;
		break;
	}
	if (len && len <= req->len)
		send_reply(srv, fd, req, out, len);
	else if (len)
		srv->ctr[NTPSEC_CTR_DROP_TX_ERROR]++;
}

/* The answer to one client request, or nothing; never longer than it. */
static void answer(struct server *srv, int fd, struct request *req)
{
	uint8_t out[NTP_HEADER_LEN + NTP_MAC_MAX_LEN];
	const struct ntp_key *key = NULL;
	struct ntp_header hdr;
	size_t len = NTP_HEADER_LEN;
	bool nak = false;

	if (srv->rl.enabled) {
		switch (ratelimit(srv, req)) {
		case PASS:
			break;
		case LEAK:
			srv->ctr[NTPSEC_CTR_RATELIMIT_LEAKED]++;
			break;
		case KOD:
			ntp_kod_reply(&req->pkt.hdr, NTP_KISS_RATE, &hdr);
			ntp_write_header(out, &hdr);
			srv->ctr[NTPSEC_CTR_KOD_RATE]++;
			send_reply(srv, fd, req, out, NTP_HEADER_LEN);
			return;
		case DROP:
			srv->ctr[NTPSEC_CTR_DROP_RATELIMIT]++;
			return;
		}
	}
	if (srv->nts && req->pkt.n_ef && nts_is_nts(&req->pkt)) {
		answer_nts(srv, fd, req);
		return;
	}
	if (req->pkt.mac_len > NTP_KEYID_LEN) {
		key = keyring_find(srv->keys, req->pkt.key_id);
		if (!key) {
			srv->ctr[NTPSEC_CTR_MAC_UNKNOWN_KEY]++;
			nak = true;
		} else if (!auth_verify(key, req->buf, req->pkt.mac_offset,
					req->pkt.mac_len)) {
			srv->ctr[NTPSEC_CTR_MAC_BAD]++;
			nak = true;
		} else {
			srv->ctr[NTPSEC_CTR_MAC_OK]++;
		}
	}
	/* The transmit timestamp is the last thing written but the MAC. */
	reply_header(srv, req, out);
	if (nak) {
		ntp_put_be32(out + len, 0);
		len += NTP_KEYID_LEN;
	} else if (key) {
		ntp_put_be32(out + len, key->id);
		if (!auth_digest(key, out, len, out + len + NTP_KEYID_LEN)) {
			srv->ctr[NTPSEC_CTR_DROP_TX_ERROR]++;
			return;
		}
		len += NTP_KEYID_LEN + auth_digest_len(key->type);
	}
	if (len > req->len) {		/* never an amplifier */
		srv->ctr[NTPSEC_CTR_DROP_TX_ERROR]++;
		return;
	}
	send_reply(srv, fd, req, out, len);
}

struct mode6_reply {
	struct server *srv;
	int fd;
	const struct request *req;
};

static void mode6_send(void *ctx, const uint8_t *pkt, size_t len)
{
	struct mode6_reply *r = ctx;

	send_reply(r->srv, r->fd, r->req, pkt, len);
}

static void handle(struct server *srv, int fd, struct request *req)
{
	enum ntp_parse_result res;
	unsigned int flags;

	srv->ctr[NTPSEC_CTR_RX]++;
	flags = access_flags(srv->acl, req->family, req->src);
	if (flags & ACCESS_IGNORE) {
		srv->ctr[NTPSEC_CTR_DROP_ACL]++;
		return;
	}
	/* Control messages are 12-octet headers: not for ntp_parse(). */
	if (req->len && (req->buf[0] & 7) == NTP_MODE_CONTROL && srv->mode6) {
		struct mode6_reply r = { srv, fd, req };

		srv->mode6(srv->mode6_ctx, req->family, req->src, req->buf,
			   req->len, mode6_send, &r);
		return;
	}
	res = ntp_parse(req->buf, req->len, &req->pkt);
	if (res != NTP_PARSE_OK) {
		srv->ctr[parse_drop[res]]++;
		return;
	}
	if (req->pkt.hdr.mode == NTP_MODE_PRIVATE) {
		srv->ctr[NTPSEC_CTR_DROP_MODE7]++;
		return;
	}
	/* Mode 6 and the symmetric modes are not served: counted. */
	if (!ntp_is_client_request(&req->pkt.hdr)) {
		srv->unserved++;
		return;
	}
	if (flags & ACCESS_NOSERVE) {
		srv->ctr[NTPSEC_CTR_DROP_ACL]++;
		return;
	}
	answer(srv, fd, req);
}

void server_receive(struct server *srv, int fd)
{
	static struct request req;
	int budget = 256;	/* leave the loop to the others now and then */

	while (budget-- && receive_one(fd, &req))
		handle(srv, fd, &req);
}
