// SPDX-License-Identifier: BSD-2-Clause
/*
 * ntpsec_loadgen - sends NTP client requests to one server and measures its
 * answers: achieved rate, loss, the server's processing time (its transmit
 * minus its receive timestamp) and the round-trip time.  Used by the
 * benchmarks (bench/), inside the test VM or over loopback.
 *
 *   ntpsec_loadgen [-c N] [-r PPS] [-d SECONDS] [-s] [-j] [-N FILE] ADDR[:PORT]
 *
 * Each request carries a random transmit timestamp (RFC 9109's advice for
 * clients), so a reply is matched by its origin timestamp alone; the low
 * bits of the nonce index the table of outstanding requests.  Requests go
 * out from N connected sockets with distinct source ports, in batches
 * (sendmmsg), paced against the clock; replies are read with recvmmsg and
 * stamped by the kernel (SO_TIMESTAMPNS) on arrival.
 *
 * With -a ADDR/N, the requests come from N clients: consecutive IPv4
 * addresses from ADDR, one after another, set per datagram (IP_PKTINFO) on
 * unconnected sockets.  The client's namespace must own the whole range
 * (a local route: ip route add local ADDR/PREFIX dev lo), so the replies
 * come back to those sockets; the server's must route it back.  This is how
 * the benchmark shows a server's cost against the number of clients it
 * keeps state for.
 *
 * With -X, requests ask for interleaved mode (RFC 9769) where they can:
 * each carries, as its origin timestamp, the server's receive timestamp
 * from an earlier reply (each used once), and as its receive timestamp the
 * nonce with its top bit flipped, which an interleaved reply echoes as its
 * origin.  Interleaved replies are counted; their transmit timestamp is the
 * earlier reply's, so they add nothing to the processing-time histogram.
 *
 * With -N, every request is NTS-protected (RFC 8915 section 5): a fresh
 * unique identifier, the session's first cookie (servers do not track
 * reuse, and a benchmark must not run out), no placeholders, and the
 * authenticator under C2S; FILE is what bench/ntske_fetch printed.  A reply
 * counts as answered only if it carries extension fields (an NTS answer);
 * the generator does not check their authenticator, which would only cost
 * its own CPU: the server's work is what is measured.
 *
 * Everything is bounded: the rate, the duration of a run, the whole search,
 * the number of sockets, and the memory (fixed histograms, a table sized by
 * rate).  It sends only to the one address it is given.
 */

#define _GNU_SOURCE

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "../user/common/nts_siv.h"
#include "../user/common/sockaddr.h"
#include "../user/wire/ntp_wire.h"
#include "../user/wire/nts_wire.h"
#include "latency_hist.h"

#define LG_RATE_MAX		500000	/* requests per second */
#define LG_DURATION_MAX		120	/* seconds, one run and a whole search */
#define LG_WALL_MAX		(LG_DURATION_MAX + 60)	/* watchdog */
#define LG_SOCKETS_MAX		1024
#define LG_SOURCES_MAX		16
#define LG_CLIENTS_MAX		(1U << 20)	/* -a: distinct addresses */
#define LG_XL_RING		4096	/* -X: server receive stamps kept */
#define LG_XL_MARK		(1ULL << 63)	/* -X: receive = nonce ^ this */
#define LG_LATE_MAX_MS		5000
#define LG_BATCH		64
#define LG_SEARCH_STEPS_MAX	16
#define LG_SEARCH_PRECISION	0.05	/* stop bisecting within 5% */
#define LG_KEEP_UP		0.97	/* below this share of the rate: saturated */
#define LG_RCVBUF		(1 << 20)
#define NSEC_PER_SEC		1000000000LL
#define LG_REQ_MAX		(NTP_HEADER_LEN + 4 * NTP_EF_HEADER_LEN + \
				 NTS_UID_MIN_LEN + NTS_MAX_COOKIE_LEN + 64)

/* -N: one NTS session's keys and the cookie every request carries. */
struct lg_nts {
	bool on;
	struct nts_aead_ops ops;
	uint8_t c2s[NTS_KEY_LEN];
	uint8_t cookie[NTS_MAX_COOKIE_LEN];
	size_t cookie_len;
};

static struct lg_nts lg_nts;

struct lg_config {
	struct sockaddr_storage server;
	socklen_t server_len;
	struct sockaddr_storage src[LG_SOURCES_MAX];
	socklen_t src_len[LG_SOURCES_MAX];
	unsigned int n_src;
	struct in_addr client_base;	/* -a: the first client address */
	unsigned int n_clients;		/* -a: how many; 0 without -a */
	unsigned int n_sockets;
	double rate;
	double duration;
	bool search;
	double loss_limit;		/* percent */
	double rate_max;
	int64_t late_ns;
	int cpu;			/* -1: do not watch a CPU */
	bool json;
	bool xleave;			/* -X */
	bool quiet;
};

/* One CPU's line of /proc/stat, in USER_HZ ticks, and when it was read. */
struct lg_cpu_sample {
	uint64_t user, nice, system, idle, iowait, irq, softirq, steal;
	int64_t when_ns;
};

struct lg_slot {
	uint64_t nonce;
	int64_t sent_ns;	/* CLOCK_REALTIME; 0 once answered */
};

struct lg_result {
	double rate_target;
	double elapsed;			/* seconds of sending */
	uint64_t sent, send_errors, skipped;
	uint64_t received, late, unmatched, duplicate, kod, icmp_errors;
	uint64_t client_drops;		/* UDP receive buffer errors here */
	uint64_t unsynchronized;	/* replies with LI=3 */
	uint64_t not_nts;		/* -N: replies without NTS fields */
	uint64_t interleaved;		/* -X: replies in interleaved mode */
	struct latency_hist proc;	/* server transmit - receive */
	struct latency_hist rtt;	/* kernel arrival - send */
	bool have_cpu;
	struct lg_cpu_sample cpu0, cpu1;
};

