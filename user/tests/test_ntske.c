// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_ntske.c - NTS-KE: the record parser (user/common/ntske.c) on its
 * own, then the server (user/ntpsecd/ntske_server.c) on 127.0.0.1 with a
 * throwaway self-signed certificate made by openssl(1), driven in a thread
 * by the same poll loop the daemon runs, against a plain OpenSSL client
 * here: full handshakes whose cookies must carry the keys the client
 * exported, and every way a client can get it wrong.  No daemon, no clock
 * is touched.
 */

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "ktap.h"
#include "nts_siv.h"
#include "ntske.h"
#include "../ntpsecd/nts_client.h"
#include "../ntpsecd/ntske_server.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static struct nts_aead_ops ops;

/* Record parser ----------------------------------------------------------- */

static size_t good_request(uint8_t *b, size_t cap)
{
	size_t off;

	off = ntske_put_u16(b, 0, cap, NTSKE_NEXT_PROTOCOL, true, 0);
	off = ntske_put_u16(b, off, cap, NTSKE_AEAD, true, 15);
	return ntske_put(b, off, cap, NTSKE_END, true, NULL, 0);
}

static void test_parse_good(void)
{
	static struct ntske_msg m;
	uint8_t b[256];
	size_t len = good_request(b, sizeof(b)), i;

	CHECK(len == 16);
	CHECK(ntske_parse(b, len, NTSKE_FROM_CLIENT, &m) == NTSKE_OK);
	CHECK(m.len == 16 && m.have_protocols && m.ntpv4 && m.have_aead &&
	      m.aead_siv && m.n_protocols == 1 && m.n_aeads == 1);
	/* Every prefix is incomplete, never an error. */
	for (i = 0; i < len; i++)
		CHECKF(ntske_parse(b, i, NTSKE_FROM_CLIENT, &m) ==
		       NTSKE_INCOMPLETE, "prefix %zu", i);
	/* Several ids, ours not first; unknown non-critical skipped. */
	{
		uint8_t ids[6] = { 0x80, 0x01, 0, 0, 0x12, 0x34 };
		uint8_t aeads[4] = { 0, 30, 0, 15 };
		size_t off;

		off = ntske_put(b, 0, sizeof(b), 0x4000, false, "x", 1);
		off = ntske_put(b, off, sizeof(b), NTSKE_NEXT_PROTOCOL, true,
				ids, sizeof(ids));
		off = ntske_put(b, off, sizeof(b), NTSKE_AEAD, false, aeads,
				sizeof(aeads));
		off = ntske_put(b, off, sizeof(b), NTSKE_SERVER, false,
				"ntp.example", 11);
		off = ntske_put_u16(b, off, sizeof(b), NTSKE_PORT_REC, false,
				    1234);
		off = ntske_put(b, off, sizeof(b), NTSKE_END, true, NULL, 0);
		CHECK(ntske_parse(b, off, NTSKE_FROM_CLIENT, &m) == NTSKE_OK);
		CHECK(m.ntpv4 && m.n_protocols == 3 && m.aead_siv &&
		      m.n_aeads == 2 && m.have_server &&
		      !strcmp(m.server, "ntp.example") && m.port == 1234);
	}
}

