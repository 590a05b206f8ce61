// SPDX-License-Identifier: BSD-2-Clause
/*
 * ntske_server.c - the NTS-KE server on OpenSSL 3, non-blocking: every
 * connection is a small state machine (handshake, read the request, write
 * the response, close) driven by what poll() reports.
 */

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <openssl/err.h>

#include "log.h"
#include "ntske_server.h"

static const unsigned char alpn_wire[] = "\x07" NTSKE_ALPN;

/* Only "ntske/1": anything else ends the handshake with an alert. */
static int select_alpn(SSL *ssl, const unsigned char **out,
		       unsigned char *outlen, const unsigned char *in,
		       unsigned int inlen, void *arg)
{
	unsigned char *sel;

	(void)ssl;
	(void)arg;
	if (SSL_select_next_proto(&sel, outlen, alpn_wire,
				  sizeof(alpn_wire) - 1, in, inlen) !=
	    OPENSSL_NPN_NEGOTIATED)
		return SSL_TLSEXT_ERR_ALERT_FATAL;
	*out = sel;
	return SSL_TLSEXT_ERR_OK;
}

static void ssl_error(char *err, size_t errlen, const char *what,
		      const char *path)
{
	char why[256];

	ERR_error_string_n(ERR_get_error(), why, sizeof(why));
	snprintf(err, errlen, "NTS: %s %s: %s", what, path, why);
	ERR_clear_error();
}

static SSL_CTX *make_ctx(const char *cert, const char *key, char *err,
			 size_t errlen)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	if (!ctx) {
		ssl_error(err, errlen, "cannot make a TLS context", "");
		return NULL;
	}
	/* RFC 8915 section 3: TLS 1.3 or later, nothing older. */
	SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
	SSL_CTX_set_num_tickets(ctx, 0);
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
	SSL_CTX_set_alpn_select_cb(ctx, select_alpn, NULL);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		ssl_error(err, errlen, "cannot load the certificate", cert);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
		ssl_error(err, errlen, "cannot load the key", key);
		goto fail;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		ssl_error(err, errlen, "the key does not match the certificate",
			  key);
		goto fail;
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

static int listen_on(int family, const void *addr, uint16_t port)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6,
				   .sin6_port = htons(port) };
	struct sockaddr_in a4 = { .sin_family = AF_INET,
				  .sin_port = htons(port) };
	int fd, one = 1;

	if (family == AF_INET && addr)
		memcpy(&a4.sin_addr, addr, 4);
	if (family == AF_INET6 && addr)
		memcpy(&a6.sin6_addr, addr, 16);
	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    (family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one))) ||
	    (family == AF_INET ? bind(fd, (struct sockaddr *)&a4, sizeof(a4)) :
				 bind(fd, (struct sockaddr *)&a6, sizeof(a6))) ||
	    listen(fd, 64)) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int ntske_server_open(struct ntske_server *s, const char *cert,
		      const char *key, const char *addr, uint16_t port,
		      char *err, size_t errlen)
{
	uint8_t a[16];
	int i;

	s->lfd[0] = s->lfd[1] = -1;
	for (i = 0; i < NTSKE_MAX_CONNS; i++)
		s->conn[i] = (struct ntske_conn){ .fd = -1 };
	if (!s->timeout)
		s->timeout = NTSKE_TIMEOUT;
	s->ctx = make_ctx(cert, key, err, errlen);
	if (!s->ctx)
		return -1;
	if (addr && inet_pton(AF_INET, addr, a) == 1) {
		s->lfd[0] = listen_on(AF_INET, a, port);
	} else if (addr && inet_pton(AF_INET6, addr, a) == 1) {
		s->lfd[1] = listen_on(AF_INET6, a, port);
	} else if (addr) {
		snprintf(err, errlen, "NTS-KE: %s is not an address", addr);
		goto fail;
	} else {
		s->lfd[0] = listen_on(AF_INET, NULL, port);
		if (s->lfd[0] < 0)
			goto fail_listen;
		s->lfd[1] = listen_on(AF_INET6, NULL, port);
		/* A host without IPv6 still serves IPv4. */
		if (s->lfd[1] < 0 && errno != EAFNOSUPPORT)
			goto fail_listen;
		return 0;
	}
	if (s->lfd[0] < 0 && s->lfd[1] < 0)
		goto fail_listen;
	return 0;
fail_listen:
	snprintf(err, errlen, "NTS-KE: cannot listen on port %u: %s", port,
		 strerror(errno));
fail:
	ntske_server_close(s);
	return -1;
}

