// SPDX-License-Identifier: BSD-2-Clause
/*
 * nts_client.c - NTS for one upstream: the NTS-KE client on OpenSSL 3,
 * non-blocking (connect, TLS handshake, request, response), and the NTP
 * side through the shared code in user/wire/nts_wire.c.
 */

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "log.h"
#include "nts_client.h"
#include "nts_siv.h"

#define KE_TIMEOUT	10.0
#define BACKOFF_MIN	2.0
#define BACKOFF_MAX	3600.0
/* An NTS request with seven placeholders is under 1 KiB. */
#define REQUEST_MAX	1280

static SSL_CTX *client_ctx;
static struct nts_aead_ops client_ops;
static const unsigned char alpn_wire[] = "\x07" NTSKE_ALPN;

int nts_client_setup(const char *ca, char *err, size_t errlen)
{
	struct stat st;
	int ok;

	if (client_ctx)
		return 0;
	if (nts_siv_init(&client_ops)) {
		snprintf(err, errlen, "NTS: no AES-SIV in this OpenSSL");
		return -1;
	}
	client_ctx = SSL_CTX_new(TLS_client_method());
	if (!client_ctx)
		goto fail;
	SSL_CTX_set_min_proto_version(client_ctx, TLS1_3_VERSION);
	SSL_CTX_set_verify(client_ctx, SSL_VERIFY_PEER, NULL);
	if (!ca || !ca[0])
		ok = SSL_CTX_set_default_verify_paths(client_ctx);
	else if (!stat(ca, &st) && S_ISDIR(st.st_mode))
		ok = SSL_CTX_load_verify_locations(client_ctx, NULL, ca);
	else
		ok = SSL_CTX_load_verify_locations(client_ctx, ca, NULL);
	if (ok != 1) {
		snprintf(err, errlen, "NTS: cannot load the CA certificates %s",
			 ca && ca[0] ? ca : "of the system");
		goto fail;
	}
	return 0;
fail:
	if (!err[0])
		snprintf(err, errlen, "NTS: cannot make a TLS context");
	nts_client_cleanup();
	return -1;
}

void nts_client_cleanup(void)
{
	SSL_CTX_free(client_ctx);
	client_ctx = NULL;
	nts_siv_uninit(&client_ops);
}

void nts_client_init(struct nts_client *c, const char *host,
		     const struct sockaddr_storage *addr, socklen_t addrlen)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->host, sizeof(c->host), "%s", host);
	c->ke_addr = *addr;
	c->ke_addrlen = addrlen;
	if (addr->ss_family == AF_INET)
		((struct sockaddr_in *)&c->ke_addr)->sin_port = htons(NTSKE_PORT);
	else
		((struct sockaddr_in6 *)&c->ke_addr)->sin6_port = htons(NTSKE_PORT);
	c->fd = -1;
	c->backoff = BACKOFF_MIN;
}

static void end_handshake(struct nts_client *c)
{
	if (c->ssl)
		SSL_free(c->ssl);
	if (c->fd >= 0)
		close(c->fd);
	c->ssl = NULL;
	c->fd = -1;
	c->state = NTSC_IDLE;
	nts_wipe(c->buf, sizeof(c->buf));
}

void nts_client_free(struct nts_client *c)
{
	end_handshake(c);
	nts_wipe(c, sizeof(*c));
	c->fd = -1;
}

static void forget_keys(struct nts_client *c)
{
	nts_wipe(&c->keys, sizeof(c->keys));
	nts_wipe(c->cookie, sizeof(c->cookie));
	c->have_keys = false;
	c->n_cookies = 0;
	c->outstanding = false;
}

bool nts_client_ready(const struct nts_client *c)
{
	return c->have_keys && c->n_cookies > 0;
}

static void fail(struct nts_client *c, double now, const char *why)
{
	log_msg(LOG_WARNING, "NTS-KE %s: %s; next try in %.0f s", c->host, why,
		c->backoff);
	c->stats.handshake_failures++;
	end_handshake(c);
	c->next_try = now + c->backoff;
	c->backoff = c->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : c->backoff * 2;
}

static bool is_ip_literal(const char *host)
{
	uint8_t a[16];

	return inet_pton(AF_INET, host, a) == 1 ||
	       inet_pton(AF_INET6, host, a) == 1;
}

static void start(struct nts_client *c, double now)
{
	c->fd = socket(c->ke_addr.ss_family,
		       SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		fail(c, now, strerror(errno));
		return;
	}
	c->state = NTSC_CONNECTING;
	c->events = POLLOUT;
	c->deadline = now + KE_TIMEOUT;
	c->len = c->sent = 0;
	if (connect(c->fd, (struct sockaddr *)&c->ke_addr, c->ke_addrlen) &&
	    errno != EINPROGRESS)
		fail(c, now, strerror(errno));
}