static void test_parse_bad(void)
{
	static struct ntske_msg m;
	uint8_t b[8192], cookie[100] = { 0 };
	size_t off, i;

	/* Unknown critical record. */
	off = ntske_put(b, 0, sizeof(b), 0x1234, true, "ab", 2);
	off = ntske_put(b, off, sizeof(b), NTSKE_END, true, NULL, 0);
	CHECK(ntske_parse(b, off, NTSKE_FROM_CLIENT, &m) ==
	      NTSKE_UNKNOWN_CRITICAL && m.unknown_type == 0x1234);
	/* End of Message not critical, or with a body, or not last. */
	off = ntske_put(b, 0, sizeof(b), NTSKE_END, false, NULL, 0);
	CHECK(ntske_parse(b, off, NTSKE_FROM_CLIENT, &m) == NTSKE_BAD_RECORD);
	off = ntske_put(b, 0, sizeof(b), NTSKE_END, true, "x", 1);
	CHECK(ntske_parse(b, off, NTSKE_FROM_CLIENT, &m) == NTSKE_BAD_RECORD);
	off = good_request(b, sizeof(b));
	b[off++] = 0;
	CHECK(ntske_parse(b, off, NTSKE_FROM_CLIENT, &m) == NTSKE_BAD_RECORD);
	/* Next Protocol not critical, twice, odd length. */
	off = ntske_put_u16(b, 0, sizeof(b), NTSKE_NEXT_PROTOCOL, false, 0);
	off = ntske_put(b, off, sizeof(b), NTSKE_END, true, NULL, 0);
	CHECK(ntske_parse(b, off, NTSKE_FROM_CLIENT, &m) == NTSKE_BAD_RECORD);
	off = ntske_put_u16(b, 0, sizeof(b), NTSKE_NEXT_PROTOCOL, true, 0);
	off = ntske_put_u16(b, off, sizeof(b), NTSKE_NEXT_PROTOCOL, true, 0);
	off = ntske_put(b, off, sizeof(b), NTSKE_END, true, NULL, 0);
	CHECK(ntske_parse(b, off, NTSKE_FROM_CLIENT, &m) == NTSKE_BAD_RECORD);
	off = ntske_put(b, 0, sizeof(b), NTSKE_NEXT_PROTOCOL, true, "abc", 3);
	off = ntske_put(b, off, sizeof(b), NTSKE_END, true, NULL, 0);
	CHECK(ntske_parse(b, off, NTSKE_FROM_CLIENT, &m) == NTSKE_BAD_RECORD);
	/* Too many ids. */
	memset(cookie, 0, sizeof(cookie));
	off = ntske_put(b, 0, sizeof(b), NTSKE_AEAD, true, cookie, 40);
	off = ntske_put(b, off, sizeof(b), NTSKE_END, true, NULL, 0);
	CHECK(ntske_parse(b, off, NTSKE_FROM_CLIENT, &m) == NTSKE_BAD_RECORD);
	/* Records only a server sends. */
	off = ntske_put_u16(b, 0, sizeof(b), NTSKE_ERROR, true, 1);
	off = ntske_put(b, off, sizeof(b), NTSKE_END, true, NULL, 0);
	CHECK(ntske_parse(b, off, NTSKE_FROM_CLIENT, &m) == NTSKE_BAD_RECORD);
	CHECK(ntske_parse(b, off, NTSKE_FROM_SERVER, &m) == NTSKE_OK &&
	      m.have_error && m.error == 1);
	off = ntske_put(b, 0, sizeof(b), NTSKE_COOKIE, false, cookie, 100);
	off = ntske_put(b, off, sizeof(b), NTSKE_END, true, NULL, 0);
	CHECK(ntske_parse(b, off, NTSKE_FROM_CLIENT, &m) == NTSKE_BAD_RECORD);
	CHECK(ntske_parse(b, off, NTSKE_FROM_SERVER, &m) == NTSKE_OK &&
	      m.n_cookies == 1 && m.cookie_len[0] == 100);
	/* Port of the wrong size, server name with a space or empty. */
	off = ntske_put(b, 0, sizeof(b), NTSKE_PORT_REC, false, "abc", 3);
	off = ntske_put(b, off, sizeof(b), NTSKE_END, true, NULL, 0);
	CHECK(ntske_parse(b, off, NTSKE_FROM_SERVER, &m) == NTSKE_BAD_RECORD);
	off = ntske_put(b, 0, sizeof(b), NTSKE_SERVER, false, "a b", 3);
	off = ntske_put(b, off, sizeof(b), NTSKE_END, true, NULL, 0);
	CHECK(ntske_parse(b, off, NTSKE_FROM_SERVER, &m) == NTSKE_BAD_RECORD);
	off = ntske_put(b, 0, sizeof(b), NTSKE_SERVER, false, NULL, 0);
	off = ntske_put(b, off, sizeof(b), NTSKE_END, true, NULL, 0);
	CHECK(ntske_parse(b, off, NTSKE_FROM_SERVER, &m) == NTSKE_BAD_RECORD);
	/* Oversized: one record claiming more than a request may be. */
	b[0] = 0x40;
	b[1] = 0x00;
	b[2] = 0x04;
	b[3] = 0x00;
	CHECK(ntske_parse(b, 4, NTSKE_FROM_CLIENT, &m) == NTSKE_TOO_LONG);
	CHECK(ntske_parse(b, 4, NTSKE_FROM_SERVER, &m) == NTSKE_INCOMPLETE);
	/* Many small unknown records up to the limit. */
	for (off = 0, i = 0; off + 4 <= NTSKE_MAX_REQUEST + 4; i++)
		off = ntske_put(b, off, sizeof(b), 0x4001, false, NULL, 0);
	CHECK(ntske_parse(b, off, NTSKE_FROM_CLIENT, &m) == NTSKE_TOO_LONG);
	/* Cookies: too long, not a multiple of 4; more than 8 are dropped. */
	off = ntske_put(b, 0, sizeof(b), NTSKE_COOKIE, false, b + 4000, 260);
	off = ntske_put(b, off, sizeof(b), NTSKE_END, true, NULL, 0);
	CHECK(ntske_parse(b, off, NTSKE_FROM_SERVER, &m) == NTSKE_BAD_RECORD);
	off = ntske_put(b, 0, sizeof(b), NTSKE_COOKIE, false, cookie, 99);
	off = ntske_put(b, off, sizeof(b), NTSKE_END, true, NULL, 0);
	CHECK(ntske_parse(b, off, NTSKE_FROM_SERVER, &m) == NTSKE_BAD_RECORD);
	for (off = 0, i = 0; i < 12; i++)
		off = ntske_put(b, off, sizeof(b), NTSKE_COOKIE, false, cookie,
				100);
	off = ntske_put(b, off, sizeof(b), NTSKE_END, true, NULL, 0);
	CHECK(ntske_parse(b, off, NTSKE_FROM_SERVER, &m) == NTSKE_OK &&
	      m.n_cookies == NTS_MAX_COOKIES);
	/* The writer refuses what does not fit. */
	CHECK(ntske_put(b, 0, 3, NTSKE_END, true, NULL, 0) == 0);
	CHECK(ntske_put(b, 0, 5, NTSKE_SERVER, true, "ab", 2) == 0);
	CHECK(ntske_put(b, 10, 5, NTSKE_END, true, NULL, 0) == 0);
	for (i = 0; i < NTSKE_PARSE_RESULTS; i++)
		CHECK(strcmp(ntske_parse_result_name(i), "unknown"));
}