static void conn_close(struct ntske_conn *c)
{
	if (c->ssl)
		SSL_free(c->ssl);
	if (c->fd >= 0)
		close(c->fd);
	nts_wipe(c->buf, sizeof(c->buf));
	*c = (struct ntske_conn){ .fd = -1 };
}

void ntske_server_close(struct ntske_server *s)
{
	int i;

	for (i = 0; i < NTSKE_MAX_CONNS; i++)
		if (s->conn[i].state != NTSKE_CONN_FREE)
			conn_close(&s->conn[i]);
	for (i = 0; i < 2; i++) {
		if (s->lfd[i] >= 0)
			close(s->lfd[i]);
		s->lfd[i] = -1;
	}
	SSL_CTX_free(s->ctx);
	s->ctx = NULL;
}

int ntske_server_pollfds(const struct ntske_server *s, struct pollfd *pfd)
{
	int i, n = 0;

	for (i = 0; i < 2; i++)
		if (s->lfd[i] >= 0)
			pfd[n++] = (struct pollfd){ s->lfd[i], POLLIN, 0 };
	for (i = 0; i < NTSKE_MAX_CONNS; i++)
		if (s->conn[i].state != NTSKE_CONN_FREE)
			pfd[n++] = (struct pollfd){ s->conn[i].fd,
						    s->conn[i].events, 0 };
	return n;
}

double ntske_server_deadline(const struct ntske_server *s, double later)
{
	int i;

	for (i = 0; i < NTSKE_MAX_CONNS; i++)
		if (s->conn[i].state != NTSKE_CONN_FREE &&
		    s->conn[i].deadline < later)
			later = s->conn[i].deadline;
	return later;
}

static void accept_one(struct ntske_server *s, int lfd, double now)
{
	struct ntske_conn *c = NULL;
	int fd, i;

	fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	for (i = 0; i < NTSKE_MAX_CONNS && !c; i++)
		if (s->conn[i].state == NTSKE_CONN_FREE)
			c = &s->conn[i];
	if (!c) {
		/* Closing at once keeps the backlog moving under a flood. */
		s->stats.refused_busy++;
		close(fd);
		return;
	}
	c->ssl = SSL_new(s->ctx);
	if (!c->ssl || SSL_set_fd(c->ssl, fd) != 1) {
		s->stats.internal_errors++;
		SSL_free(c->ssl);
		c->ssl = NULL;
		close(fd);
		return;
	}
	SSL_set_accept_state(c->ssl);
	c->fd = fd;
	c->state = NTSKE_CONN_HANDSHAKE;
	c->events = POLLIN;
	c->deadline = now + s->timeout;
	c->len = c->sent = 0;
	s->stats.accepted++;
}

static int export_keys(SSL *ssl, struct nts_session_keys *k)
{
	uint8_t ctx[5];

	ntske_exporter_context(ctx, false);
	if (SSL_export_keying_material(ssl, k->c2s, NTS_KEY_LEN,
				       NTSKE_EXPORTER_LABEL,
				       strlen(NTSKE_EXPORTER_LABEL), ctx,
				       sizeof(ctx), 1) != 1)
		return -1;
	ntske_exporter_context(ctx, true);
	if (SSL_export_keying_material(ssl, k->s2c, NTS_KEY_LEN,
				       NTSKE_EXPORTER_LABEL,
				       strlen(NTSKE_EXPORTER_LABEL), ctx,
				       sizeof(ctx), 1) != 1)
		return -1;
	return 0;
}