struct lg_ctx {
	const struct lg_config *cfg;
	int *fds;
	int epfd;
	struct lg_slot *slots;
	uint64_t slot_mask;
	uint64_t rng;
	uint64_t seq;
	unsigned int next_client;	/* -a: the next request's address */
	uint64_t xl_rx[LG_XL_RING];	/* -X: replies' receive stamps, a ring */
	unsigned int xl_head, xl_n;
	unsigned int next_fd;
	long clk_tck;
};

static volatile sig_atomic_t lg_interrupted;

static void lg_on_signal(int sig)
{
	(void)sig;
	lg_interrupted = 1;
}

static void lg_on_alarm(int sig)
{
	static const char msg[] = "ntpsec_loadgen: watchdog: run too long\n";

	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(3);
}

static int64_t lg_now(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* splitmix64: fast, and good enough for nonces nobody guesses here. */
static uint64_t lg_random(struct lg_ctx *ctx)
{
	uint64_t z = (ctx->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* An NTP timestamp difference (32.32, wrapping) in nanoseconds. */
static int64_t lg_ntp_diff_ns(uint64_t later, uint64_t earlier)
{
	int64_t d = (int64_t)(later - earlier);

	return (int64_t)(((__int128)d * NSEC_PER_SEC) >> 32);
}

static void lg_format_addr(const struct sockaddr_storage *ss, char *buf,
			   size_t size)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
	char host[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		snprintf(buf, size, "%s:%u", host, ntohs(sin->sin_port));
	} else {
		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		snprintf(buf, size, "[%s]:%u", host, ntohs(sin6->sin6_port));
	}
}

/* CPU accounting -------------------------------------------------------- */

static int lg_read_cpu(int cpu, struct lg_cpu_sample *s)
{
	char line[512], name[16];
	FILE *f = fopen("/proc/stat", "r");
	int found = 0;

	if (!f)
		return -1;
	snprintf(name, sizeof(name), "cpu%d ", cpu);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, name, strlen(name)))
			continue;
		found = sscanf(line + strlen(name),
			       "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
			       " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64,
			       &s->user, &s->nice, &s->system, &s->idle,
			       &s->iowait, &s->irq, &s->softirq,
			       &s->steal) == 8;
		break;
	}
	fclose(f);
	s->when_ns = lg_now(CLOCK_MONOTONIC);
	return found ? 0 : -1;
}

/*
 * Busy time is the wall time minus idle time: the kernel accounts idle
 * time exactly (NOHZ), while the busy fields are sampled at each tick.
 */
static double lg_cpu_busy_s(const struct lg_result *r, long clk_tck)
{
	const struct lg_cpu_sample *a = &r->cpu0, *b = &r->cpu1;
	double wall = (double)(b->when_ns - a->when_ns) / 1e9;
	double idle = (double)((b->idle + b->iowait) - (a->idle + a->iowait));

	return wall - idle / (double)clk_tck;
}

/* UDP receive-buffer drops in this network namespace (IPv4 and IPv6). */
static uint64_t lg_rcvbuf_errors(void)
{
	uint64_t total = 0, v;
	FILE *f = fopen("/proc/net/snmp", "r");
	char line[1024];

	if (f) {
		char names[1024];

		while (fgets(names, sizeof(names), f) &&
		       fgets(line, sizeof(line), f)) {
			char *n, *val, *sn, *sv;

			if (strncmp(names, "Udp: ", 5))
				continue;
			n = strtok_r(names, "\n ", &sn);
			val = strtok_r(line, "\n ", &sv);
			while (n && val) {
				if (!strcmp(n, "RcvbufErrors"))
					total += strtoull(val, NULL, 10);
				n = strtok_r(NULL, "\n ", &sn);
				val = strtok_r(NULL, "\n ", &sv);
			}
			break;
		}
		fclose(f);
	}
	f = fopen("/proc/net/snmp6", "r");
	if (f) {
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "Udp6RcvbufErrors %" SCNu64, &v) == 1)
				total += v;
		fclose(f);
	}
	return total;
}

/* Sockets ----------------------------------------------------------------- */