/* Random octets: the parser answers, and its answer is consistent. */
static void test_parse_random(void)
{
	static struct ntske_msg m;
	uint8_t b[512];
	unsigned int i, seen[NTSKE_PARSE_RESULTS] = { 0 };
	size_t j;

	rng_seed(0x17e5a2b3c4d5e6f7ULL);
	for (i = 0; i < 100000; i++) {
		enum ntske_parse_result res;
		size_t len = good_request(b, sizeof(b));

		if (rng_below(2)) {
			len = rng_below(sizeof(b));
			for (j = 0; j < len; j++)
				b[j] = (uint8_t)(rng_below(4) ? rng_below(8) : rng_next());
		} else {
			b[rng_below((uint32_t)len)] ^= (uint8_t)rng_next();
		}
		res = ntske_parse(b, len, i & 1 ? NTSKE_FROM_SERVER :
						  NTSKE_FROM_CLIENT, &m);
		if ((unsigned int)res >= NTSKE_PARSE_RESULTS) {
			CHECK(!"result out of range");
			continue;
		}
		seen[res]++;
		if (res == NTSKE_OK)
			CHECK(m.len == len && m.n_cookies <= NTS_MAX_COOKIES);
	}
	printf("# ok %u, incomplete %u, too long %u, bad %u, critical %u\n",
	       seen[0], seen[1], seen[2], seen[3], seen[4]);
	CHECK(seen[NTSKE_OK] && seen[NTSKE_INCOMPLETE] && seen[NTSKE_BAD_RECORD] &&
	      seen[NTSKE_UNKNOWN_CRITICAL]);
}

/* The server on 127.0.0.1 ------------------------------------------------- */

static char dir[64], cert[128], key[128];
static struct ntske_server srv;
static struct nts_keystore ks;
static uint16_t port;
static volatile int stop;
static pthread_t thread;
static bool have_server;

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *serve(void *arg)
{
	struct pollfd pfd[NTSKE_POLLFDS];

	(void)arg;
	while (!stop) {
		int n = ntske_server_pollfds(&srv, pfd);

		if (poll(pfd, (nfds_t)n, 20) < 0 && errno != EINTR)
			break;
		ntske_server_process(&srv, pfd, n, mono());
	}
	return NULL;
}