static bool begin_tls(struct nts_client *c, double now)
{
	int soerr = 0;
	socklen_t len = sizeof(soerr);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) || soerr) {
		fail(c, now, strerror(soerr ? soerr : errno));
		return false;
	}
	c->ssl = SSL_new(client_ctx);
	if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1 ||
	    SSL_set_alpn_protos(c->ssl, alpn_wire, sizeof(alpn_wire) - 1)) {
		fail(c, now, "cannot set up TLS");
		return false;
	}
	/* The certificate must name the host we were told to trust. */
	if (is_ip_literal(c->host)) {
		if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl),
						  c->host) != 1) {
			fail(c, now, "cannot set up TLS");
			return false;
		}
	} else if (SSL_set_tlsext_host_name(c->ssl, c->host) != 1 ||
		   SSL_set1_host(c->ssl, c->host) != 1) {
		fail(c, now, "cannot set up TLS");
		return false;
	}
	SSL_set_connect_state(c->ssl);
	c->state = NTSC_HANDSHAKE;
	return true;
}

static bool wait_for(struct nts_client *c, int ret)
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

static void tls_fail(struct nts_client *c, double now, const char *what)
{
	char why[256];
	long v = SSL_get_verify_result(c->ssl);

	if (v != X509_V_OK)
		snprintf(why, sizeof(why), "%s: certificate: %s", what,
			 X509_verify_cert_error_string(v));
	else
		snprintf(why, sizeof(why), "%s: %s", what,
			 ERR_reason_error_string(ERR_peek_last_error()) ?
			 ERR_reason_error_string(ERR_peek_last_error()) :
			 "connection closed");
	ERR_clear_error();
	fail(c, now, why);
}

static bool handshake(struct nts_client *c, double now)
{
	const unsigned char *alpn;
	unsigned int alpn_len;
	int ret = SSL_do_handshake(c->ssl);
	size_t off;

	if (ret != 1) {
		if (wait_for(c, ret))
			return true;
		tls_fail(c, now, "TLS handshake failed");
		return false;
	}
	SSL_get0_alpn_selected(c->ssl, &alpn, &alpn_len);
	if (alpn_len != strlen(NTSKE_ALPN) ||
	    memcmp(alpn, NTSKE_ALPN, alpn_len)) {
		fail(c, now, "the server did not agree to ALPN ntske/1");
		return false;
	}
	off = ntske_put_u16(c->buf, 0, sizeof(c->buf), NTSKE_NEXT_PROTOCOL,
			    true, NTSKE_PROTO_NTPV4);
	off = ntske_put_u16(c->buf, off, sizeof(c->buf), NTSKE_AEAD, true,
			    NTS_AEAD_AES_SIV_CMAC_256);
	c->len = ntske_put(c->buf, off, sizeof(c->buf), NTSKE_END, true,
			   NULL, 0);
	c->sent = 0;
	c->state = NTSC_WRITE;
	c->events = POLLOUT;
	return true;
}

static bool write_request(struct nts_client *c, double now)
{
	size_t done;
	int ret = SSL_write_ex(c->ssl, c->buf + c->sent, c->len - c->sent,
			       &done);

	if (ret != 1) {
		if (wait_for(c, ret))
			return true;
		tls_fail(c, now, "cannot send the request");
		return false;
	}
	c->sent += done;
	if (c->sent < c->len)
		return true;
	c->len = 0;
	c->state = NTSC_READ;
	c->events = POLLIN;
	return true;
}

static int export_keys(struct nts_client *c)
{
	uint8_t ctx[5];

	ntske_exporter_context(ctx, false);
	if (SSL_export_keying_material(c->ssl, c->keys.c2s, NTS_KEY_LEN,
				       NTSKE_EXPORTER_LABEL,
				       strlen(NTSKE_EXPORTER_LABEL), ctx,
				       sizeof(ctx), 1) != 1)
		return -1;
	ntske_exporter_context(ctx, true);
	return SSL_export_keying_material(c->ssl, c->keys.s2c, NTS_KEY_LEN,
					  NTSKE_EXPORTER_LABEL,
					  strlen(NTSKE_EXPORTER_LABEL), ctx,
					  sizeof(ctx), 1) == 1 ? 0 : -1;
}

/* The server's answer: NTPv4, AEAD 15, cookies, or an error said. */
static bool take_response(struct nts_client *c, const struct ntske_msg *m,
			  double now)
{
	unsigned int i;

	if (m->have_error) {
		char why[128];

		snprintf(why, sizeof(why), "the server said: error %u (%s)",
			 m->error, ntske_error_name(m->error));
		fail(c, now, why);
		return false;
	}
	if (!m->have_protocols || m->n_protocols != 1 || !m->ntpv4 ||
	    !m->have_aead || m->n_aeads != 1 || !m->aead_siv ||
	    !m->n_cookies) {
		fail(c, now, "the server offers no NTPv4 with AEAD_AES_SIV_CMAC_256 and cookies");
		return false;
	}
	forget_keys(c);
	if (export_keys(c)) {
		fail(c, now, "cannot export the keys");
		return false;
	}
	for (i = 0; i < m->n_cookies; i++) {
		memcpy(c->cookie[i], m->cookie[i], m->cookie_len[i]);
		c->cookie_len[i] = m->cookie_len[i];
	}
	c->n_cookies = m->n_cookies;
	c->have_keys = true;
	snprintf(c->ntp_server, sizeof(c->ntp_server), "%s",
		 m->have_server ? m->server : "");
	c->ntp_port = m->have_port ? m->port : 0;
	c->negotiated = true;
	c->stats.handshakes++;
	c->backoff = BACKOFF_MIN;
	log_msg(LOG_INFO, "NTS-KE %s: %u cookies%s%s", c->host, c->n_cookies,
		m->have_server ? ", NTP server " : "",
		m->have_server ? m->server : "");
	end_handshake(c);
	return true;
}

