// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_server_nts.c - the daemon's userspace server (user/ntpsecd/server.c)
 * answering NTS over loopback: the server code on a free port of
 * 127.0.0.1 (never 123, no daemon, no clock touched), a client socket
 * here.  Genuine requests get authenticated replies with fresh cookies,
 * cookies of forgotten keys and forged authenticators get NAKs, malformed
 * NTS is dropped, and no reply is longer than its request.
 */

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ktap.h"
#include "nts_siv.h"
#include "../ntpsecd/server.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static struct nts_aead_ops ops;
static struct nts_master_keys mks;
static struct server srv;
static struct access acl;
static struct keyring ring;
static int cfd = -1;
static struct nts_session_keys sk;
static uint8_t uid[NTS_UID_MIN_LEN];

/* Binds the server's IPv4 socket to a free loopback port. */
static bool start(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	int one = 1;

	srv.acl = &acl;
	srv.keys = &ring;
	srv.fd[0] = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	srv.fd[1] = -1;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (srv.fd[0] < 0 ||
	    setsockopt(srv.fd[0], SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) ||
	    setsockopt(srv.fd[0], IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) ||
	    bind(srv.fd[0], (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(srv.fd[0], (struct sockaddr *)&a, &alen))
		return false;
	cfd = socket(AF_INET, SOCK_DGRAM, 0);
	return cfd >= 0 &&
	       !connect(cfd, (struct sockaddr *)&a, sizeof(a));
}

/* Sends @len octets, lets the server answer, returns the reply's length. */
static size_t exchange(const uint8_t *req, size_t len, uint8_t *out,
		       size_t cap)
{
	struct pollfd pfd = { cfd, POLLIN, 0 };
	ssize_t n;

	if (send(cfd, req, len, 0) != (ssize_t)len)
		return 0;
	usleep(2000);
	server_receive(&srv, srv.fd[0]);
	if (poll(&pfd, 1, 200) != 1)
		return 0;
	n = recv(cfd, out, cap, 0);
	return n > 0 ? (size_t)n : 0;
}

static size_t make_request(uint8_t *buf, size_t cap, unsigned int n_ph,
			   const struct nts_master_key *mk)
{
	struct ntp_header h = { .version = 4, .mode = NTP_MODE_CLIENT,
				.transmit = 0x1122334455667788ULL };
	uint8_t cookie[NTS_COOKIE_LEN];

	ops.random(ops.ctx, (uint8_t *)&sk, sizeof(sk));
	ops.random(ops.ctx, uid, sizeof(uid));
	nts_cookie_seal(&ops, mk, &sk, cookie);
	ntp_write_header(buf, &h);
	return nts_client_request(&ops, sk.c2s, uid, cookie, sizeof(cookie),
				  n_ph, buf, cap);
}

static void test_start(void)
{
	CHECK(!nts_siv_init(&ops));
	mks.n = 2;
	mks.key[0].id = 5;
	mks.key[1].id = 4;
	ops.random(ops.ctx, mks.key[0].key, NTS_KEY_LEN);
	ops.random(ops.ctx, mks.key[1].key, NTS_KEY_LEN);
	srv.nts = &ops;
	srv.nts_keys = &mks;
	CHECKF(start(), "loopback sockets: %s", strerror(errno));
}

static void test_answers(void)
{
	static uint8_t req[2048], out[2048];
	static struct nts_client_resp resp;
	struct nts_session_keys back;
	struct ntp_packet pkt;
	unsigned int n_ph;

	for (n_ph = 0; n_ph < NTS_MAX_COOKIES; n_ph++) {
		size_t len = make_request(req, sizeof(req), n_ph,
					  &mks.key[n_ph & 1]);
		size_t n = exchange(req, len, out, sizeof(out));

		CHECKF(n == len, "%u placeholders: reply %zu, request %zu",
		       n_ph, n, len);
		CHECK(ntp_parse(out, n, &pkt) == NTP_PARSE_OK);
		CHECK(pkt.hdr.mode == NTP_MODE_SERVER &&
		      pkt.hdr.origin == 0x1122334455667788ULL);
		CHECK(nts_client_response(&ops, sk.s2c, uid, out, &pkt,
					  &resp) == NTS_OK);
		CHECK(resp.n_cookies == 1 + n_ph);
		/* Fresh cookies are sealed under the current key. */
		CHECK(ntp_get_be32(resp.cookie[0]) == 5);
		CHECK(nts_cookie_open(&ops, &mks, resp.cookie[0],
				      resp.cookie_len[0], &back) == NTS_OK &&
		      !memcmp(&back, &sk, sizeof(sk)));
	}
	CHECK(srv.nts_stats.ok == NTS_MAX_COOKIES);
}

static void test_naks_and_drops(void)
{
	static uint8_t req[2048], out[2048];
	static struct nts_client_resp resp;
	struct nts_master_key gone = { .id = 3 };
	struct ntp_packet pkt;
	size_t len, n;

	/* A cookie of a key rotated out. */
	len = make_request(req, sizeof(req), 2, &gone);
	n = exchange(req, len, out, sizeof(out));
	CHECK(n == 48 + 36 && n <= len);
	CHECK(ntp_parse(out, n, &pkt) == NTP_PARSE_OK &&
	      pkt.hdr.refid == NTS_KISS_NTSN && pkt.hdr.stratum == 0);
	CHECK(nts_client_response(&ops, sk.s2c, uid, out, &pkt, &resp) ==
	      NTS_BAD_COOKIE);
	CHECK(srv.nts_stats.nak_cookie == 1);
	/* A forged authenticator. */
	len = make_request(req, sizeof(req), 0, &mks.key[0]);
	req[len - 1] ^= 1;
	n = exchange(req, len, out, sizeof(out));
	CHECK(n == 48 + 36);
	CHECK(ntp_parse(out, n, &pkt) == NTP_PARSE_OK &&
	      pkt.hdr.refid == NTS_KISS_NTSN);
	CHECK(srv.nts_stats.nak_auth == 1);
	/* Malformed NTS (the authenticator not last): nothing at all. */
	len = make_request(req, sizeof(req), 0, &mks.key[0]);
	len = nts_put_ef(req, len, sizeof(req), 0x2000, NULL, 28);
	CHECK(exchange(req, len, out, sizeof(out)) == 0);
	CHECK(srv.nts_stats.malformed == 1);
	/* A plain request is still answered plainly. */
	CHECK(make_request(req, sizeof(req), 0, &mks.key[0]) > 48);
	CHECK(exchange(req, 48, out, sizeof(out)) == 48);
}

static void test_no_amplification(void)
{
	static uint8_t req[2048], out[2048];
	unsigned int i, answered = 0;

	rng_seed(0xfeedbeef1234ULL);
	for (i = 0; i < 500; i++) {
		size_t len = make_request(req, sizeof(req), rng_below(8),
					  &mks.key[rng_below(2)]);
		size_t n;

		if (rng_below(2))
			req[48 + rng_below((uint32_t)len - 48)] ^=
				(uint8_t)(1 + rng_below(255));
		if (rng_below(3) == 0)
			len -= 4 * rng_below(8);
		n = exchange(req, len, out, sizeof(out));
		CHECKF(n <= len, "reply %zu to a request of %zu", n, len);
		answered += n > 0;
	}
	printf("# %u of 500 answered\n", answered);
	CHECK(answered > 100);
}

static void test_stop(void)
{
	server_close(&srv);
	close(cfd);
	nts_siv_uninit(&ops);
	CHECK(srv.fd[0] < 0);
}

static const struct ktap_case cases[] = {
	{ "server on a loopback port", test_start },
	{ "NTS requests answered with fresh cookies", test_answers },
	{ "NAKs for old keys and forged authenticators, drops", test_naks_and_drops },
	{ "500 mangled requests: no reply longer than its request", test_no_amplification },
	{ "stop", test_stop },
};

int main(void)
{
	return ktap_run_cases(cases, ARRAY_SIZE(cases));
}