static int make_cert(void)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd),
		 "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
		 "-nodes -days 2 -subj /CN=localhost "
		 "-addext subjectAltName=DNS:localhost,IP:127.0.0.1 "
		 "-keyout %s -out %s >/dev/null 2>&1", key, cert);
	return system(cmd);
}

static void test_server_start(void)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	char err[512];

	CHECKF(!make_cert(), "openssl req failed");
	ks.mks.n = 2;
	ks.mks.key[0].id = 77;
	ks.mks.key[1].id = 76;
	ops.random(ops.ctx, ks.mks.key[0].key, NTS_KEY_LEN);
	ops.random(ops.ctx, ks.mks.key[1].key, NTS_KEY_LEN);
	srv.ops = &ops;
	srv.keys = &ks;
	srv.timeout = 1.0;
	/* Bad paths are refused with the reason. */
	CHECK(ntske_server_open(&srv, "/nonexistent", key, "127.0.0.1", 0,
				err, sizeof(err)) == -1);
	CHECKF(strstr(err, "certificate"), "%s", err);
	CHECK(ntske_server_open(&srv, cert, cert, "127.0.0.1", 0, err,
				sizeof(err)) == -1);
	CHECKF(ntske_server_open(&srv, cert, key, "127.0.0.1", 0, err,
				 sizeof(err)) == 0, "%s", err);
	CHECK(srv.lfd[0] >= 0 && srv.lfd[1] < 0);
	CHECK(!getsockname(srv.lfd[0], (struct sockaddr *)&a, &alen));
	port = ntohs(a.sin_port);
	CHECK(port != 0);
	have_server = !pthread_create(&thread, NULL, serve, NULL);
	CHECK(have_server);
}

static int tcp_connect(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port) };
	struct timeval tv = { 3, 0 };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

struct client {
	const char *alpn;		/* NULL: offer none */
	int max_version;		/* 0: any */
	bool handshake_ok;
	struct nts_session_keys keys;
	uint8_t resp[NTSKE_MAX_MESSAGE];
	size_t resp_len;
};

/* One NTS-KE exchange as a client; the response is what arrived. */
static void exchange(struct client *c, const uint8_t *req, size_t len)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	SSL *ssl;
	int fd = tcp_connect();
	size_t got;

	c->handshake_ok = false;
	c->resp_len = 0;
	SSL_CTX_load_verify_locations(ctx, cert, NULL);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (c->max_version)
		SSL_CTX_set_max_proto_version(ctx, c->max_version);
	ssl = SSL_new(ctx);
	SSL_set_fd(ssl, fd);
	SSL_set_tlsext_host_name(ssl, "localhost");
	SSL_set1_host(ssl, "localhost");
	if (c->alpn) {
		uint8_t wire[32];
		size_t l = strlen(c->alpn);

		wire[0] = (uint8_t)l;
		memcpy(wire + 1, c->alpn, l);
		SSL_set_alpn_protos(ssl, wire, (unsigned int)l + 1);
	}
	if (SSL_connect(ssl) == 1) {
		uint8_t ctxt[5];

		c->handshake_ok = true;
		ntske_exporter_context(ctxt, false);
		SSL_export_keying_material(ssl, c->keys.c2s, 32,
					   NTSKE_EXPORTER_LABEL,
					   strlen(NTSKE_EXPORTER_LABEL), ctxt,
					   5, 1);
		ntske_exporter_context(ctxt, true);
		SSL_export_keying_material(ssl, c->keys.s2c, 32,
					   NTSKE_EXPORTER_LABEL,
					   strlen(NTSKE_EXPORTER_LABEL), ctxt,
					   5, 1);
		if (len)
			SSL_write(ssl, req, (int)len);
		while (c->resp_len < sizeof(c->resp) &&
		       SSL_read_ex(ssl, c->resp + c->resp_len,
				   sizeof(c->resp) - c->resp_len, &got) == 1)
			c->resp_len += got;
	}
	ERR_clear_error();
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	close(fd);
}

