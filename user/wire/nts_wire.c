// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * nts_wire.c - NTS extension fields, cookies and the NTS server's and
 * client's packet steps (RFC 8915 section 5), shared by the module and
 * userspace.  No libc, no allocation; the AEAD is the caller's.
 */

#include "nts_wire.h"

static const uint8_t aead_id[2] = { 0, NTS_AEAD_AES_SIV_CMAC_256 };

static void copy(uint8_t *dst, const uint8_t *src, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		dst[i] = src[i];
}

static bool same(const uint8_t *a, const uint8_t *b, size_t len)
{
	uint8_t diff = 0;
	size_t i;

	for (i = 0; i < len; i++)
		diff |= a[i] ^ b[i];
	return !diff;
}

void nts_wipe(void *p, size_t len)
{
	uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = 0;
	/*
	 * The stores must stay even where the memory is dead afterwards: the
	 * compiler must assume the (empty) asm reads it, as the kernel's
	 * memzero_explicit() does.
	 */
	__asm__ __volatile__("" : : "r"(p) : "memory");
}

static size_t pad4(size_t len)
{
	return (len + 3) & ~(size_t)3;
}

size_t nts_put_ef(uint8_t *buf, size_t off, size_t cap, uint16_t type,
		  const uint8_t *body, size_t len)
{
	size_t ef_len = pad4(NTP_EF_HEADER_LEN + len), i;

	if (ef_len < NTP_EF_MIN_LEN)
		ef_len = NTP_EF_MIN_LEN;
	if (off > cap || ef_len > cap - off || ef_len > 0xffff)
		return 0;
	ntp_put_be16(buf + off, type);
	ntp_put_be16(buf + off + 2, (uint16_t)ef_len);
	if (body)
		copy(buf + off + NTP_EF_HEADER_LEN, body, len);
	for (i = NTP_EF_HEADER_LEN + len; i < ef_len; i++)
		buf[off + i] = 0;
	return off + ef_len;
}

bool nts_is_nts(const struct ntp_packet *pkt)
{
	unsigned int i;

	for (i = 0; i < pkt->n_ef; i++)
		if ((pkt->ef[i].type & 0xff) == 0x04 &&
		    pkt->ef[i].type >= NTP_EF_NTS_UNIQUE_ID &&
		    pkt->ef[i].type <= NTP_EF_NTS_AUTHENTICATOR)
			return true;
	return false;
}

/*
 * The authenticator's body: nonce length, ciphertext length, the nonce and
 * the ciphertext each padded to 4 octets, then padding; the nonce and
 * the padding after it together at least NTS_NREQ (RFC 8915 section 5.6).
 */
static enum nts_result parse_auth(const uint8_t *buf, const struct ntp_ef *ef,
				  struct nts_fields *f)
{
	size_t body = ef->len - NTP_EF_HEADER_LEN;
	size_t nl, cl, used;
	const uint8_t *p = buf + ef->offset + NTP_EF_HEADER_LEN;

	nl = ntp_get_be16(p);
	cl = ntp_get_be16(p + 2);
	used = 4 + pad4(nl) + pad4(cl);
	if (used > body || cl < NTS_SIV_LEN || nl == 0 ||
	    nl + (body - used) < NTS_NREQ)
		return NTS_MALFORMED;
	f->auth_off = ef->offset;
	f->auth_len = ef->len;
	f->nonce_off = (uint16_t)(ef->offset + NTP_EF_HEADER_LEN + 4);
	f->nonce_len = (uint16_t)nl;
	f->ct_off = (uint16_t)(f->nonce_off + pad4(nl));
	f->ct_len = (uint16_t)cl;
	return NTS_OK;
}

enum nts_result nts_parse_request(const uint8_t *buf,
				  const struct ntp_packet *pkt,
				  struct nts_fields *f)
{
	unsigned int i, n_ph = 0;
	uint16_t ph_len = 0;

	*f = (struct nts_fields){ 0 };
	if (pkt->mac_len || !pkt->n_ef)
		return NTS_MALFORMED;
	for (i = 0; i < pkt->n_ef; i++) {
		const struct ntp_ef *ef = &pkt->ef[i];
		uint16_t body = ef->len - NTP_EF_HEADER_LEN;

		switch (ef->type) {
		case NTP_EF_NTS_UNIQUE_ID:
			if (f->uid_len || body < NTS_UID_MIN_LEN)
				return NTS_MALFORMED;
			f->uid_off = ef->offset;
			f->uid_len = ef->len;
			break;
		case NTP_EF_NTS_COOKIE:
			if (f->cookie_len)
				return NTS_MALFORMED;
			f->cookie_off = ef->offset;
			f->cookie_len = body;
			break;
		case NTP_EF_NTS_COOKIE_PLACEHOLDER:
			if (n_ph && body != ph_len)
				return NTS_MALFORMED;
			ph_len = body;
			n_ph++;
			break;
		case NTP_EF_NTS_AUTHENTICATOR:
			/* Whatever followed it would be unauthenticated. */
			if (i != pkt->n_ef - 1)
				return NTS_MALFORMED;
			if (parse_auth(buf, ef, f))
				return NTS_MALFORMED;
			break;
		default:
			break;
		}
	}
	/* A placeholder asks for a cookie as long as the one it sent. */
	if (!f->uid_len || !f->cookie_len || !f->auth_len ||
	    (n_ph && ph_len != f->cookie_len))
		return NTS_MALFORMED;
	f->n_placeholders = n_ph;
	return NTS_OK;
}