size_t ntske_server_response(struct ntske_server *s,
			     enum ntske_parse_result res,
			     const struct ntske_msg *req,
			     const struct nts_session_keys *keys,
			     uint8_t *out, size_t cap)
{
	const struct nts_master_keys *mks = &s->keys->mks;
	uint8_t cookie[NTS_COOKIE_LEN];
	size_t off;
	int i;

	if (res == NTSKE_UNKNOWN_CRITICAL) {
		s->stats.bad_requests++;
		return ntske_error_response(out, cap,
					    NTSKE_ERR_UNRECOGNIZED_CRITICAL);
	}
	if (res != NTSKE_OK || !req->have_protocols || !req->have_aead) {
		s->stats.bad_requests++;
		return ntske_error_response(out, cap, NTSKE_ERR_BAD_REQUEST);
	}
	if (!keys || !mks->n) {
		s->stats.internal_errors++;
		return ntske_error_response(out, cap, NTSKE_ERR_INTERNAL);
	}
	/* RFC 8915 4.1.2 and 4.1.5: nothing in common, an empty record. */
	if (!req->ntpv4) {
		s->stats.negotiation_failed++;
		off = ntske_put(out, 0, cap, NTSKE_NEXT_PROTOCOL, true, NULL, 0);
		return ntske_put(out, off, cap, NTSKE_END, true, NULL, 0);
	}
	off = ntske_put_u16(out, 0, cap, NTSKE_NEXT_PROTOCOL, true,
			    NTSKE_PROTO_NTPV4);
	if (!req->aead_siv) {
		s->stats.negotiation_failed++;
		off = ntske_put(out, off, cap, NTSKE_AEAD, true, NULL, 0);
		return ntske_put(out, off, cap, NTSKE_END, true, NULL, 0);
	}
	off = ntske_put_u16(out, off, cap, NTSKE_AEAD, true,
			    NTS_AEAD_AES_SIV_CMAC_256);
	if (s->ntp_server[0])
		off = ntske_put(out, off, cap, NTSKE_SERVER, true,
				s->ntp_server, strlen(s->ntp_server));
	if (s->ntp_port)
		off = ntske_put_u16(out, off, cap, NTSKE_PORT_REC, true,
				    s->ntp_port);
	for (i = 0; i < NTS_MAX_COOKIES; i++) {
		if (nts_cookie_seal(s->ops, &mks->key[0], keys, cookie)) {
			s->stats.internal_errors++;
			return ntske_error_response(out, cap,
						    NTSKE_ERR_INTERNAL);
		}
		off = ntske_put(out, off, cap, NTSKE_COOKIE, false, cookie,
				sizeof(cookie));
	}
	off = ntske_put(out, off, cap, NTSKE_END, true, NULL, 0);
	if (off) {
		s->stats.handshakes++;
		s->stats.cookies += NTS_MAX_COOKIES;
	}
	return off;
}

/* SSL wants to read or write: poll for it. */
static bool wait_for(struct ntske_conn *c, int ret)
{
	switch (SSL_get_error(c->ssl, ret)) {
	case SSL_ERROR_WANT_READ:
		c->events = POLLIN;
		return true;
	case SSL_ERROR_WANT_WRITE:
		c->events = POLLOUT;
		return true;
	default:
		return false;
	}
}

static bool handshake(struct ntske_server *s, struct ntske_conn *c)
{
	const unsigned char *alpn;
	unsigned int alpn_len;
	int ret = SSL_do_handshake(c->ssl);

	if (ret != 1) {
		if (wait_for(c, ret))
			return true;
		s->stats.tls_failed++;
		ERR_clear_error();
		return false;
	}
	/* A client that offered no ALPN at all gets past the callback. */
	SSL_get0_alpn_selected(c->ssl, &alpn, &alpn_len);
	if (alpn_len != strlen(NTSKE_ALPN) ||
	    memcmp(alpn, NTSKE_ALPN, alpn_len)) {
		s->stats.no_alpn++;
		return false;
	}
	c->state = NTSKE_CONN_READ;
	c->events = POLLIN;
	return true;
}