static void test_full_handshake(void)
{
	static struct client c = { .alpn = NTSKE_ALPN };
	static struct ntske_msg m;
	struct nts_session_keys back;
	uint8_t req[64];
	uint64_t before = srv.stats.handshakes;
	unsigned int i;

	exchange(&c, req, good_request(req, sizeof(req)));
	CHECK(c.handshake_ok);
	CHECK(ntske_parse(c.resp, c.resp_len, NTSKE_FROM_SERVER, &m) == NTSKE_OK);
	CHECK(m.have_protocols && m.ntpv4 && m.n_protocols == 1);
	CHECK(m.have_aead && m.aead_siv && m.n_aeads == 1);
	CHECK(!m.have_error && !m.have_server && !m.have_port);
	CHECKF(m.n_cookies == NTS_MAX_COOKIES, "%u cookies", m.n_cookies);
	for (i = 0; i < m.n_cookies; i++) {
		CHECK(m.cookie_len[i] == NTS_COOKIE_LEN);
		CHECK(nts_cookie_open(&ops, &ks.mks, m.cookie[i],
				      m.cookie_len[i], &back) == NTS_OK);
		/* The server sealed the keys this client exported. */
		CHECK(!memcmp(&back, &c.keys, sizeof(back)));
	}
	CHECK(memcmp(c.keys.c2s, c.keys.s2c, NTS_KEY_LEN));
	CHECK(srv.stats.handshakes == before + 1);

	/* With the negotiation records configured. */
	snprintf(srv.ntp_server, sizeof(srv.ntp_server), "time.example");
	srv.ntp_port = 1123;
	exchange(&c, req, good_request(req, sizeof(req)));
	CHECK(ntske_parse(c.resp, c.resp_len, NTSKE_FROM_SERVER, &m) == NTSKE_OK);
	CHECK(m.have_server && !strcmp(m.server, "time.example") &&
	      m.have_port && m.port == 1123 && m.n_cookies == 8);
	srv.ntp_server[0] = 0;
	srv.ntp_port = 0;
}

static void expect_error(const uint8_t *req, size_t len, uint16_t code,
			 const char *what)
{
	static struct client c = { .alpn = NTSKE_ALPN };
	static struct ntske_msg m;

	exchange(&c, req, len);
	CHECKF(c.handshake_ok, "%s: handshake", what);
	CHECKF(ntske_parse(c.resp, c.resp_len, NTSKE_FROM_SERVER, &m) ==
	       NTSKE_OK && m.have_error && m.error == code && !m.n_cookies,
	       "%s: no error %u (%zu octets)", what, code, c.resp_len);
}