int nts_cookie_seal(const struct nts_aead_ops *ops,
		    const struct nts_master_key *mk,
		    const struct nts_session_keys *keys,
		    uint8_t cookie[NTS_COOKIE_LEN])
{
	uint8_t *nonce = cookie + NTS_COOKIE_KEYID_LEN;
	uint8_t *siv = nonce + NTS_NONCE_LEN;
	uint8_t *ct = siv + NTS_SIV_LEN;
	struct nts_ad ad[2] = {
		{ aead_id, sizeof(aead_id) },
		{ nonce, NTS_NONCE_LEN },
	};
	int ret;

	ntp_put_be32(cookie, mk->id);
	if (ops->random(ops->ctx, nonce, NTS_NONCE_LEN))
		return -1;
	copy(ct, keys->c2s, NTS_KEY_LEN);
	copy(ct + NTS_KEY_LEN, keys->s2c, NTS_KEY_LEN);
	ret = ops->seal(ops->ctx, mk->key, ad, 2, ct, 2 * NTS_KEY_LEN, siv, ct);
	if (ret)
		nts_wipe(ct, 2 * NTS_KEY_LEN);
	return ret ? -1 : 0;
}

enum nts_result nts_cookie_open(const struct nts_aead_ops *ops,
				const struct nts_master_keys *mks,
				const uint8_t *cookie, size_t len,
				struct nts_session_keys *keys)
{
	const uint8_t *nonce = cookie + NTS_COOKIE_KEYID_LEN;
	const uint8_t *siv = nonce + NTS_NONCE_LEN;
	struct nts_ad ad[2] = {
		{ aead_id, sizeof(aead_id) },
		{ nonce, NTS_NONCE_LEN },
	};
	uint8_t pt[2 * NTS_KEY_LEN];
	uint32_t id;
	unsigned int i;

	if (len != NTS_COOKIE_LEN)
		return NTS_BAD_COOKIE;
	id = ntp_get_be32(cookie);
	for (i = 0; i < mks->n && i < NTS_MASTER_KEYS; i++)
		if (mks->key[i].id == id)
			break;
	if (i == mks->n || i == NTS_MASTER_KEYS)
		return NTS_BAD_COOKIE;
	if (ops->open(ops->ctx, mks->key[i].key, ad, 2, siv,
		      siv + NTS_SIV_LEN, sizeof(pt), pt)) {
		nts_wipe(pt, sizeof(pt));
		return NTS_BAD_COOKIE;
	}
	copy(keys->c2s, pt, NTS_KEY_LEN);
	copy(keys->s2c, pt + NTS_KEY_LEN, NTS_KEY_LEN);
	nts_wipe(pt, sizeof(pt));
	return NTS_OK;
}

/* Checks the authenticator at @f of @buf under @key, decrypting in place. */
static enum nts_result open_auth(const struct nts_aead_ops *ops,
				 const uint8_t *key, uint8_t *buf,
				 const struct nts_fields *f)
{
	struct nts_ad ad[2] = {
		{ buf, f->auth_off },
		{ buf + f->nonce_off, f->nonce_len },
	};
	uint8_t *siv = buf + f->ct_off;

	if (ops->open(ops->ctx, key, ad, 2, siv, siv + NTS_SIV_LEN,
		      f->ct_len - NTS_SIV_LEN, siv + NTS_SIV_LEN))
		return NTS_BAD_AUTH;
	return NTS_OK;
}

/*
 * Verifying the authenticator needs somewhere to put the plaintext (the
 * encrypted fields the client may have sent, which we ignore): the reply
 * buffer is free until the reply is written, and as long as the request.
 */
