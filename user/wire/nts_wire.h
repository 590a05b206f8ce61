/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * nts_wire.h - NTS for NTPv4 (RFC 8915 section 5), shared by the module and
 * userspace like ntp_wire.h: the NTS extension fields, the server's cookie
 * format, and the server's and the client's packet processing.  Plain C
 * without libc and without a crypto library: AES-SIV-CMAC-256 comes in
 * through struct nts_aead_ops (OpenSSL in userspace, the kernel crypto API
 * in the module), and so does randomness.
 *
 * The cookie (ours: clients treat it as opaque, RFC 8915 section 6):
 *
 *   key id (4 octets, big-endian) || nonce (16) || SIV (16) || C (64)
 *
 * 100 octets.  SIV || C is AEAD_AES_SIV_CMAC_256 (RFC 5297) under the
 * 32-octet master key named by the key id, of the plaintext
 * C2S key (32) || S2C key (32), with two associated data strings: the AEAD
 * algorithm id as two big-endian octets (0x000f), then the nonce (RFC 5297
 * section 3: the nonce is the last associated data string).  Binding the
 * AEAD id means a cookie can never be read back under another algorithm's
 * key lengths.  Master key ids are chosen by the daemon (nts_keys.c); a
 * cookie whose key id is unknown, or that does not authenticate, gets an
 * NTS NAK.  Whoever holds the master keys (the daemon, or the module once
 * the daemon has pushed them) reads every cookie, so both paths accept the
 * cookies the other issued.
 */
#ifndef NTS_WIRE_H
#define NTS_WIRE_H

#include "ntp_wire.h"

#define NTS_AEAD_AES_SIV_CMAC_256	15
#define NTS_KEY_LEN		32	/* C2S, S2C and master keys */
#define NTS_SIV_LEN		16	/* the synthetic IV: the tag */
#define NTS_NONCE_LEN		16	/* what we send */
#define NTS_NREQ		16	/* RFC 8915 5.6: nonce + padding */
#define NTS_UID_MIN_LEN		32	/* unique identifier body */
#define NTS_COOKIE_KEYID_LEN	4
#define NTS_COOKIE_LEN		(NTS_COOKIE_KEYID_LEN + NTS_NONCE_LEN + \
				 NTS_SIV_LEN + 2 * NTS_KEY_LEN)
#define NTS_COOKIE_EF_LEN	(NTP_EF_HEADER_LEN + NTS_COOKIE_LEN)
#define NTS_MAX_COOKIES		8	/* issued per handshake, held by a client */
/* Cookies a client may hold and ask for: RFC 8915 bounds nothing, we do. */
#define NTS_MAX_COOKIE_LEN	256
/* Master keys known at once: the current one and seven before it. */
#define NTS_MASTER_KEYS		8
#define NTS_KISS_NTSN		0x4e54534e	/* "NTSN": NTS NAK */

/* One associated data string. */
struct nts_ad {
	const uint8_t *data;
	size_t len;
};

/*
 * AEAD_AES_SIV_CMAC_256 (RFC 5297) and a random source.  seal computes the
 * SIV of the plaintext @pt under @key and the @n_ad associated data strings
 * (the nonce, if any, last), writes it to @siv and the ciphertext to @ct;
 * @ct may be @pt (in place).  open checks @siv against @ct and writes the
 * plaintext to @pt (which may be @ct); on a mismatch it returns non-zero,
 * and @pt must then be treated as garbage.  Both return 0 on success.
 * random fills @buf with unpredictable octets.  None sleeps in the module.
 */
struct nts_aead_ops {
	int (*seal)(void *ctx, const uint8_t *key, const struct nts_ad *ad,
		    unsigned int n_ad, const uint8_t *pt, size_t len,
		    uint8_t *siv, uint8_t *ct);
	int (*open)(void *ctx, const uint8_t *key, const struct nts_ad *ad,
		    unsigned int n_ad, const uint8_t *siv, const uint8_t *ct,
		    size_t len, uint8_t *pt);
	int (*random)(void *ctx, uint8_t *buf, size_t len);
	void *ctx;
};

/* The keys one NTS-KE handshake exported (RFC 8915 section 5.1). */
struct nts_session_keys {
	uint8_t c2s[NTS_KEY_LEN];
	uint8_t s2c[NTS_KEY_LEN];
};

struct nts_master_key {
	uint32_t id;
	uint8_t key[NTS_KEY_LEN];
};

/* The server's master keys: key[0] seals, all of them open. */
struct nts_master_keys {
	unsigned int n;
	struct nts_master_key key[NTS_MASTER_KEYS];
};

/* Why an NTS packet was refused; each is a counter. */
enum nts_result {
	NTS_OK = 0,
	NTS_MALFORMED,		/* missing, repeated or misplaced NTS EFs */
	NTS_BAD_COOKIE,		/* unknown key id, wrong length, not authentic */
	NTS_BAD_AUTH,		/* the authenticator does not verify */
	NTS_NO_ROOM,		/* the answer would be longer than allowed */
	NTS_CRYPTO_ERROR,	/* the AEAD or the random source failed */
	NTS_RESULTS
};

const char *nts_result_name(enum nts_result res);

/*
 * The NTS extension fields of a packet ntp_parse() accepted.  Offsets are
 * of the field's header; lengths are of the whole field unless said.
 */
