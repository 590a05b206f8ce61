// SPDX-License-Identifier: BSD-2-Clause
/*
 * Upstream associations: polling, the on-wire protocol checks of RFC 5905
 * section 8 (with the nonce of RFC 9109), kiss-o'-death handling, and the
 * poll interval.
 */

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "nts_client.h"
#include "peer.h"
#include "../wire/ntp_wire.h"

#define IBURST_COUNT 6		/* as ntpd: six requests two seconds apart */
#define IBURST_GAP 2.0
#define REPLY_TIMEOUT 4.0	/* a later reply is not waited for */
#define KISS_DENY 0x44454e59
#define KISS_RSTR 0x52535452
#define PHI 15e-6		/* s/s: RFC 5905 frequency tolerance */

static double ntp_to_real(uint64_t ts, double near)
{
	/* NTP era from the nearest Unix time: correct within 68 years. */
	double sec = (double)(ts >> 32) - NTP_UNIX_EPOCH_OFFSET;
	double frac = (double)(ts & 0xffffffff) / 4294967296.0;
	double era = 4294967296.0;

	while (sec + frac < near - era / 2)
		sec += era;
	while (sec + frac > near + era / 2)
		sec -= era;
	return sec + frac;
}

static double real_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void peer_init(struct peer *p, const struct config_server *cfg,
	       const struct sockaddr_storage *addr, socklen_t addrlen,
	       double now)
{
	char host[INET6_ADDRSTRLEN] = "?";
	const void *a;

	memset(p, 0, sizeof(*p));
	p->cfg = *cfg;
	/* getaddrinfo's ai_addr is only addrlen long, not a whole storage. */
	memcpy(&p->addr, addr, addrlen < sizeof(p->addr) ? addrlen : sizeof(p->addr));
	p->addrlen = addrlen;
	a = addr->ss_family == AF_INET ?
	    (const void *)&((const struct sockaddr_in *)addr)->sin_addr :
	    (const void *)&((const struct sockaddr_in6 *)addr)->sin6_addr;
	inet_ntop(addr->ss_family, a, host, sizeof(host));
	snprintf(p->name, sizeof(p->name), "%s", host);
	p->fd = -1;
	p->poll = cfg->minpoll;
	p->burst = cfg->flags & CONFIG_SERVER_IBURST ? IBURST_COUNT : 0;
	p->next_poll = now;
	p->stratum = 16;
	p->leap = NTP_LEAP_UNSYNCHRONIZED;
	filter_init(&p->filter);
	p->state = SELECT_REJECT_UNREACH;
}

double peer_deadline(const struct peer *p)
{
	return p->dead ? INFINITY : p->next_poll;
}

static void close_request(struct peer *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	p->nonce = 0;
}

void peer_close(struct peer *p)
{
	close_request(p);
}

void peer_reset(struct peer *p, double now)
{
	close_request(p);
	filter_init(&p->filter);
	p->have_stats = false;
	p->next_poll = now;
}

static int open_socket(const struct peer *p)
{
	int fd, one = 1;

	fd = socket(p->addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	/* Port 0: the kernel picks a random ephemeral port (RFC 9109). */
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) ||
	    connect(fd, (const struct sockaddr *)&p->addr, p->addrlen)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void schedule(struct peer *p, double now)
{
	if (p->burst > 0)
		p->next_poll = now + IBURST_GAP;
	else
		p->next_poll = now + ldexp(1.0, p->poll);
}

int peer_poll(struct peer *p, const struct keyring *keys, double now)
{
	uint8_t buf[PEER_MAX_PACKET];
	struct ntp_header hdr = {
		.leap = NTP_LEAP_UNSYNCHRONIZED,
		.version = p->cfg.version ? p->cfg.version : NTP_VERSION,
		.mode = NTP_MODE_CLIENT,
	};
	const struct ntp_key *key = NULL;
	size_t len = NTP_HEADER_LEN;

	if (p->dead || now < p->next_poll)
		return p->fd;
	/* The reach register shifts once per poll: a 1 enters on a reply. */
	p->reach <<= 1;
	if (p->sent && !p->answered)
		p->unanswered++;
	p->answered = false;
	close_request(p);
	if (p->burst > 0)
		p->burst--;
	schedule(p, now);
	/* No cookie, no request: the key exchange runs meanwhile. */
	if (p->nts && !nts_client_ready(p->nts))
		return -1;

	hdr.poll = (int8_t)p->poll;
	if (getrandom(&p->nonce, sizeof(p->nonce), 0) != sizeof(p->nonce))
		return -1;
	hdr.transmit = p->nonce;
	ntp_write_header(buf, &hdr);
	if (p->cfg.key) {
		key = keyring_find(keys, p->cfg.key);
		if (!key) {
			log_msg(LOG_ERR, "%s: key %u is not in the keys file",
				p->name, p->cfg.key);
			return -1;
		}
		ntp_put_be32(buf + len, key->id);
		if (!auth_digest(key, buf, len, buf + len + NTP_KEYID_LEN))
			return -1;
		len += NTP_KEYID_LEN + auth_digest_len(key->type);
	}
	if (p->nts) {
		len = nts_client_build(p->nts, buf, sizeof(buf));
		if (!len)
			return -1;
	}

	p->fd = open_socket(p);
	if (p->fd < 0) {
		log_msg(LOG_WARNING, "%s: cannot open a socket: %s", p->name,
			strerror(errno));
		return -1;
	}
	p->t1 = real_now();
	if (send(p->fd, buf, len, 0) != (ssize_t)len) {
		log_msg(LOG_DEBUG, "%s: send: %s", p->name, strerror(errno));
		close_request(p);
		return -1;
	}
	p->sent++;
	return p->fd;
}

static void kiss(struct peer *p, uint32_t code)
{
	char text[5] = { (char)(code >> 24), (char)(code >> 16),
			 (char)(code >> 8), (char)code, 0 };

	p->kod++;
	if (code == NTP_KISS_RATE) {
		/* Back off: twice the interval, at least minpoll + 1. */
		if (p->poll < p->cfg.maxpoll)
			p->poll++;
		p->burst = 0;
		p->next_poll = p->next_poll - ldexp(1.0, p->poll - 1) +
			       ldexp(1.0, p->poll);
		log_msg(LOG_NOTICE, "%s: kiss-o'-death RATE: poll now %d s",
			p->name, 1 << p->poll);
	} else if (code == KISS_DENY || code == KISS_RSTR) {
		p->dead = true;
		log_msg(LOG_WARNING, "%s: kiss-o'-death %s: no more requests to it",
			p->name, text);
	} else {
		log_msg(LOG_INFO, "%s: kiss code %s ignored", p->name, text);
	}
}

/* The poll interval follows how well things go, between min and max. */
static void adapt_poll(struct peer *p)
{
	if (++p->good_in_row >= 8 && p->poll < p->cfg.maxpoll) {
		p->poll++;
		p->good_in_row = 0;
	}
}

static bool read_reply(struct peer *p, uint8_t *buf, size_t size, size_t *len,
		       double *t4)
{
	char control[128];
	struct iovec iov = { buf, size };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control, .msg_controllen = sizeof(control),
	};
	struct cmsghdr *c;
	struct timespec ts;
	ssize_t n;

	n = recvmsg(p->fd, &msg, MSG_TRUNC);
	if (n < 0)
		return false;
	*len = (size_t)n;
	*t4 = real_now();
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			*t4 = (double)ts.tv_sec + ts.tv_nsec / 1e9;
		}
	}
	return true;
}