static enum nts_result check_request_auth(const struct nts_aead_ops *ops,
					  const uint8_t *req,
					  const struct nts_server_req *s,
					  uint8_t *scratch, size_t cap)
{
	const struct nts_fields *f = &s->f;
	struct nts_ad ad[2] = {
		{ req, f->auth_off },
		{ req + f->nonce_off, f->nonce_len },
	};
	size_t len = f->ct_len - NTS_SIV_LEN;
	int ret;

	if (len > cap)
		return NTS_NO_ROOM;
	ret = ops->open(ops->ctx, s->keys.c2s, ad, 2, req + f->ct_off,
			req + f->ct_off + NTS_SIV_LEN, len, scratch);
	nts_wipe(scratch, len);
	return ret ? NTS_BAD_AUTH : NTS_OK;
}

enum nts_result nts_server_verify(const struct nts_aead_ops *ops,
				  const struct nts_master_keys *mks,
				  const uint8_t *req, const struct ntp_packet *pkt,
				  struct nts_server_req *s, uint8_t *scratch,
				  size_t cap)
{
	enum nts_result res;

	res = nts_parse_request(req, pkt, &s->f);
	if (res)
		return res;
	res = nts_cookie_open(ops, mks,
			      req + s->f.cookie_off + NTP_EF_HEADER_LEN,
			      s->f.cookie_len, &s->keys);
	if (res)
		return res;
	res = check_request_auth(ops, req, s, scratch, cap);
	if (res)
		nts_server_done(s);
	return res;
}

size_t nts_server_seal(const struct nts_aead_ops *ops,
		       const struct nts_master_keys *mks,
		       const uint8_t *req, struct nts_server_req *s,
		       uint8_t *out, size_t cap)
{
	unsigned int n = 1 + s->f.n_placeholders, i;
	size_t off = NTP_HEADER_LEN, pt_len, auth_len;
	uint8_t *auth, *nonce, *siv, *pt;
	struct nts_ad ad[2];

	if (n > NTS_MAX_COOKIES)
		n = NTS_MAX_COOKIES;
	pt_len = n * NTS_COOKIE_EF_LEN;
	auth_len = NTP_EF_HEADER_LEN + 4 + NTS_NONCE_LEN + NTS_SIV_LEN + pt_len;
	if (!mks->n || cap < off + s->f.uid_len + auth_len)
		return 0;
	copy(out + off, req + s->f.uid_off, s->f.uid_len);
	off += s->f.uid_len;

	auth = out + off;
	nonce = auth + NTP_EF_HEADER_LEN + 4;
	siv = nonce + NTS_NONCE_LEN;
	pt = siv + NTS_SIV_LEN;
	ntp_put_be16(auth, NTP_EF_NTS_AUTHENTICATOR);
	ntp_put_be16(auth + 2, (uint16_t)auth_len);
	ntp_put_be16(auth + 4, NTS_NONCE_LEN);
	ntp_put_be16(auth + 6, (uint16_t)(NTS_SIV_LEN + pt_len));
	for (i = 0; i < n; i++) {
		uint8_t *ef = pt + i * NTS_COOKIE_EF_LEN;

		ntp_put_be16(ef, NTP_EF_NTS_COOKIE);
		ntp_put_be16(ef + 2, NTS_COOKIE_EF_LEN);
		if (nts_cookie_seal(ops, &mks->key[0], &s->keys,
				    ef + NTP_EF_HEADER_LEN))
			return 0;
	}
	if (ops->random(ops->ctx, nonce, NTS_NONCE_LEN))
		return 0;
	ad[0] = (struct nts_ad){ out, off };
	ad[1] = (struct nts_ad){ nonce, NTS_NONCE_LEN };
	if (ops->seal(ops->ctx, s->keys.s2c, ad, 2, pt, pt_len, siv, pt))
		return 0;
	return off + auth_len;
}

size_t nts_server_nak(const uint8_t *req, const struct nts_server_req *s,
		      uint8_t *out, size_t cap)
{
	if (!s->f.uid_len || cap < (size_t)NTP_HEADER_LEN + s->f.uid_len)
		return 0;
	copy(out + NTP_HEADER_LEN, req + s->f.uid_off, s->f.uid_len);
	return NTP_HEADER_LEN + s->f.uid_len;
}

void nts_server_done(struct nts_server_req *s)
{
	nts_wipe(&s->keys, sizeof(s->keys));
}