static int lg_open_socket(const struct lg_config *cfg, unsigned int i)
{
	int fd, one = 1, size = LG_RCVBUF;
	unsigned int s;

	fd = socket(cfg->server.ss_family,
		    SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	/* FORCE needs CAP_NET_ADMIN; the plain one is capped by rmem_max. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)))
		goto err;
	if (cfg->n_src) {
		s = i % cfg->n_src;
		if (bind(fd, (const struct sockaddr *)&cfg->src[s],
			 cfg->src_len[s]))
			goto err;
	}
	/*
	 * -a: unconnected, as a connected socket takes replies only for the
	 * one address connect() chose; bound to every address of the range.
	 */
	if (cfg->n_clients) {
		struct sockaddr_in any = { .sin_family = AF_INET };

		if (bind(fd, (const struct sockaddr *)&any, sizeof(any)))
			goto err;
		return fd;
	}
	if (connect(fd, (const struct sockaddr *)&cfg->server,
		    cfg->server_len))
		goto err;
	return fd;
err:
	close(fd);
	return -1;
}

static int lg_open_sockets(struct lg_ctx *ctx)
{
	const struct lg_config *cfg = ctx->cfg;
	struct epoll_event ev = { .events = EPOLLIN };
	unsigned int i;

	ctx->epfd = epoll_create1(EPOLL_CLOEXEC);
	ctx->fds = calloc(cfg->n_sockets, sizeof(*ctx->fds));
	if (ctx->epfd < 0 || !ctx->fds)
		return -1;
	for (i = 0; i < cfg->n_sockets; i++) {
		ctx->fds[i] = lg_open_socket(cfg, i);
		if (ctx->fds[i] < 0) {
			fprintf(stderr, "ntpsec_loadgen: socket %u: %s\n", i,
				strerror(errno));
			return -1;
		}
		ev.data.u32 = i;
		if (epoll_ctl(ctx->epfd, EPOLL_CTL_ADD, ctx->fds[i], &ev))
			return -1;
	}
	return 0;
}

/* Requests ---------------------------------------------------------------- */

/* Slots outlive the late threshold and the final drain at this rate. */
static int lg_alloc_slots(struct lg_ctx *ctx, double rate)
{
	double need = rate * (2.0 * (double)ctx->cfg->late_ns / 1e9 + 1.0);
	uint64_t n = 4096;

	while ((double)n < need)
		n <<= 1;
	free(ctx->slots);
	ctx->slots = calloc(n, sizeof(*ctx->slots));
	if (!ctx->slots)
		return -1;
	ctx->slot_mask = n - 1;
	return 0;
}

/* Writes one request to @buf; its length (0: the NTS fields failed). */
static size_t lg_fill_request(struct lg_ctx *ctx, uint8_t *buf, int64_t now)
{
	struct ntp_header hdr = {
		.leap = NTP_LEAP_UNSYNCHRONIZED,
		.version = NTP_VERSION,
		.mode = NTP_MODE_CLIENT,
		.poll = 6,
		.precision = -20,
	};
	uint64_t slot = ctx->seq++ & ctx->slot_mask;
	uint64_t nonce;

	/* Random, but never zero in its seconds: servers take 0 as unset. */
	do
		nonce = (lg_random(ctx) & ~ctx->slot_mask) | slot;
	while (!(nonce >> 32));
	hdr.transmit = nonce;
	if (ctx->cfg->xleave && ctx->xl_n) {
		hdr.origin = ctx->xl_rx[(ctx->xl_head + LG_XL_RING - ctx->xl_n) %
					LG_XL_RING];
		ctx->xl_n--;
		hdr.receive = nonce ^ LG_XL_MARK;
	}
	ntp_write_header(buf, &hdr);
	ctx->slots[slot].nonce = nonce;
	ctx->slots[slot].sent_ns = now;
	if (lg_nts.on) {
		uint8_t uid[NTS_UID_MIN_LEN];
		unsigned int i;

		for (i = 0; i < sizeof(uid); i += 8) {
			uint64_t r = lg_random(ctx);

			memcpy(uid + i, &r, 8);
		}
		return nts_client_request(&lg_nts.ops, lg_nts.c2s, uid,
					  lg_nts.cookie, lg_nts.cookie_len, 0,
					  buf, LG_REQ_MAX);
	}
	return NTP_HEADER_LEN;
}

/* -a: the request goes to the server from the next client address. */
static void lg_set_client(struct lg_ctx *ctx, struct msghdr *mh, char *control,
			  size_t size)
{
	const struct lg_config *cfg = ctx->cfg;
	struct in_pktinfo info = { 0 };
	struct cmsghdr *c;

	info.ipi_spec_dst.s_addr = htonl(ntohl(cfg->client_base.s_addr) +
					 ctx->next_client);
	ctx->next_client = (ctx->next_client + 1) % cfg->n_clients;
	mh->msg_name = (void *)&cfg->server;
	mh->msg_namelen = cfg->server_len;
	mh->msg_control = control;
	mh->msg_controllen = size;
	c = CMSG_FIRSTHDR(mh);
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(info));
	memcpy(CMSG_DATA(c), &info, sizeof(info));
}

/* Sends n requests from the next socket; returns how many left. */
static unsigned int lg_send_batch(struct lg_ctx *ctx, unsigned int n,
				  struct lg_result *res)
{
	static uint8_t buf[LG_BATCH][LG_REQ_MAX];
	static union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} control[LG_BATCH];
	const struct lg_config *cfg = ctx->cfg;
	struct mmsghdr msg[LG_BATCH];
	struct iovec iov[LG_BATCH];
	int64_t now = lg_now(CLOCK_REALTIME);
	unsigned int i;
	int fd, sent;

	memset(msg, 0, sizeof(*msg) * n);
	for (i = 0; i < n; i++) {
		iov[i].iov_base = buf[i];
		iov[i].iov_len = lg_fill_request(ctx, buf[i], now);
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
		if (cfg->n_clients)
			lg_set_client(ctx, &msg[i].msg_hdr, control[i].buf,
				      sizeof(control[i].buf));
	}
	fd = ctx->fds[ctx->next_fd];
	ctx->next_fd = (ctx->next_fd + 1) % ctx->cfg->n_sockets;
	sent = sendmmsg(fd, msg, n, 0);
	if (sent < 0)
		sent = 0;
	/* Unsent requests are forgotten, never answered, never lost. */
	for (i = (unsigned int)sent; i < n; i++)
		ctx->slots[(ctx->seq - n + i) & ctx->slot_mask].sent_ns = 0;
	res->sent += (uint64_t)sent;
	res->send_errors += n - (unsigned int)sent;
	return (unsigned int)sent;
}

/* Replies ----------------------------------------------------------------- */

static int64_t lg_arrival(struct msghdr *mh)
{
	struct cmsghdr *c;
	struct timespec ts;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS)
			continue;
		memcpy(&ts, CMSG_DATA(c), sizeof(ts));
		return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
	}
	return lg_now(CLOCK_REALTIME);
}