bool peer_receive(struct peer *p, const struct keyring *keys,
		  const struct filter_params *fp, double now)
{
	uint8_t buf[PEER_MAX_PACKET + 4];
	struct filter_sample s;
	struct ntp_packet pkt;
	double t2, t3, t4;
	size_t len;

	if (p->fd < 0 || !read_reply(p, buf, sizeof(buf), &len, &t4))
		return false;
	/* Anything but one valid reply to our last request is dropped. */
	if (len > sizeof(buf) - 4 || ntp_parse(buf, len, &pkt) != NTP_PARSE_OK ||
	    pkt.hdr.mode != NTP_MODE_SERVER || !p->nonce ||
	    pkt.hdr.origin != p->nonce) {
		p->bogus++;
		log_msg(LOG_DEBUG, "%s: dropped a reply that does not answer our request",
			p->name);
		return false;
	}
	if (p->cfg.key) {
		const struct ntp_key *key = keyring_find(keys, p->cfg.key);

		if (!key || pkt.key_id != key->id ||
		    !auth_verify(key, buf, pkt.mac_offset, pkt.mac_len)) {
			p->bogus++;
			log_msg(LOG_WARNING, "%s: reply fails authentication", p->name);
			close_request(p);
			return false;
		}
	}
	if (p->nts) {
		enum nts_result res = nts_client_check(p->nts, buf, &pkt, now);

		if (res == NTS_BAD_COOKIE) {
			close_request(p);	/* NAK: a new key exchange */
			return false;
		}
		if (res != NTS_OK) {
			/* Never time from it; the real reply may still come. */
			p->bogus++;
			log_msg(LOG_WARNING, "%s: reply fails NTS authentication: %s",
				p->name, nts_result_name(res));
			return false;
		}
	}
	close_request(p);	/* one reply per request: no replays */
	p->received++;
	p->answered = true;
	p->unanswered = 0;

	if (pkt.hdr.stratum == 0 && pkt.hdr.leap == NTP_LEAP_UNSYNCHRONIZED &&
	    pkt.hdr.refid) {
		kiss(p, pkt.hdr.refid);
		return false;
	}
	p->reach |= 1;
	p->stratum = pkt.hdr.stratum ? pkt.hdr.stratum : 16;
	p->leap = pkt.hdr.leap;
	p->refid = pkt.hdr.refid;
	p->root_delay = ntp_get_be32(buf + 4) / 65536.0;
	p->root_disp = ntp_get_be32(buf + 8) / 65536.0;
	if (p->leap == NTP_LEAP_UNSYNCHRONIZED)
		return false;

	/* RFC 5905 section 8, in the local real-time clock's seconds. */
	t2 = ntp_to_real(pkt.hdr.receive, t4);
	t3 = ntp_to_real(pkt.hdr.transmit, t4);
	s.offset = ((t2 - p->t1) + (t3 - t4)) / 2;
	s.delay = fmax((t4 - p->t1) - (t3 - t2), fp->precision);
	s.disp = ldexp(1.0, pkt.hdr.precision) + fp->precision +
		 PHI * (t4 - p->t1);
	s.t = now;
	if (filter_add(&p->filter, &s))
		return false;
	adapt_poll(p);
	return true;
}
