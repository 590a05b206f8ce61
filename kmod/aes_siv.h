/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NTPSEC_AES_SIV_H
#define _NTPSEC_AES_SIV_H

#include <linux/types.h>

/*
 * AEAD_AES_SIV_CMAC_256 (RFC 5297), the NTS AEAD (RFC 8915 AEAD id 15):
 * a 32-octet key (K1 for S2V's CMAC, K2 for CTR), any number of associated
 * data items (a nonce is the last of them), a 16-octet synthetic IV.
 */
#define NTPSEC_SIV_KEY_LEN	32
#define NTPSEC_SIV_TAG_LEN	16
#define NTPSEC_SIV_MAX_AD	4
/* The longest plaintext: NTS's is at most 8 cookies, or a client's EFs. */
#define NTPSEC_SIV_MAX_LEN	1280

struct ntpsec_siv_ad {
	const u8 *data;
	unsigned int len;
};

/*
 * Both work in place on @buf (any memory: the cipher runs on a copy in
 * this CPU's buffer, which a scatterlist can address), at most
 * NTPSEC_SIV_MAX_LEN octets, and must run with bottom halves disabled (the
 * receive path does): they use this CPU's transforms.  Decryption checks
 * the tag in constant time and returns -EBADMSG, with @buf wiped, when it
 * does not match.
 */
int ntpsec_siv_encrypt(const u8 *key, const struct ntpsec_siv_ad *ad,
		       unsigned int nad, u8 *buf, unsigned int len, u8 *tag);
int ntpsec_siv_decrypt(const u8 *key, const struct ntpsec_siv_ad *ad,
		       unsigned int nad, u8 *buf, unsigned int len,
		       const u8 *tag);

/* Whether the transforms exist and passed the RFC 5297 vectors at load. */
bool ntpsec_siv_ready(void);

int ntpsec_siv_init(void);
void ntpsec_siv_exit(void);

#endif