static void lg_match_reply(struct lg_ctx *ctx, const uint8_t *buf, size_t len,
			   int64_t arrival, struct lg_result *res)
{
	struct ntp_packet pkt;
	struct lg_slot *slot;
	bool interleaved;
	int64_t rtt;

	if (ntp_parse(buf, len, &pkt) != NTP_PARSE_OK ||
	    pkt.hdr.mode != NTP_MODE_SERVER) {
		res->unmatched++;
		return;
	}
	slot = &ctx->slots[pkt.hdr.origin & ctx->slot_mask];
	/* -X: an interleaved reply echoes our receive field, the marked nonce. */
	interleaved = ctx->cfg->xleave && slot->nonce != pkt.hdr.origin &&
		      slot->nonce == (pkt.hdr.origin ^ LG_XL_MARK);
	if (slot->nonce != pkt.hdr.origin && !interleaved) {
		res->unmatched++;
		return;
	}
	if (!slot->sent_ns) {
		res->duplicate++;
		return;
	}
	rtt = arrival - slot->sent_ns;
	slot->sent_ns = 0;
	/* Any kiss-o'-death (RATE, or NTSN: an NTS NAK) is no answer. */
	if (pkt.hdr.stratum == 0 && pkt.hdr.leap == NTP_LEAP_UNSYNCHRONIZED &&
	    (pkt.hdr.refid == NTP_KISS_RATE || pkt.hdr.refid == NTS_KISS_NTSN)) {
		res->kod++;
		return;
	}
	if (lg_nts.on && !pkt.n_ef) {
		res->not_nts++;
		return;
	}
	if (rtt > ctx->cfg->late_ns) {
		res->late++;
		return;
	}
	res->received++;
	if (pkt.hdr.leap == NTP_LEAP_UNSYNCHRONIZED)
		res->unsynchronized++;
	lh_add(&res->rtt, rtt);
	if (ctx->cfg->xleave) {
		/* The next requests may name this reply's receive stamp. */
		ctx->xl_rx[ctx->xl_head] = pkt.hdr.receive;
		ctx->xl_head = (ctx->xl_head + 1) % LG_XL_RING;
		if (ctx->xl_n < LG_XL_RING)
			ctx->xl_n++;
	}
	if (interleaved) {
		res->interleaved++;
		return;
	}
	lh_add(&res->proc, lg_ntp_diff_ns(pkt.hdr.transmit, pkt.hdr.receive));
}

static void lg_receive(struct lg_ctx *ctx, int fd, struct lg_result *res)
{
	static uint8_t buf[LG_BATCH][LG_REQ_MAX];	/* replies are no longer */
	static uint8_t ctl[LG_BATCH][CMSG_SPACE(sizeof(struct timespec)) + 64];
	struct mmsghdr msg[LG_BATCH];
	struct iovec iov[LG_BATCH];
	int i, rounds;

	/* A bounded number of rounds, so sending is never starved. */
	for (rounds = 0; rounds < 4; rounds++) {
		int n;

		for (i = 0; i < LG_BATCH; i++) {
			iov[i].iov_base = buf[i];
			iov[i].iov_len = sizeof(buf[i]);
			memset(&msg[i], 0, sizeof(msg[i]));
			msg[i].msg_hdr.msg_iov = &iov[i];
			msg[i].msg_hdr.msg_iovlen = 1;
			msg[i].msg_hdr.msg_control = ctl[i];
			msg[i].msg_hdr.msg_controllen = sizeof(ctl[i]);
		}
		n = recvmmsg(fd, msg, LG_BATCH, MSG_DONTWAIT, NULL);
		if (n < 0) {
			/* ICMP errors (nobody listening) surface here. */
			if (errno != EAGAIN && errno != EINTR)
				res->icmp_errors++;
			if (errno == EAGAIN)
				return;
			continue;
		}
		for (i = 0; i < n; i++)
			lg_match_reply(ctx, buf[i], msg[i].msg_len,
				       lg_arrival(&msg[i].msg_hdr), res);
		if (n < LG_BATCH)
			return;
	}
}

/* One run at a fixed rate ------------------------------------------------- */

static void lg_poll(struct lg_ctx *ctx, int64_t wait_ns, struct lg_result *res)
{
	struct epoll_event ev[LG_BATCH];
	struct timespec ts;
	int i, n;

	if (wait_ns < 0)
		wait_ns = 0;
	ts.tv_sec = wait_ns / NSEC_PER_SEC;
	ts.tv_nsec = wait_ns % NSEC_PER_SEC;
	n = epoll_pwait2(ctx->epfd, ev, LG_BATCH, &ts, NULL);
	for (i = 0; i < n; i++)
		lg_receive(ctx, ctx->fds[ev[i].data.u32], res);
}

/* Requests due by now; a generator that fell behind skips, never bursts. */
static uint64_t lg_due(double rate, int64_t start, int64_t now,
		       uint64_t *scheduled, struct lg_result *res)
{
	uint64_t due = (uint64_t)((double)(now - start) * rate / 1e9);
	uint64_t burst = LG_BATCH + (uint64_t)(rate / 100.0);

	if (due > *scheduled + burst) {
		res->skipped += due - *scheduled - burst;
		*scheduled = due - burst;
	}
	return due > *scheduled ? due - *scheduled : 0;
}

static void lg_send_due(struct lg_ctx *ctx, uint64_t n, uint64_t *scheduled,
			struct lg_result *res)
{
	while (n) {
		unsigned int b = n > LG_BATCH ? LG_BATCH : (unsigned int)n;

		lg_send_batch(ctx, b, res);
		*scheduled += b;
		n -= b;
	}
}

static uint64_t lg_answered(const struct lg_result *res)
{
	return res->received + res->late + res->kod;
}

static int lg_run(struct lg_ctx *ctx, double rate, double duration,
		  struct lg_result *res)
{
	const struct lg_config *cfg = ctx->cfg;
	int64_t start, now, end_send, end_drain;
	uint64_t scheduled = 0, drops0;

	memset(res, 0, sizeof(*res));
	res->rate_target = rate;
	if (lg_alloc_slots(ctx, rate))
		return -1;
	drops0 = lg_rcvbuf_errors();
	res->have_cpu = cfg->cpu >= 0 && !lg_read_cpu(cfg->cpu, &res->cpu0);
	start = lg_now(CLOCK_MONOTONIC);
	end_send = start + (int64_t)(duration * 1e9);
	end_drain = end_send + cfg->late_ns + NSEC_PER_SEC / 10;