static void respond(struct ntske_server *s, struct ntske_conn *c,
		    enum ntske_parse_result res, const struct ntske_msg *req)
{
	struct nts_session_keys keys;
	bool have_keys = res == NTSKE_OK && !export_keys(c->ssl, &keys);

	c->len = ntske_server_response(s, res, req, have_keys ? &keys : NULL,
				       c->buf, sizeof(c->buf));
	nts_wipe(&keys, sizeof(keys));
	c->sent = 0;
	c->state = NTSKE_CONN_WRITE;
	c->events = POLLOUT;
}

static bool read_request(struct ntske_server *s, struct ntske_conn *c)
{
	static struct ntske_msg req;
	enum ntske_parse_result res;
	size_t got;

	for (;;) {
		/* One octet past the limit tells an oversized request apart. */
		int ret = SSL_read_ex(c->ssl, c->buf + c->len,
				      NTSKE_MAX_REQUEST + 1 - c->len, &got);
		if (ret != 1) {
			if (wait_for(c, ret))
				return true;
			ERR_clear_error();
			s->stats.bad_requests++;	/* closed mid-request */
			return false;
		}
		c->len += got;
		res = ntske_parse(c->buf, c->len, NTSKE_FROM_CLIENT, &req);
		if (res != NTSKE_INCOMPLETE || c->len > NTSKE_MAX_REQUEST)
			break;
	}
	if (res == NTSKE_INCOMPLETE)
		res = NTSKE_TOO_LONG;
	respond(s, c, res, &req);
	return true;
}

static bool write_response(struct ntske_server *s, struct ntske_conn *c)
{
	size_t done;
	int ret;

	(void)s;
	if (!c->len)
		return false;
	ret = SSL_write_ex(c->ssl, c->buf + c->sent, c->len - c->sent, &done);
	if (ret != 1)
		return wait_for(c, ret);
	c->sent += done;
	if (c->sent < c->len)
		return true;
	/* Our close_notify; the client's is not waited for. */
	SSL_shutdown(c->ssl);
	return false;
}

/* Advances @c as far as it goes; false when it is finished or failed. */
static bool step(struct ntske_server *s, struct ntske_conn *c)
{
	enum ntske_conn_state before;
	bool more;

	do {
		before = c->state;
		switch (c->state) {
		case NTSKE_CONN_HANDSHAKE:
			more = handshake(s, c);
			break;
		case NTSKE_CONN_READ:
			more = read_request(s, c);
			break;
		case NTSKE_CONN_WRITE:
			more = write_response(s, c);
			break;
		default:
			more = false;
			break;
		}
	} while (more && c->state != before);
	return more;
}

void ntske_server_process(struct ntske_server *s, const struct pollfd *pfd,
			  int n, double now)
{
	int i, j;

	for (i = 0; i < n; i++) {
		if (!pfd[i].revents)
			continue;
		if (pfd[i].fd == s->lfd[0] || pfd[i].fd == s->lfd[1]) {
			accept_one(s, pfd[i].fd, now);
			continue;
		}
		for (j = 0; j < NTSKE_MAX_CONNS; j++) {
			struct ntske_conn *c = &s->conn[j];

			if (c->state == NTSKE_CONN_FREE || c->fd != pfd[i].fd)
				continue;
			if (!step(s, c))
				conn_close(c);
			break;
		}
	}
	for (j = 0; j < NTSKE_MAX_CONNS; j++) {
		if (s->conn[j].state != NTSKE_CONN_FREE &&
		    now >= s->conn[j].deadline) {
			s->stats.timeouts++;
			conn_close(&s->conn[j]);
		}
	}
}