size_t nts_client_request(const struct nts_aead_ops *ops,
			  const uint8_t *c2s, const uint8_t *uid,
			  const uint8_t *cookie, size_t cookie_len,
			  unsigned int n_placeholders, uint8_t *buf,
			  size_t cap)
{
	size_t off = NTP_HEADER_LEN, auth_len;
	uint8_t *nonce;
	struct nts_ad ad[2];
	unsigned int i;

	off = nts_put_ef(buf, off, cap, NTP_EF_NTS_UNIQUE_ID, uid,
			 NTS_UID_MIN_LEN);
	if (!off || cookie_len % 4 || cookie_len > NTS_MAX_COOKIE_LEN)
		return 0;
	off = nts_put_ef(buf, off, cap, NTP_EF_NTS_COOKIE, cookie, cookie_len);
	for (i = 0; off && i < n_placeholders; i++)
		off = nts_put_ef(buf, off, cap, NTP_EF_NTS_COOKIE_PLACEHOLDER,
				 NULL, cookie_len);
	auth_len = NTP_EF_HEADER_LEN + 4 + NTS_NONCE_LEN + NTS_SIV_LEN;
	if (!off || cap - off < auth_len)
		return 0;
	ntp_put_be16(buf + off, NTP_EF_NTS_AUTHENTICATOR);
	ntp_put_be16(buf + off + 2, (uint16_t)auth_len);
	ntp_put_be16(buf + off + 4, NTS_NONCE_LEN);
	ntp_put_be16(buf + off + 6, NTS_SIV_LEN);
	nonce = buf + off + 8;
	if (ops->random(ops->ctx, nonce, NTS_NONCE_LEN))
		return 0;
	ad[0] = (struct nts_ad){ buf, off };
	ad[1] = (struct nts_ad){ nonce, NTS_NONCE_LEN };
	if (ops->seal(ops->ctx, c2s, ad, 2, NULL, 0, nonce + NTS_NONCE_LEN,
		      NULL))
		return 0;
	return off + auth_len;
}

/* The cookies in a response's decrypted fields; others are ignored. */
static enum nts_result take_cookies(const uint8_t *pt, size_t len,
				    struct nts_client_resp *resp)
{
	size_t off = 0;

	while (off < len) {
		uint16_t type, ef_len;

		if (len - off < NTP_EF_MIN_LEN)
			return NTS_MALFORMED;
		type = ntp_get_be16(pt + off);
		ef_len = ntp_get_be16(pt + off + 2);
		if (ef_len < NTP_EF_MIN_LEN || ef_len % 4 || ef_len > len - off)
			return NTS_MALFORMED;
		if (type == NTP_EF_NTS_COOKIE &&
		    resp->n_cookies < NTS_MAX_COOKIES &&
		    ef_len - NTP_EF_HEADER_LEN <= NTS_MAX_COOKIE_LEN) {
			unsigned int k = resp->n_cookies++;

			resp->cookie_len[k] = ef_len - NTP_EF_HEADER_LEN;
			copy(resp->cookie[k], pt + off + NTP_EF_HEADER_LEN,
			     resp->cookie_len[k]);
		}
		off += ef_len;
	}
	return NTS_OK;
}

enum nts_result nts_client_response(const struct nts_aead_ops *ops,
				    const uint8_t *s2c, const uint8_t *uid,
				    uint8_t *buf, const struct ntp_packet *pkt,
				    struct nts_client_resp *resp)
{
	struct nts_fields f = { 0 };
	bool have_uid = false;
	unsigned int i;

	resp->n_cookies = 0;
	if (pkt->mac_len)
		return NTS_MALFORMED;
	for (i = 0; i < pkt->n_ef; i++) {
		const struct ntp_ef *ef = &pkt->ef[i];

		if (ef->type == NTP_EF_NTS_UNIQUE_ID) {
			if (have_uid ||
			    ef->len != NTP_EF_HEADER_LEN + NTS_UID_MIN_LEN ||
			    !same(buf + ef->offset + NTP_EF_HEADER_LEN, uid,
				  NTS_UID_MIN_LEN))
				return NTS_MALFORMED;
			have_uid = true;
		} else if (ef->type == NTP_EF_NTS_AUTHENTICATOR) {
			if (i != pkt->n_ef - 1 || parse_auth(buf, ef, &f))
				return NTS_MALFORMED;
		}
	}
	if (!have_uid)
		return NTS_MALFORMED;
	if (!f.auth_len) {
		/* Only a NAK comes without an authenticator. */
		if (pkt->hdr.stratum == 0 && pkt->hdr.refid == NTS_KISS_NTSN)
			return NTS_BAD_COOKIE;
		return NTS_MALFORMED;
	}
	if (open_auth(ops, s2c, buf, &f))
		return NTS_BAD_AUTH;
	return take_cookies(buf + f.ct_off + NTS_SIV_LEN,
			    f.ct_len - NTS_SIV_LEN, resp);
}

const char *nts_result_name(enum nts_result res)
{
	switch (res) {
	case NTS_OK:
		return "ok";
	case NTS_MALFORMED:
		return "malformed NTS fields";
	case NTS_BAD_COOKIE:
		return "bad cookie";
	case NTS_BAD_AUTH:
		return "bad authenticator";
	case NTS_NO_ROOM:
		return "no room";
	case NTS_CRYPTO_ERROR:
		return "crypto error";
	case NTS_RESULTS:
		break;
	}
	return "unknown";
}