struct nts_fields {
	uint16_t uid_off, uid_len;
	uint16_t cookie_off, cookie_len;	/* cookie_len: the body */
	unsigned int n_placeholders;
	uint16_t auth_off, auth_len;	/* the AD is the packet before auth_off */
	uint16_t nonce_off, nonce_len;	/* in the packet, unpadded */
	uint16_t ct_off, ct_len;	/* SIV and ciphertext, unpadded */
};

/*
 * Finds the NTS fields in a client request: exactly one unique identifier
 * (body >= 32), one cookie, any placeholders (each the cookie's length),
 * and one authenticator, the last extension field; no MAC.  Other fields
 * before the authenticator are authenticated and ignored.  Returns NTS_OK,
 * or NTS_MALFORMED (also for a request without NTS fields at all: the
 * caller decides first with nts_is_nts()).
 */
enum nts_result nts_parse_request(const uint8_t *buf,
				  const struct ntp_packet *pkt,
				  struct nts_fields *f);
/* Whether any extension field of @pkt is an NTS one. */
bool nts_is_nts(const struct ntp_packet *pkt);

/* Cookies: seal a session's keys under @mk, open under any of @mks. */
int nts_cookie_seal(const struct nts_aead_ops *ops,
		    const struct nts_master_key *mk,
		    const struct nts_session_keys *keys,
		    uint8_t cookie[NTS_COOKIE_LEN]);
enum nts_result nts_cookie_open(const struct nts_aead_ops *ops,
				const struct nts_master_keys *mks,
				const uint8_t *cookie, size_t len,
				struct nts_session_keys *keys);

/*
 * The server, in three steps so that the caller writes the NTP header in
 * between: nts_server_verify() opens the cookie and checks the
 * authenticator with C2S, decrypting what it encrypts into @scratch (the
 * reply buffer will do: the plaintext is shorter than the request, @cap
 * bounds it) and wiping it; on NTS_OK the caller writes a normal reply
 * header to out[0..48) and calls nts_server_seal(), which appends the unique
 * identifier, then an authenticator whose encrypted part holds one fresh
 * cookie per cookie and placeholder of the request, sealed under mks->key[0]
 * (authenticated with S2C).  On NTS_BAD_COOKIE or NTS_BAD_AUTH the caller
 * writes an NTSN kiss-o'-death header and calls nts_server_nak(), which
 * appends only the unique identifier.  Both return the reply's length, or
 * 0 if it would exceed @cap; @cap is at most the request's length, so no
 * reply is ever longer than its request.  nts_server_done() wipes @s.
 */
struct nts_server_req {
	struct nts_fields f;
	struct nts_session_keys keys;
};

enum nts_result nts_server_verify(const struct nts_aead_ops *ops,
				  const struct nts_master_keys *mks,
				  const uint8_t *req, const struct ntp_packet *pkt,
				  struct nts_server_req *s, uint8_t *scratch,
				  size_t cap);
size_t nts_server_seal(const struct nts_aead_ops *ops,
		       const struct nts_master_keys *mks,
		       const uint8_t *req, struct nts_server_req *s,
		       uint8_t *out, size_t cap);
size_t nts_server_nak(const uint8_t *req, const struct nts_server_req *s,
		      uint8_t *out, size_t cap);
void nts_server_done(struct nts_server_req *s);

/*
 * The client.  nts_client_request() appends to the header in buf[0..48) a
 * unique identifier (@uid, NTS_UID_MIN_LEN octets, from the caller's random
 * source so that it can check the answer), the cookie, @n_placeholders
 * placeholders of the cookie's length and the authenticator under C2S.
 * Returns the request's length, or 0 if @cap is too small.
 */
size_t nts_client_request(const struct nts_aead_ops *ops,
			  const uint8_t *c2s, const uint8_t *uid,
			  const uint8_t *cookie, size_t cookie_len,
			  unsigned int n_placeholders, uint8_t *buf,
			  size_t cap);

/* What a verified server response carried. */
struct nts_client_resp {
	unsigned int n_cookies;
	uint16_t cookie_len[NTS_MAX_COOKIES];
	uint8_t cookie[NTS_MAX_COOKIES][NTS_MAX_COOKIE_LEN];
};

/*
 * Checks a response ntp_parse() accepted: our unique identifier, exactly
 * one authenticator that verifies under S2C, the last field; it decrypts
 * the cookies (fields in its encrypted part).  A NAK (NTSN kiss code and
 * our identifier, unauthenticated) is reported as NTS_BAD_COOKIE: the
 * caller drops its cookies and handshakes again.  @buf is modified (the
 * ciphertext is decrypted in place).
 */
enum nts_result nts_client_response(const struct nts_aead_ops *ops,
				    const uint8_t *s2c, const uint8_t *uid,
				    uint8_t *buf, const struct ntp_packet *pkt,
				    struct nts_client_resp *resp);

/* Appends one extension field, padded to 4 octets and at least 16. */
size_t nts_put_ef(uint8_t *buf, size_t off, size_t cap, uint16_t type,
		  const uint8_t *body, size_t len);

/* Clears secrets in a way the compiler keeps. */
void nts_wipe(void *p, size_t len);

#endif /* NTS_WIRE_H */