static void test_bad_requests(void)
{
	static struct client c = { .alpn = NTSKE_ALPN };
	static struct ntske_msg m;
	uint8_t req[2048];
	size_t off;
	uint64_t bad = srv.stats.bad_requests;

	off = ntske_put(req, 0, sizeof(req), 0x2222, true, NULL, 0);
	off = ntske_put(req, off, sizeof(req), NTSKE_END, true, NULL, 0);
	expect_error(req, off, NTSKE_ERR_UNRECOGNIZED_CRITICAL, "critical");
	off = ntske_put_u16(req, 0, sizeof(req), NTSKE_AEAD, true, 15);
	off = ntske_put(req, off, sizeof(req), NTSKE_END, true, NULL, 0);
	expect_error(req, off, NTSKE_ERR_BAD_REQUEST, "no next protocol");
	off = ntske_put_u16(req, 0, sizeof(req), NTSKE_NEXT_PROTOCOL, true, 0);
	off = ntske_put(req, off, sizeof(req), NTSKE_END, true, NULL, 0);
	expect_error(req, off, NTSKE_ERR_BAD_REQUEST, "no AEAD");
	off = good_request(req, sizeof(req));
	req[off - 4] = 0;		/* End of Message not critical */
	expect_error(req, off, NTSKE_ERR_BAD_REQUEST, "EOM not critical");
	/* A request that never ends within the limit. */
	for (off = 0; off < 1100;)
		off = ntske_put(req, off, sizeof(req), 0x4001, false, NULL, 0);
	expect_error(req, off, NTSKE_ERR_BAD_REQUEST, "oversized");
	/* One record claiming 60000 octets. */
	req[0] = 0x40;
	req[1] = 1;
	req[2] = 0xea;
	req[3] = 0x60;
	expect_error(req, 4, NTSKE_ERR_BAD_REQUEST, "oversized record");
	CHECK(srv.stats.bad_requests == bad + 6);

	/* Nothing in common: empty records, no cookies. */
	off = ntske_put_u16(req, 0, sizeof(req), NTSKE_NEXT_PROTOCOL, true, 5);
	off = ntske_put_u16(req, off, sizeof(req), NTSKE_AEAD, true, 15);
	off = ntske_put(req, off, sizeof(req), NTSKE_END, true, NULL, 0);
	exchange(&c, req, off);
	CHECK(ntske_parse(c.resp, c.resp_len, NTSKE_FROM_SERVER, &m) == NTSKE_OK &&
	      m.have_protocols && m.n_protocols == 0 && !m.n_cookies);
	off = ntske_put_u16(req, 0, sizeof(req), NTSKE_NEXT_PROTOCOL, true, 0);
	off = ntske_put_u16(req, off, sizeof(req), NTSKE_AEAD, true, 1);
	off = ntske_put(req, off, sizeof(req), NTSKE_END, true, NULL, 0);
	exchange(&c, req, off);
	CHECK(ntske_parse(c.resp, c.resp_len, NTSKE_FROM_SERVER, &m) == NTSKE_OK &&
	      m.ntpv4 && m.have_aead && m.n_aeads == 0 && !m.n_cookies);
	CHECK(srv.stats.negotiation_failed >= 2);

	/* A truncated request, then the client closes: no answer. */
	off = good_request(req, sizeof(req));
	{
		uint64_t before = srv.stats.bad_requests;
		static struct client t = { .alpn = NTSKE_ALPN };

		exchange(&t, req, off - 2);	/* waits for the timeout */
		CHECK(t.handshake_ok && t.resp_len == 0);
		CHECK(srv.stats.timeouts >= 1 ||
		      srv.stats.bad_requests == before + 1);
	}
}

static void test_tls_refusals(void)
{
	static struct client c;
	uint8_t req[64];
	size_t len = good_request(req, sizeof(req));
	uint64_t failed = srv.stats.tls_failed, no_alpn = srv.stats.no_alpn;
	uint64_t done = srv.stats.handshakes;

	/* TLS 1.2: refused in the handshake. */
	c = (struct client){ .alpn = NTSKE_ALPN, .max_version = TLS1_2_VERSION };
	exchange(&c, req, len);
	CHECK(!c.handshake_ok && !c.resp_len);
	/* The wrong ALPN: a fatal alert. */
	c = (struct client){ .alpn = "http/1.1" };
	exchange(&c, req, len);
	CHECK(!c.handshake_ok && !c.resp_len);
	/* No ALPN at all: closed after the handshake, nothing said. */
	c = (struct client){ .alpn = NULL };
	exchange(&c, req, len);
	CHECK(!c.resp_len);
	usleep(100000);
	CHECKF(srv.stats.tls_failed == failed + 2, "tls_failed %lu",
	       (unsigned long)(srv.stats.tls_failed - failed));
	CHECK(srv.stats.no_alpn == no_alpn + 1);
	CHECK(srv.stats.handshakes == done);
}

/* Idle connections time out; beyond the cap they are closed at once. */
static void test_limits(void)
{
	int fd[NTSKE_MAX_CONNS + 4], i, n = 0;
	uint64_t busy = srv.stats.refused_busy, timeouts = srv.stats.timeouts;
	static struct client c = { .alpn = NTSKE_ALPN };
	static struct ntske_msg m;
	uint8_t req[64], x;

	for (i = 0; i < (int)ARRAY_SIZE(fd); i++) {
		fd[i] = tcp_connect();
		n += fd[i] >= 0;
	}
	CHECK(n == (int)ARRAY_SIZE(fd));
	usleep(300000);
	CHECKF(srv.stats.refused_busy == busy + 4, "refused %lu",
	       (unsigned long)(srv.stats.refused_busy - busy));
	/* The refused ones see their connection closed. */
	CHECK(read(fd[ARRAY_SIZE(fd) - 1], &x, 1) == 0);
	usleep(1200000);		/* srv.timeout is 1 s */
	CHECK(srv.stats.timeouts == timeouts + NTSKE_MAX_CONNS);
	CHECK(read(fd[0], &x, 1) == 0);
	for (i = 0; i < (int)ARRAY_SIZE(fd); i++)
		close(fd[i]);
	/* And the server still works. */
	exchange(&c, req, good_request(req, sizeof(req)));
	CHECK(ntske_parse(c.resp, c.resp_len, NTSKE_FROM_SERVER, &m) ==
	      NTSKE_OK && m.n_cookies == 8);
}