static bool read_response(struct nts_client *c, double now, bool *done)
{
	static struct ntske_msg m;
	enum ntske_parse_result res;
	size_t got;

	for (;;) {
		int ret;

		if (c->len == sizeof(c->buf)) {
			fail(c, now, "response too long");
			return false;
		}
		ret = SSL_read_ex(c->ssl, c->buf + c->len,
				  sizeof(c->buf) - c->len, &got);
		if (ret != 1) {
			if (wait_for(c, ret))
				return true;
			tls_fail(c, now, "closed before the response ended");
			return false;
		}
		c->len += got;
		res = ntske_parse(c->buf, c->len, NTSKE_FROM_SERVER, &m);
		if (res == NTSKE_INCOMPLETE)
			continue;
		if (res != NTSKE_OK) {
			fail(c, now, ntske_parse_result_name(res));
			return false;
		}
		*done = take_response(c, &m, now);
		return false;
	}
}

int nts_client_pollfd(struct nts_client *c, double now, struct pollfd *pfd)
{
	if (c->state == NTSC_IDLE && !nts_client_ready(c) &&
	    now >= c->next_try && client_ctx)
		start(c, now);
	if (c->state == NTSC_IDLE)
		return -1;
	*pfd = (struct pollfd){ c->fd, c->events, 0 };
	return c->fd;
}

bool nts_client_process(struct nts_client *c, short revents, double now)
{
	enum nts_client_state before;
	bool more = true, done = false;

	if (c->state == NTSC_IDLE)
		return false;
	if (now >= c->deadline) {
		fail(c, now, "timed out");
		return false;
	}
	if (!revents)
		return false;
	do {
		before = c->state;
		switch (c->state) {
		case NTSC_CONNECTING:
			more = begin_tls(c, now);
			break;
		case NTSC_HANDSHAKE:
			more = handshake(c, now);
			break;
		case NTSC_WRITE:
			more = write_request(c, now);
			break;
		case NTSC_READ:
			more = read_response(c, now, &done);
			break;
		default:
			more = false;
			break;
		}
	} while (more && c->state != before);
	return done;
}

double nts_client_deadline(const struct nts_client *c, double later)
{
	double t = c->state != NTSC_IDLE ? c->deadline :
		   !nts_client_ready(c) ? c->next_try : later;

	return t < later ? t : later;
}

size_t nts_client_build(struct nts_client *c, uint8_t *buf, size_t cap)
{
	unsigned int k, ph;
	size_t len;

	if (!nts_client_ready(c))
		return 0;
	k = --c->n_cookies;
	/* Ask for as many as make eight again. */
	ph = NTS_MAX_COOKIES - 1 - c->n_cookies;
	if (cap > REQUEST_MAX)
		cap = REQUEST_MAX;
	if (client_ops.random(client_ops.ctx, c->uid, sizeof(c->uid)))
		return 0;
	do {
		len = nts_client_request(&client_ops, c->keys.c2s, c->uid,
					 c->cookie[k], c->cookie_len[k], ph,
					 buf, cap);
	} while (!len && ph--);
	nts_wipe(c->cookie[k], sizeof(c->cookie[k]));
	c->outstanding = len > 0;
	return len;
}

enum nts_result nts_client_check(struct nts_client *c, uint8_t *buf,
				 const struct ntp_packet *pkt, double now)
{
	static struct nts_client_resp resp;
	enum nts_result res;
	unsigned int i;

	if (!c->outstanding || !c->have_keys)
		return NTS_MALFORMED;
	res = nts_client_response(&client_ops, c->keys.s2c, c->uid, buf, pkt,
				  &resp);
	if (res == NTS_BAD_COOKIE) {
		/* Unauthenticated, but it echoes our unique identifier. */
		c->stats.naks++;
		log_msg(LOG_NOTICE, "NTS %s: NAK, new key exchange", c->host);
		forget_keys(c);
		c->next_try = now;
		return res;
	}
	if (res != NTS_OK) {
		c->stats.auth_failures++;
		return res;
	}
	c->outstanding = false;
	for (i = 0; i < resp.n_cookies && c->n_cookies < NTS_MAX_COOKIES; i++) {
		memcpy(c->cookie[c->n_cookies], resp.cookie[i],
		       resp.cookie_len[i]);
		c->cookie_len[c->n_cookies++] = resp.cookie_len[i];
	}
	nts_wipe(&resp, sizeof(resp));
	return NTS_OK;
}
