// SPDX-License-Identifier: BSD-2-Clause
/*
 * nts_siv.c - the userspace struct nts_aead_ops: OpenSSL 3's AES-SIV.
 * OpenSSL takes each associated data string with an update without output
 * (RFC 5297's vector S2V), the plaintext with one update with output; the
 * synthetic IV is the cipher's tag.  OpenSSL 3.0 computes no tag for an
 * empty plaintext (the SIV is only made in an update with output, which it
 * skips for zero octets), and NTS clients seal exactly that: for it, S2V
 * runs here on OpenSSL's AES-CMAC (RFC 5297 section 2.4).
 */

#include "config.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/random.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "nts_siv.h"

struct siv_ctx {
	EVP_CIPHER *cipher;
	EVP_CIPHER_CTX *c;
	EVP_MAC *cmac;
};

static int cmac(struct siv_ctx *s, const uint8_t *key, const uint8_t *m,
		size_t len, uint8_t out[16])
{
	OSSL_PARAM p[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER,
						 (char *)"AES-128-CBC", 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC_CTX *c = EVP_MAC_CTX_new(s->cmac);
	size_t outl;
	int ok;

	ok = c && EVP_MAC_init(c, key, 16, p) && EVP_MAC_update(c, m, len) &&
	     EVP_MAC_final(c, out, &outl, 16) && outl == 16;
	EVP_MAC_CTX_free(c);
	return ok ? 0 : -1;
}

/* dbl() of RFC 5297 section 2.3: doubling in GF(2^128). */
static void dbl(uint8_t d[16])
{
	uint8_t carry = d[0] >> 7;
	int i;

	for (i = 0; i < 15; i++)
		d[i] = (uint8_t)(d[i] << 1 | d[i + 1] >> 7);
	d[15] = (uint8_t)(d[15] << 1 ^ (carry ? 0x87 : 0));
}

/* S2V of the strings and an empty plaintext: its last step pads "". */
static int s2v_empty(struct siv_ctx *s, const uint8_t *key,
		     const struct nts_ad *ad, unsigned int n_ad,
		     uint8_t v[16])
{
	static const uint8_t zero[16];
	uint8_t d[16], t[16];
	unsigned int i, j;

	if (cmac(s, key, zero, 16, d))
		return -1;
	for (i = 0; i < n_ad; i++) {
		dbl(d);
		if (cmac(s, key, ad[i].data, ad[i].len, t))
			return -1;
		for (j = 0; j < 16; j++)
			d[j] ^= t[j];
	}
	dbl(d);
	d[0] ^= 0x80;
	return cmac(s, key, d, 16, v);
}

static int add_ad(EVP_CIPHER_CTX *c, const struct nts_ad *ad,
		  unsigned int n_ad, bool enc)
{
	unsigned int i;
	int outl;

	for (i = 0; i < n_ad; i++) {
		if (ad[i].len > INT_MAX)
			return -1;
		if (enc ? !EVP_EncryptUpdate(c, NULL, &outl, ad[i].data,
					     (int)ad[i].len) :
			  !EVP_DecryptUpdate(c, NULL, &outl, ad[i].data,
					     (int)ad[i].len))
			return -1;
	}
	return 0;
}

static int siv_seal(void *ctx, const uint8_t *key, const struct nts_ad *ad,
		    unsigned int n_ad, const uint8_t *pt, size_t len,
		    uint8_t *siv, uint8_t *ct)
{
	struct siv_ctx *s = ctx;
	uint8_t scratch[1];
	int outl;

	if (!len)
		return s2v_empty(s, key, ad, n_ad, siv);
	if (len > INT_MAX ||
	    !EVP_EncryptInit_ex2(s->c, s->cipher, key, NULL, NULL) ||
	    add_ad(s->c, ad, n_ad, true))
		return -1;
	if (!EVP_EncryptUpdate(s->c, ct, &outl, pt, (int)len) ||
	    !EVP_EncryptFinal_ex(s->c, scratch, &outl) ||
	    !EVP_CIPHER_CTX_ctrl(s->c, EVP_CTRL_AEAD_GET_TAG, NTS_SIV_LEN, siv))
		return -1;
	return 0;
}

static int siv_open(void *ctx, const uint8_t *key, const struct nts_ad *ad,
		    unsigned int n_ad, const uint8_t *siv, const uint8_t *ct,
		    size_t len, uint8_t *pt)
{
	struct siv_ctx *s = ctx;
	uint8_t scratch[1];
	int outl;

	if (!len) {
		uint8_t v[16];

		return s2v_empty(s, key, ad, n_ad, v) ||
		       CRYPTO_memcmp(v, siv, sizeof(v)) ? -1 : 0;
	}
	if (len > INT_MAX ||
	    !EVP_DecryptInit_ex2(s->c, s->cipher, key, NULL, NULL) ||
	    !EVP_CIPHER_CTX_ctrl(s->c, EVP_CTRL_AEAD_SET_TAG, NTS_SIV_LEN,
				 (void *)siv) ||
	    add_ad(s->c, ad, n_ad, false))
		return -1;
	if (!EVP_DecryptUpdate(s->c, pt, &outl, ct, (int)len) ||
	    EVP_DecryptFinal_ex(s->c, scratch, &outl) <= 0)
		return -1;
	return 0;
}

static int siv_random(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	while (len) {
		ssize_t n = getrandom(buf, len, 0);

		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int nts_siv_init(struct nts_aead_ops *ops)
{
	struct siv_ctx *s = calloc(1, sizeof(*s));

	if (!s)
		return -1;
	s->cipher = EVP_CIPHER_fetch(NULL, "AES-128-SIV", NULL);
	s->c = EVP_CIPHER_CTX_new();
	s->cmac = EVP_MAC_fetch(NULL, "CMAC", NULL);
	if (!s->cipher || !s->c || !s->cmac ||
	    EVP_CIPHER_get_key_length(s->cipher) != 2 * 16) {
		EVP_MAC_free(s->cmac);
		EVP_CIPHER_CTX_free(s->c);
		EVP_CIPHER_free(s->cipher);
		free(s);
		return -1;
	}
	*ops = (struct nts_aead_ops){
		.seal = siv_seal, .open = siv_open, .random = siv_random,
		.ctx = s,
	};
	return 0;
}

void nts_siv_uninit(struct nts_aead_ops *ops)
{
	struct siv_ctx *s = ops->ctx;

	if (!s)
		return;
	EVP_MAC_free(s->cmac);
	EVP_CIPHER_CTX_free(s->c);
	EVP_CIPHER_free(s->cipher);
	free(s);
	ops->ctx = NULL;
}