/* The daemon's NTS client against the server, both driven here. */
static bool run_client(struct nts_client *c, double limit)
{
	double end = mono() + limit;
	bool done = false;

	while (!done && mono() < end) {
		struct pollfd pfd;
		double now = mono();

		if (nts_client_pollfd(c, now, &pfd) < 0) {
			if (c->state == NTSC_IDLE && c->stats.handshake_failures)
				return false;
			usleep(10000);
			continue;
		}
		poll(&pfd, 1, 50);
		done = nts_client_process(c, pfd.revents, mono());
	}
	return done;
}

static struct sockaddr_storage loopback(uint16_t p)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *a = (struct sockaddr_in *)&ss;

	a->sin_family = AF_INET;
	a->sin_port = htons(p);
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return ss;
}

static void test_client(void)
{
	static struct nts_client c;
	static uint8_t req[2048], out[2048];
	struct sockaddr_storage ss = loopback(123);
	struct nts_session_keys back;
	struct nts_server_req sr;
	struct ntp_header h = { .version = 4, .mode = NTP_MODE_CLIENT };
	struct ntp_packet pkt;
	char err[256] = "";
	size_t len, n;
	unsigned int i;

	CHECKF(!nts_client_setup(cert, err, sizeof(err)), "%s", err);
	nts_client_init(&c, "localhost", &ss, sizeof(struct sockaddr_in));
	/* The KE port is the server's, here not 4460. */
	((struct sockaddr_in *)&c.ke_addr)->sin_port = htons(port);
	CHECK(!nts_client_ready(&c));
	CHECK(run_client(&c, 5.0));
	CHECK(nts_client_ready(&c) && c.n_cookies == 8 && c.stats.handshakes == 1);
	CHECK(nts_cookie_open(&ops, &ks.mks, c.cookie[0], c.cookie_len[0],
			      &back) == NTS_OK &&
	      !memcmp(&back, &c.keys, sizeof(back)));

	/* Eight exchanges: each spends a cookie and gets one back. */
	for (i = 0; i < 8; i++) {
		ntp_write_header(req, &h);
		len = nts_client_build(&c, req, sizeof(req));
		CHECK(len == 48 + 36 + 104 + 40 && c.n_cookies == 7);
		CHECK(ntp_parse(req, len, &pkt) == NTP_PARSE_OK);
		CHECK(nts_server_verify(&ops, &ks.mks, req, &pkt, &sr, out,
					len) == NTS_OK);
		ntp_write_header(out, &h);
		n = nts_server_seal(&ops, &ks.mks, req, &sr, out, len);
		nts_server_done(&sr);
		CHECK(n == len && ntp_parse(out, n, &pkt) == NTP_PARSE_OK);
		CHECK(nts_client_check(&c, out, &pkt, mono()) == NTS_OK);
		CHECK(c.n_cookies == 8);
		/* A replay of the same response is refused. */
		CHECK(nts_client_check(&c, out, &pkt, mono()) != NTS_OK);
	}
	/* With one cookie left, placeholders ask for the other seven. */
	c.n_cookies = 1;
	ntp_write_header(req, &h);
	len = nts_client_build(&c, req, sizeof(req));
	CHECK(len == 48 + 36 + 8 * 104 + 40);
	CHECK(ntp_parse(req, len, &pkt) == NTP_PARSE_OK && pkt.n_ef == 10);
	CHECK(nts_server_verify(&ops, &ks.mks, req, &pkt, &sr, out, len) ==
	      NTS_OK);
	ntp_write_header(out, &h);
	n = nts_server_seal(&ops, &ks.mks, req, &sr, out, len);
	nts_server_done(&sr);
	CHECK(ntp_parse(out, n, &pkt) == NTP_PARSE_OK);
	CHECK(nts_client_check(&c, out, &pkt, mono()) == NTS_OK &&
	      c.n_cookies == 8);

	/* A tampered response is not used; a NAK means a new exchange. */
	ntp_write_header(req, &h);
	len = nts_client_build(&c, req, sizeof(req));
	CHECK(ntp_parse(req, len, &pkt) == NTP_PARSE_OK);
	ks.mks.key[0].id = 78;		/* the server forgot our cookie's key */
	ks.mks.key[1].id = 79;
	CHECK(nts_server_verify(&ops, &ks.mks, req, &pkt, &sr, out, len) ==
	      NTS_BAD_COOKIE);
	ntp_kod_reply(&pkt.hdr, NTS_KISS_NTSN, &h);
	ntp_write_header(out, &h);
	n = nts_server_nak(req, &sr, out, len);
	CHECK(ntp_parse(out, n, &pkt) == NTP_PARSE_OK);
	out[8] ^= 1;	/* the header is not authenticated in a NAK... */
	CHECK(nts_client_check(&c, out, &pkt, mono()) == NTS_BAD_COOKIE);
	CHECK(!nts_client_ready(&c) && c.stats.naks == 1);
	CHECK(run_client(&c, 5.0) && c.n_cookies == 8);
	CHECK(c.stats.handshakes == 2);
	nts_client_free(&c);

	/* A certificate for another name: refused, backs off. */
	nts_client_init(&c, "ntp.example.org", &ss, sizeof(struct sockaddr_in));
	((struct sockaddr_in *)&c.ke_addr)->sin_port = htons(port);
	CHECK(!run_client(&c, 5.0));
	CHECK(!nts_client_ready(&c) && c.stats.handshake_failures == 1 &&
	      c.next_try > mono() + 1);
	nts_client_free(&c);
	/* The address is in the certificate too. */
	nts_client_init(&c, "127.0.0.1", &ss, sizeof(struct sockaddr_in));
	((struct sockaddr_in *)&c.ke_addr)->sin_port = htons(port);
	CHECK(run_client(&c, 5.0) && c.n_cookies == 8);
	nts_client_free(&c);
	/* Nobody listening. */
	nts_client_init(&c, "localhost", &ss, sizeof(struct sockaddr_in));
	((struct sockaddr_in *)&c.ke_addr)->sin_port = htons(1);
	CHECK(!run_client(&c, 5.0) && c.stats.handshake_failures == 1);
	nts_client_free(&c);
	nts_client_cleanup();

	/* Against the system's CA store our throwaway certificate fails. */
	CHECK(!nts_client_setup(NULL, err, sizeof(err)));
	nts_client_init(&c, "localhost", &ss, sizeof(struct sockaddr_in));
	((struct sockaddr_in *)&c.ke_addr)->sin_port = htons(port);
	CHECK(!run_client(&c, 5.0) && c.stats.handshake_failures == 1);
	nts_client_free(&c);
	nts_client_cleanup();
}

