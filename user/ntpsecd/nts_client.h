/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nts_client.h - the NTS client of one upstream association ("server HOST
 * nts"): the NTS-KE handshake (TLS 1.3, ALPN ntske/1, the certificate
 * checked against the system's CA store or "nts ca", and against HOST),
 * non-blocking in the daemon's loop; the cookie store; NTS-protected
 * requests and the verification of their responses.  A response that does
 * not verify is never used for time; an NTS NAK, or running out of
 * cookies, starts a new handshake.  Failed handshakes back off
 * exponentially, from 2 s to about an hour.
 */
#ifndef NTPSECD_NTS_CLIENT_H
#define NTPSECD_NTS_CLIENT_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <openssl/ssl.h>

#include "ntske.h"

enum nts_client_state {
	NTSC_IDLE = 0,			/* no handshake running */
	NTSC_CONNECTING,
	NTSC_HANDSHAKE,
	NTSC_WRITE,
	NTSC_READ,
};

struct nts_client_stats {
	uint64_t handshakes, handshake_failures;
	uint64_t naks, auth_failures;
};

struct nts_client {
	char host[NTSKE_MAX_SERVER_NAME + 1];	/* names the certificate */
	struct sockaddr_storage ke_addr;	/* the NTS-KE server */
	socklen_t ke_addrlen;
	enum nts_client_state state;
	int fd;
	SSL *ssl;
	short events;
	double deadline;		/* of the running handshake */
	double next_try;		/* monotonic s */
	double backoff;
	size_t len, sent;
	uint8_t buf[NTSKE_MAX_MESSAGE];

	bool have_keys;
	struct nts_session_keys keys;
	unsigned int n_cookies;		/* a stack: the newest is used first */
	uint16_t cookie_len[NTS_MAX_COOKIES];
	uint8_t cookie[NTS_MAX_COOKIES][NTS_MAX_COOKIE_LEN];
	uint8_t uid[NTS_UID_MIN_LEN];	/* of the outstanding request */
	bool outstanding;

	/* What the last handshake negotiated (else: the NTS-KE host, 123). */
	char ntp_server[NTSKE_MAX_SERVER_NAME + 1];
	uint16_t ntp_port;
	bool negotiated;		/* set when a handshake completes */

	struct nts_client_stats stats;
};

/*
 * Once for the daemon: the AEAD and the TLS context (@ca: a file or a
 * hashed directory of certificates; NULL or "": the system's store).
 */
int nts_client_setup(const char *ca, char *err, size_t errlen);
void nts_client_cleanup(void);

/* @addr is the NTP server's address; the handshake goes to its port 4460. */
void nts_client_init(struct nts_client *c, const char *host,
		     const struct sockaddr_storage *addr, socklen_t addrlen);
void nts_client_free(struct nts_client *c);

/* Whether a request can be sent now (keys and a cookie held). */
bool nts_client_ready(const struct nts_client *c);
/* Starts a handshake if one is needed and due; its fd, or -1. */
int nts_client_pollfd(struct nts_client *c, double now, struct pollfd *pfd);
/* Advances the handshake; true when one just completed. */
bool nts_client_process(struct nts_client *c, short revents, double now);
double nts_client_deadline(const struct nts_client *c, double later);

/* Appends the NTS fields to the header in buf[0..48); 0 if no cookie. */
size_t nts_client_build(struct nts_client *c, uint8_t *buf, size_t cap);
/*
 * Checks a response to the outstanding request (@buf is decrypted in
 * place) and stores its cookies.  NTS_OK: use it for time.  Anything else:
 * drop it; on NTS_BAD_COOKIE (a NAK) the cookies are forgotten and a new
 * handshake starts.
 */
enum nts_result nts_client_check(struct nts_client *c, uint8_t *buf,
				 const struct ntp_packet *pkt, double now);

#endif