	for (now = start; now < end_send && !lg_interrupted;
	     now = lg_now(CLOCK_MONOTONIC)) {
		int64_t next;

		lg_send_due(ctx, lg_due(rate, start, now, &scheduled, res),
			    &scheduled, res);
		next = start + (int64_t)((double)(scheduled + 1) * 1e9 / rate);
		lg_poll(ctx, (next < end_send ? next : end_send) - now, res);
	}
	res->elapsed = (double)(now - start) / 1e9;
	/* The drain: until every request is answered or given up. */
	while (lg_answered(res) < res->sent && !lg_interrupted &&
	       (now = lg_now(CLOCK_MONOTONIC)) < end_drain)
		lg_poll(ctx, end_drain - now < 10000000 ? end_drain - now :
			10000000, res);
	if (res->have_cpu)
		res->have_cpu = !lg_read_cpu(cfg->cpu, &res->cpu1);
	res->client_drops = lg_rcvbuf_errors() - drops0;
	return 0;
}

static double lg_loss_pct(const struct lg_result *r)
{
	if (!r->sent)
		return 100.0;
	return 100.0 * (double)(r->sent - r->received) / (double)r->sent;
}

static bool lg_kept_up(const struct lg_result *r)
{
	return (double)r->sent >= LG_KEEP_UP * r->rate_target * r->elapsed;
}

/* The search --------------------------------------------------------------- */

enum lg_limit {
	LG_LIMIT_NONE,
	LG_LIMIT_LOSS,		/* bisected to within the precision */
	LG_LIMIT_GENERATOR,	/* this program could not send faster */
	LG_LIMIT_RATE_CAP,	/* reached -m or the hard cap, no loss */
	LG_LIMIT_BUDGET,	/* out of steps or time */
};

static const char *const lg_limit_name[] = {
	[LG_LIMIT_NONE] = "none",
	[LG_LIMIT_LOSS] = "loss",
	[LG_LIMIT_GENERATOR] = "generator",
	[LG_LIMIT_RATE_CAP] = "rate-cap",
	[LG_LIMIT_BUDGET] = "budget",
};

struct lg_step {
	double rate, sent_rate, answered_rate, loss;
	bool kept_up;
};

struct lg_search {
	struct lg_step step[LG_SEARCH_STEPS_MAX];
	unsigned int n_steps;
	double max_rate;	/* highest target rate that passed; 0: none */
	enum lg_limit limit;
	bool have_best;
	struct lg_result best;	/* the run at max_rate */
};

static void lg_record_step(struct lg_search *s, const struct lg_result *r)
{
	struct lg_step *st = &s->step[s->n_steps++];

	st->rate = r->rate_target;
	st->sent_rate = (double)r->sent / r->elapsed;
	st->answered_rate = (double)r->received / r->elapsed;
	st->loss = lg_loss_pct(r);
	st->kept_up = lg_kept_up(r);
}

/* Doubles until loss or a limit, then bisects between pass and fail. */
static int lg_search(struct lg_ctx *ctx, struct lg_search *s)
{
	const struct lg_config *cfg = ctx->cfg;
	double lo = 0, hi = 0, rate = cfg->rate;
	int64_t budget_end = lg_now(CLOCK_MONOTONIC) +
			     LG_DURATION_MAX * NSEC_PER_SEC;
	double step_ns = (cfg->duration + 0.3) * 1e9 + (double)cfg->late_ns;
	struct lg_result r;

	memset(s, 0, sizeof(*s));
	s->limit = LG_LIMIT_BUDGET;
	while (s->n_steps < LG_SEARCH_STEPS_MAX && !lg_interrupted &&
	       (double)lg_now(CLOCK_MONOTONIC) + step_ns < (double)budget_end) {
		bool pass;

		if (lg_run(ctx, rate, cfg->duration, &r))
			return -1;
		lg_record_step(s, &r);
		pass = lg_loss_pct(&r) < cfg->loss_limit;
		if (!cfg->quiet)
			fprintf(stderr, "ntpsec_loadgen: step %u: %.0f/s sent %.0f/s loss %.2f%% %s\n",
				s->n_steps, rate, s->step[s->n_steps - 1].sent_rate,
				lg_loss_pct(&r), pass ? "pass" : "fail");
		if (pass) {
			lo = rate;
			s->best = r;
			s->have_best = true;
		} else {
			hi = rate;
		}
		if (!lg_kept_up(&r)) {
			/* Past what this generator sends: no higher rate. */
			s->limit = LG_LIMIT_GENERATOR;
			break;
		}
		if (pass && !hi && rate >= cfg->rate_max) {
			s->limit = LG_LIMIT_RATE_CAP;
			break;
		}
		if (hi && hi - lo <= LG_SEARCH_PRECISION * hi) {
			s->limit = LG_LIMIT_LOSS;
			break;
		}
		if (hi)
			rate = (lo + hi) / 2;
		else
			rate = rate * 2 < cfg->rate_max ? rate * 2 : cfg->rate_max;
		usleep(200000);
	}
	s->max_rate = lo;
	return 0;
}

/* Output ------------------------------------------------------------------- */

/* A minimal JSON writer: one object on stdout, commas handled here. */
static bool lg_json_first = true;

static void lg_json_key(const char *key)
{
	if (!lg_json_first)
		putchar(',');
	lg_json_first = false;
	if (key)
		printf("\"%s\":", key);
}

static void lg_json_open(const char *key, char bracket)
{
	lg_json_key(key);
	putchar(bracket);
	lg_json_first = true;
}

static void lg_json_close(char bracket)
{
	putchar(bracket);
	lg_json_first = false;
}

static void lg_json_u64(const char *key, uint64_t v)
{
	lg_json_key(key);
	printf("%" PRIu64, v);
}

static void lg_json_num(const char *key, double v)
{
	lg_json_key(key);
	printf("%.3f", v);
}

static void lg_json_str(const char *key, const char *v)
{
	lg_json_key(key);
	printf("\"%s\"", v);
}

static void lg_json_bool(const char *key, bool v)
{
	lg_json_key(key);
	printf("%s", v ? "true" : "false");
}

