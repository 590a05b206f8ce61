/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ntske_server.h - the NTS-KE server (RFC 8915 section 4): TLS 1.3 only,
 * ALPN "ntske/1", non-blocking in the daemon's poll loop.  Each connection
 * is one request and one response: eight cookies sealed under the current
 * master key, with the C2S and S2C keys exported from the TLS session.
 * At most NTSKE_MAX_CONNS at once, each closed NTSKE_TIMEOUT seconds after
 * it was accepted whatever its state.
 */
#ifndef NTPSECD_NTSKE_SERVER_H
#define NTPSECD_NTSKE_SERVER_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <openssl/ssl.h>

#include "ntske.h"
#include "nts_keys.h"

#define NTSKE_MAX_CONNS		32
#define NTSKE_TIMEOUT		5.0	/* seconds, accept to close */
#define NTSKE_POLLFDS		(2 + NTSKE_MAX_CONNS)

enum ntske_conn_state {
	NTSKE_CONN_FREE = 0,
	NTSKE_CONN_HANDSHAKE,
	NTSKE_CONN_READ,
	NTSKE_CONN_WRITE,
};

struct ntske_conn {
	enum ntske_conn_state state;
	int fd;
	SSL *ssl;
	short events;			/* what SSL waits for */
	double deadline;
	size_t len, sent;
	uint8_t buf[NTSKE_MAX_MESSAGE];
};

/* Counted for ntpsecctl; one per outcome of a connection. */
struct ntske_stats {
	uint64_t accepted;
	uint64_t refused_busy;		/* NTSKE_MAX_CONNS open already */
	uint64_t handshakes;		/* key exchanges completed */
	uint64_t cookies;		/* cookies issued */
	uint64_t tls_failed;		/* handshake failed (TLS 1.2, ALPN...) */
	uint64_t no_alpn;		/* no "ntske/1" negotiated */
	uint64_t bad_requests;		/* answered with an Error record */
	uint64_t negotiation_failed;	/* no NTPv4 or no AEAD 15 offered */
	uint64_t timeouts;
	uint64_t internal_errors;
};

struct ntske_server {
	SSL_CTX *ctx;
	int lfd[2];			/* listening sockets, or -1 */
	const struct nts_aead_ops *ops;
	const struct nts_keystore *keys;
	/* Sent as NTPv4 Server and Port Negotiation when set. */
	char ntp_server[NTSKE_MAX_SERVER_NAME + 1];
	uint16_t ntp_port;		/* 0: none sent */
	double timeout;
	struct ntske_conn conn[NTSKE_MAX_CONNS];
	struct ntske_stats stats;
};

/*
 * Loads the certificate chain and key and listens on @port of @addr (an
 * IPv4 or IPv6 literal), or of both wildcard addresses if @addr is NULL.
 * 0, or -1 with @err.
 */
int ntske_server_open(struct ntske_server *s, const char *cert,
		      const char *key, const char *addr, uint16_t port,
		      char *err, size_t errlen);
void ntske_server_close(struct ntske_server *s);
/* The descriptors to poll; returns how many were written to @pfd. */
int ntske_server_pollfds(const struct ntske_server *s, struct pollfd *pfd);
/* Works on what @pfd (with revents) says is ready; @now is monotonic. */
void ntske_server_process(struct ntske_server *s, const struct pollfd *pfd,
			  int n, double now);
/* The earliest connection deadline, or @later if none is sooner. */
double ntske_server_deadline(const struct ntske_server *s, double later);

/* The response to a parsed request (also for the tests and fuzzing). */
size_t ntske_server_response(struct ntske_server *s,
			     enum ntske_parse_result res,
			     const struct ntske_msg *req,
			     const struct nts_session_keys *keys,
			     uint8_t *out, size_t cap);

#endif