static void test_server_stop(void)
{
	stop = 1;
	if (have_server)
		pthread_join(thread, NULL);
	ntske_server_close(&srv);
	CHECK(srv.lfd[0] < 0 && !srv.ctx);
}

static const struct ktap_case cases[] = {
	{ "records: good requests", test_parse_good },
	{ "records: malformed and oversized", test_parse_bad },
	{ "records: 100000 random messages", test_parse_random },
	{ "server: start on 127.0.0.1", test_server_start },
	{ "server: full handshake, cookies carry the exported keys", test_full_handshake },
	{ "server: error records for bad requests", test_bad_requests },
	{ "server: TLS 1.2, wrong and missing ALPN refused", test_tls_refusals },
	{ "server: timeout and connection cap", test_limits },
	{ "client: handshake, cookies, NAK, name checks", test_client },
	{ "server: stop", test_server_stop },
};

int main(void)
{
	char cmd[128];
	int ret;

	signal(SIGPIPE, SIG_IGN);	/* as the daemon does */
	if (nts_siv_init(&ops)) {
		printf("Bail out! OpenSSL has no AES-128-SIV\n");
		return 1;
	}
	snprintf(dir, sizeof(dir), "/tmp/test_ntske.XXXXXX");
	if (!mkdtemp(dir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	ret = ktap_run_cases(cases, ARRAY_SIZE(cases));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		ret = 1;
	nts_siv_uninit(&ops);
	return ret;
}