static void lg_json_hist(const char *key, const struct latency_hist *h)
{
	lg_json_open(key, '{');
	lg_json_u64("count", h->count);
	lg_json_u64("negative", h->negative);
	lg_json_u64("median", lh_quantile(h, 0.5));
	lg_json_u64("p99", lh_quantile(h, 0.99));
	lg_json_u64("p999", lh_quantile(h, 0.999));
	lg_json_u64("max", h->max);
	lg_json_close('}');
}

static void lg_json_cpu(const struct lg_ctx *ctx, const struct lg_result *r)
{
	const struct lg_cpu_sample *a = &r->cpu0, *b = &r->cpu1;

	lg_json_open("server_cpu", '{');
	lg_json_u64("cpu", (uint64_t)ctx->cfg->cpu);
	lg_json_u64("hz", (uint64_t)ctx->clk_tck);
	lg_json_num("wall_s", (double)(b->when_ns - a->when_ns) / 1e9);
	lg_json_num("busy_s", lg_cpu_busy_s(r, ctx->clk_tck));
	lg_json_u64("user", (b->user + b->nice) - (a->user + a->nice));
	lg_json_u64("system", b->system - a->system);
	lg_json_u64("irq", b->irq - a->irq);
	lg_json_u64("softirq", b->softirq - a->softirq);
	lg_json_u64("idle", (b->idle + b->iowait) - (a->idle + a->iowait));
	lg_json_close('}');
}

static void lg_json_run(const struct lg_ctx *ctx, const struct lg_result *r)
{
	lg_json_num("rate_target", r->rate_target);
	lg_json_num("elapsed_s", r->elapsed);
	lg_json_num("rate_sent", (double)r->sent / r->elapsed);
	lg_json_num("rate_answered", (double)r->received / r->elapsed);
	lg_json_bool("generator_kept_up", lg_kept_up(r));
	lg_json_u64("sent", r->sent);
	lg_json_u64("received", r->received);
	lg_json_u64("lost", r->sent - lg_answered(r));
	lg_json_u64("late", r->late);
	lg_json_u64("unmatched", r->unmatched);
	lg_json_u64("duplicate", r->duplicate);
	lg_json_u64("kod", r->kod);
	lg_json_u64("unsynchronized", r->unsynchronized);
	lg_json_u64("not_nts", r->not_nts);
	lg_json_u64("interleaved", r->interleaved);
	lg_json_u64("send_errors", r->send_errors);
	lg_json_u64("skipped", r->skipped);
	lg_json_u64("icmp_errors", r->icmp_errors);
	lg_json_u64("client_drops", r->client_drops);
	lg_json_num("loss_pct", lg_loss_pct(r));
	lg_json_hist("proc_ns", &r->proc);
	lg_json_hist("rtt_ns", &r->rtt);
	if (r->have_cpu)
		lg_json_cpu(ctx, r);
}

static void lg_json_search(const struct lg_config *cfg,
			   const struct lg_search *s)
{
	unsigned int i;

	lg_json_open("search", '{');
	lg_json_num("max_rate", s->max_rate);
	lg_json_str("limit", lg_limit_name[s->limit]);
	lg_json_num("loss_limit_pct", cfg->loss_limit);
	lg_json_open("steps", '[');
	for (i = 0; i < s->n_steps; i++) {
		lg_json_open(NULL, '{');
		lg_json_num("rate", s->step[i].rate);
		lg_json_num("sent", s->step[i].sent_rate);
		lg_json_num("answered", s->step[i].answered_rate);
		lg_json_num("loss_pct", s->step[i].loss);
		lg_json_bool("kept_up", s->step[i].kept_up);
		lg_json_close('}');
	}
	lg_json_close(']');
	lg_json_close('}');
}

static void lg_print_json(const struct lg_ctx *ctx, const struct lg_result *r,
			  const struct lg_search *s)
{
	const struct lg_config *cfg = ctx->cfg;
	char addr[INET6_ADDRSTRLEN + 16];

	lg_format_addr(&cfg->server, addr, sizeof(addr));
	lg_json_open(NULL, '{');
	lg_json_str("server", addr);
	lg_json_str("mode", s ? "search" : "fixed");
	lg_json_u64("sockets", cfg->n_sockets);
	lg_json_u64("sources", cfg->n_clients ? cfg->n_clients :
				 cfg->n_src ? cfg->n_src : 1);
	lg_json_num("step_s", cfg->duration);
	if (s)
		lg_json_search(cfg, s);
	if (r)
		lg_json_run(ctx, r);
	lg_json_close('}');
	putchar('\n');
}

static void lg_print_hist_row(const char *name, const struct latency_hist *h)
{
	printf("  %-16s %12.1f %12.1f %12.1f %12.1f\n", name,
	       (double)lh_quantile(h, 0.5) / 1e3, (double)lh_quantile(h, 0.99) / 1e3,
	       (double)lh_quantile(h, 0.999) / 1e3, (double)h->max / 1e3);
}

static void lg_print_run(const struct lg_ctx *ctx, const struct lg_result *r)
{
	printf("  rate: target %.0f/s, sent %.0f/s, answered %.0f/s over %.2f s%s\n",
	       r->rate_target, (double)r->sent / r->elapsed,
	       (double)r->received / r->elapsed, r->elapsed,
	       lg_kept_up(r) ? "" : " (GENERATOR SATURATED)");
	printf("  %12s %12s %10s %8s %10s %8s %8s\n", "sent", "answered",
	       "lost", "late", "unmatched", "kod", "loss");
	printf("  %12" PRIu64 " %12" PRIu64 " %10" PRIu64 " %8" PRIu64
	       " %10" PRIu64 " %8" PRIu64 " %7.3f%%\n", r->sent, r->received,
	       r->sent - lg_answered(r), r->late, r->unmatched, r->kod,
	       lg_loss_pct(r));
	if (r->client_drops || r->send_errors || r->skipped || r->icmp_errors)
		printf("  here: %" PRIu64 " receive-buffer drops, %" PRIu64
		       " send errors, %" PRIu64 " skipped, %" PRIu64
		       " socket errors\n", r->client_drops, r->send_errors,
		       r->skipped, r->icmp_errors);
	printf("  %-16s %12s %12s %12s %12s\n", "(microseconds)", "median",
	       "p99", "p99.9", "max");
	lg_print_hist_row("server processing", &r->proc);
	lg_print_hist_row("round trip", &r->rtt);
	if (r->proc.negative)
		printf("  %" PRIu64 " replies had transmit before receive\n",
		       r->proc.negative);
	if (r->have_cpu)
		printf("  cpu%d busy %.3f s of %.3f s: %.2f us per answer\n",
		       ctx->cfg->cpu, lg_cpu_busy_s(r, ctx->clk_tck),
		       (double)(r->cpu1.when_ns - r->cpu0.when_ns) / 1e9,
		       r->received ? lg_cpu_busy_s(r, ctx->clk_tck) * 1e6 /
		       (double)r->received : 0.0);
}

static void lg_print_human(const struct lg_ctx *ctx, const struct lg_result *r,
			   const struct lg_search *s)
{
	const struct lg_config *cfg = ctx->cfg;
	char addr[INET6_ADDRSTRLEN + 16];

	lg_format_addr(&cfg->server, addr, sizeof(addr));
	printf("ntpsec_loadgen: %s from %u sockets\n", addr, cfg->n_sockets);
	if (s) {
		unsigned int i;

		printf("  search (steps of %.1f s, loss under %.2f%%):\n",
		       cfg->duration, cfg->loss_limit);
		for (i = 0; i < s->n_steps; i++)
			printf("    %10.0f/s  sent %10.0f/s  answered %10.0f/s  loss %7.3f%%%s\n",
			       s->step[i].rate, s->step[i].sent_rate,
			       s->step[i].answered_rate, s->step[i].loss,
			       s->step[i].kept_up ? "" : "  (generator saturated)");
		printf("  max rate at <%.2f%% loss: %.0f/s (limited by %s)\n",
		       cfg->loss_limit, s->max_rate, lg_limit_name[s->limit]);
		if (r)
			printf("  the run at that rate:\n");
	}
	if (r)
		lg_print_run(ctx, r);
}

/* Command line ------------------------------------------------------------- */

static void lg_usage(FILE *out)
{
	fprintf(out,
		"usage: ntpsec_loadgen [options] ADDR[:PORT] | [ADDR6]:PORT\n"
		"  -c N        source sockets (distinct ports), 1..%d (default 16)\n"
		"  -r PPS      fixed rate; with -s the first rate (default 1000)\n"
		"  -d SECONDS  duration of the run, or of each search step\n"
		"              (default 10, or 3 with -s; at most %d)\n"
		"  -s          search the highest rate with loss under -l\n"
		"  -l PCT      the search's loss limit (default 1)\n"
		"  -m PPS      the search's highest rate (default %d)\n"
		"  -T MS       replies later than this are late (default 1000)\n"
		"  -b ADDR     source address, repeatable (sockets take turns)\n"
		"  -a ADDR/N   N clients: IPv4 addresses from ADDR, one per\n"
		"              request in turn (the range must be routed locally)\n"
		"  -C CPU      report this CPU's busy time during the run\n"
		"  -X          ask for interleaved mode (origin: an earlier reply's\n"
		"              receive timestamp)\n"
		"  -N FILE     NTS requests with the keys and cookie in FILE\n"
		"              (what bench/ntske_fetch prints)\n"
		"  -j          one JSON object on stdout\n"
		"  -q          no progress lines on stderr\n",
		LG_SOCKETS_MAX, LG_DURATION_MAX, LG_RATE_MAX);
}

static int lg_number(const char *arg, double lo, double hi, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(arg, &end);
	if (errno || end == arg || *end || !(*v >= lo && *v <= hi)) {
		fprintf(stderr, "ntpsec_loadgen: '%s' is not in %g..%g\n", arg,
			lo, hi);
		return -1;
	}
	return 0;
}

static int lg_source(struct lg_config *cfg, const char *arg)
{
	if (cfg->n_src == LG_SOURCES_MAX ||
	    sockaddr_parse(arg, &cfg->src[cfg->n_src], &cfg->src_len[cfg->n_src],
			  0)) {
		fprintf(stderr, "ntpsec_loadgen: bad or too many -b '%s'\n", arg);
		return -1;
	}
	cfg->n_src++;
	return 0;
}

static int lg_clients(struct lg_config *cfg, const char *arg)
{
	char addr[INET_ADDRSTRLEN];
	const char *slash = strchr(arg, '/');
	double n;

	if (!slash || (size_t)(slash - arg) >= sizeof(addr))
		goto bad;
	memcpy(addr, arg, (size_t)(slash - arg));
	addr[slash - arg] = '\0';
	if (inet_pton(AF_INET, addr, &cfg->client_base) != 1 ||
	    lg_number(slash + 1, 1, LG_CLIENTS_MAX, &n))
		goto bad;
	/* The range must not wrap past 255.255.255.255. */
	if ((uint64_t)ntohl(cfg->client_base.s_addr) + (uint64_t)n > 1ULL << 32)
		goto bad;
	cfg->n_clients = (unsigned int)n;
	return 0;
bad:
	fprintf(stderr, "ntpsec_loadgen: -a wants IPV4ADDR/N (N 1..%u): '%s'\n",
		LG_CLIENTS_MAX, arg);
	return -1;
}

static int lg_hex(const char *hex, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = strlen(hex), i;

	if (n % 2 || n / 2 > cap)
		return -1;
	for (i = 0; i < n / 2; i++) {
		unsigned int v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	*len = n / 2;
	return 0;
}

/*
 * -N FILE: "c2s HEX" and at least one "cookie HEX" line (ntske_fetch's
 * output); the first cookie is used.  Then one request is built as a check.
 */
static int lg_load_nts(const char *path)
{
	char line[2 * NTS_MAX_COOKIE_LEN + 32], key[16], hex[2 * NTS_MAX_COOKIE_LEN + 2];
	uint8_t probe[LG_REQ_MAX] = { 0 }, uid[NTS_UID_MIN_LEN] = { 0 };
	bool have_c2s = false;
	size_t len;
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "ntpsec_loadgen: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%15s %513s", key, hex) != 2)
			continue;
		if (!strcmp(key, "c2s"))
			have_c2s = !lg_hex(hex, lg_nts.c2s, sizeof(lg_nts.c2s), &len) &&
				   len == NTS_KEY_LEN;
		else if (!strcmp(key, "cookie") && !lg_nts.cookie_len &&
			 lg_hex(hex, lg_nts.cookie, sizeof(lg_nts.cookie),
				&lg_nts.cookie_len))
			lg_nts.cookie_len = 0;
	}
	fclose(f);
	if (!have_c2s || !lg_nts.cookie_len || lg_nts.cookie_len % 4) {
		fprintf(stderr, "ntpsec_loadgen: %s has no C2S key or no cookie\n", path);
		return -1;
	}
	if (nts_siv_init(&lg_nts.ops)) {
		fprintf(stderr, "ntpsec_loadgen: no AES-SIV in this OpenSSL\n");
		return -1;
	}
	if (!nts_client_request(&lg_nts.ops, lg_nts.c2s, uid,
				lg_nts.cookie, lg_nts.cookie_len, 0, probe,
				sizeof(probe))) {
		fprintf(stderr, "ntpsec_loadgen: cannot build an NTS request\n");
		return -1;
	}
	lg_nts.on = true;
	return 0;
}

static int lg_parse_args(int argc, char **argv, struct lg_config *cfg)
{
	double v, duration = 0;
	unsigned int i;
	int opt;

	while ((opt = getopt(argc, argv, "c:r:d:sl:m:T:b:a:C:N:Xjqh")) != -1) {
		switch (opt) {
		case 'c':
			if (lg_number(optarg, 1, LG_SOCKETS_MAX, &v))
				return -1;
			cfg->n_sockets = (unsigned int)v;
			break;
		case 'r':
			if (lg_number(optarg, 1, LG_RATE_MAX, &cfg->rate))
				return -1;
			break;
		case 'd':
			if (lg_number(optarg, 0.1, LG_DURATION_MAX, &duration))
				return -1;
			break;
		case 's':
			cfg->search = true;
			break;
		case 'l':
			if (lg_number(optarg, 0.001, 100, &cfg->loss_limit))
				return -1;
			break;
		case 'm':
			if (lg_number(optarg, 1, LG_RATE_MAX, &cfg->rate_max))
				return -1;
			break;
		case 'T':
			if (lg_number(optarg, 1, LG_LATE_MAX_MS, &v))
				return -1;
			cfg->late_ns = (int64_t)(v * 1e6);
			break;
		case 'b':
			if (lg_source(cfg, optarg))
				return -1;
			break;
		case 'a':
			if (lg_clients(cfg, optarg))
				return -1;
			break;
		case 'C':
			if (lg_number(optarg, 0, 4095, &v))
				return -1;
			cfg->cpu = (int)v;
			break;
		case 'N':
			if (lg_load_nts(optarg))
				return -1;
			break;
		case 'X':
			cfg->xleave = true;
			break;
		case 'j':
			cfg->json = true;
			break;
		case 'q':
			cfg->quiet = true;
			break;
		case 'h':
			lg_usage(stdout);
			exit(0);
		default:
			lg_usage(stderr);
			return -1;
		}
	}
	if (optind != argc - 1 ||
	    sockaddr_parse(argv[optind], &cfg->server, &cfg->server_len,
			  NTP_PORT)) {
		lg_usage(stderr);
		return -1;
	}
	if (cfg->n_clients &&
	    (cfg->n_src || cfg->server.ss_family != AF_INET)) {
		fprintf(stderr, "ntpsec_loadgen: -a is for an IPv4 server, without -b\n");
		return -1;
	}
	for (i = 0; i < cfg->n_src; i++)
		if (cfg->src[i].ss_family != cfg->server.ss_family) {
			fprintf(stderr, "ntpsec_loadgen: -b and the server differ in family\n");
			return -1;
		}
	cfg->duration = duration ? duration : cfg->search ? 3 : 10;
	if (cfg->rate > cfg->rate_max)
		cfg->rate = cfg->rate_max;
	return 0;
}

int main(int argc, char **argv)
{
	struct lg_config cfg = {
		.n_sockets = 16,
		.rate = 1000,
		.loss_limit = 1.0,
		.rate_max = LG_RATE_MAX,
		.late_ns = NSEC_PER_SEC,
		.cpu = -1,
	};
	struct lg_ctx ctx = { .cfg = &cfg, .epfd = -1 };
	static struct lg_result res;
	static struct lg_search search;
	const struct lg_result *shown = &res;
	const struct lg_search *s = NULL;

	if (lg_parse_args(argc, argv, &cfg))
		return 2;
	ctx.clk_tck = sysconf(_SC_CLK_TCK);
	if (getrandom(&ctx.rng, sizeof(ctx.rng), 0) != sizeof(ctx.rng))
		ctx.rng = (uint64_t)lg_now(CLOCK_REALTIME);
	signal(SIGINT, lg_on_signal);
	signal(SIGTERM, lg_on_signal);
	signal(SIGALRM, lg_on_alarm);
	alarm(LG_WALL_MAX);
	if (lg_open_sockets(&ctx))
		return 1;

	if (cfg.search) {
		if (lg_search(&ctx, &search))
			return 1;
		s = &search;
		shown = search.have_best ? &search.best : NULL;
	} else if (lg_run(&ctx, cfg.rate, cfg.duration, &res)) {
		return 1;
	}
	if (cfg.json)
		lg_print_json(&ctx, shown, s);
	else
		lg_print_human(&ctx, shown, s);
	return lg_interrupted ? 1 : 0;
}
