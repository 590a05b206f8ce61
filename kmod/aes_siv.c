// SPDX-License-Identifier: GPL-2.0
/*
 * AES-SIV-CMAC-256 (RFC 5297) for NTS, which the kernel's crypto API does
 * not offer: S2V over the "cmac(aes)" hash and encryption with "ctr(aes)".
 *
 * Every NTS operation has its own key (a client's C2S or S2C key, a cookie
 * master key), so the transforms are per CPU and keyed for each operation;
 * they are allocated at load, in process context, so that softirq never
 * allocates.  So is a per-CPU kmalloc buffer the CTR pass runs in: callers'
 * buffers may be on the stack, which a scatterlist must never point at.
 * The RFC 5297 appendix vectors are checked at load: a module whose
 * AES-SIV does not reproduce them never uses it (and says so).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <crypto/skcipher.h>
#include <linux/bottom_half.h>
#include <linux/percpu.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "aes_siv.h"

#define BLOCK 16
#define HALF_KEY (NTPSEC_SIV_KEY_LEN / 2)

struct siv_tfms {
	struct crypto_shash *cmac;		/* keyed with K1 */
	struct crypto_sync_skcipher *ctr;	/* keyed with K2 */
	u8 *bounce;				/* NTPSEC_SIV_MAX_LEN, kmalloc */
};

static struct siv_tfms __percpu *siv_tfms;
static bool siv_ok;

/* Multiplication by x in GF(2^128), constant time. */
static void dbl(u8 *d)
{
	u8 carry = d[0] >> 7;
	int i;

	for (i = 0; i < BLOCK - 1; i++)
		d[i] = (u8)(d[i] << 1 | d[i + 1] >> 7);
	d[BLOCK - 1] = (u8)(d[BLOCK - 1] << 1) ^ (0x87 & -carry);
}

/* S2V(K1, AD..., P) into @v (RFC 5297 section 2.4). */
static int s2v(struct crypto_shash *cmac, const struct ntpsec_siv_ad *ad,
	       unsigned int nad, const u8 *p, unsigned int len, u8 *v)
{
	static const u8 zero[BLOCK];
	SHASH_DESC_ON_STACK(desc, cmac);
	u8 d[BLOCK], t[BLOCK];
	unsigned int i;
	int ret;

	desc->tfm = cmac;
	ret = crypto_shash_digest(desc, zero, BLOCK, d);
	for (i = 0; !ret && i < nad; i++) {
		dbl(d);
		ret = crypto_shash_digest(desc, ad[i].data, ad[i].len, t);
		crypto_xor(d, t, BLOCK);
	}
	if (ret)
		goto out;
	if (len >= BLOCK) {
		/* T = P xorend D: only the last block changes. */
		memcpy(t, p + len - BLOCK, BLOCK);
		crypto_xor(t, d, BLOCK);
		ret = crypto_shash_init(desc) ?:
		      crypto_shash_update(desc, p, len - BLOCK) ?:
		      crypto_shash_finup(desc, t, BLOCK, v);
	} else {
		/* T = dbl(D) xor pad(P) */
		dbl(d);
		memset(t, 0, BLOCK);
		memcpy(t, p, len);
		t[len] = 0x80;
		crypto_xor(t, d, BLOCK);
		ret = crypto_shash_digest(desc, t, BLOCK, v);
	}
out:
	shash_desc_zero(desc);
	memzero_explicit(d, sizeof(d));
	memzero_explicit(t, sizeof(t));
	return ret;
}

/*
 * CTR with Q = V, bits 63 and 31 cleared (RFC 5297 section 2.5), on @buf
 * through the CPU's bounce buffer.
 */
static int ctr(struct siv_tfms *t, const u8 *v, u8 *buf, unsigned int len)
{
	SYNC_SKCIPHER_REQUEST_ON_STACK(req, t->ctr);
	struct scatterlist sg;
	u8 iv[BLOCK];
	int ret;

	if (!len)
		return 0;
	memcpy(iv, v, BLOCK);
	iv[8] &= 0x7f;
	iv[12] &= 0x7f;
	memcpy(t->bounce, buf, len);
	sg_init_one(&sg, t->bounce, len);
	skcipher_request_set_sync_tfm(req, t->ctr);
	skcipher_request_set_callback(req, 0, NULL, NULL);
	skcipher_request_set_crypt(req, &sg, &sg, len, iv);
	ret = crypto_skcipher_encrypt(req);
	skcipher_request_zero(req);
	if (!ret)
		memcpy(buf, t->bounce, len);
	memzero_explicit(t->bounce, len);
	return ret;
}

static struct siv_tfms *keyed_tfms(const u8 *key)
{
	struct siv_tfms *t = this_cpu_ptr(siv_tfms);

	if (crypto_shash_setkey(t->cmac, key, HALF_KEY) ||
	    crypto_sync_skcipher_setkey(t->ctr, key + HALF_KEY, HALF_KEY))
		return NULL;
	return t;
}

int ntpsec_siv_encrypt(const u8 *key, const struct ntpsec_siv_ad *ad,
		       unsigned int nad, u8 *buf, unsigned int len, u8 *tag)
{
	struct siv_tfms *t;

	if (!siv_ok || nad > NTPSEC_SIV_MAX_AD)
		return -EOPNOTSUPP;
	if (len > NTPSEC_SIV_MAX_LEN)
		return -EMSGSIZE;
	t = keyed_tfms(key);
	if (!t)
		return -EINVAL;
	return s2v(t->cmac, ad, nad, buf, len, tag) ?: ctr(t, tag, buf, len);
}

int ntpsec_siv_decrypt(const u8 *key, const struct ntpsec_siv_ad *ad,
		       unsigned int nad, u8 *buf, unsigned int len,
		       const u8 *tag)
{
	struct siv_tfms *t;
	u8 v[BLOCK];
	int ret;

	if (!siv_ok || nad > NTPSEC_SIV_MAX_AD)
		return -EOPNOTSUPP;
	if (len > NTPSEC_SIV_MAX_LEN)
		return -EMSGSIZE;
	t = keyed_tfms(key);
	if (!t)
		return -EINVAL;
	ret = ctr(t, tag, buf, len) ?: s2v(t->cmac, ad, nad, buf, len, v);
	if (!ret && crypto_memneq(v, tag, BLOCK))
		ret = -EBADMSG;
	if (ret)
		memzero_explicit(buf, len);
	memzero_explicit(v, sizeof(v));
	return ret;
}

bool ntpsec_siv_ready(void)
{
	return siv_ok;
}

/* RFC 5297 appendix A.1 (deterministic) and A.2 (nonce-based). */
static const struct siv_vector {
	const char *name;
	u8 key[NTPSEC_SIV_KEY_LEN];
	const u8 *ad[3];
	unsigned int ad_len[3];
	unsigned int nad;
	const u8 *pt;
	unsigned int len;
	u8 tag[BLOCK];
	const u8 *ct;
} siv_vectors[] = {
	{
		.name = "A.1",
		.key = { 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa, 0xf9, 0xf8,
			 0xf7, 0xf6, 0xf5, 0xf4, 0xf3, 0xf2, 0xf1, 0xf0,
			 0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7,
			 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff },
		.ad = { (const u8 *)"\x10\x11\x12\x13\x14\x15\x16\x17"
			"\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f"
			"\x20\x21\x22\x23\x24\x25\x26\x27" },
		.ad_len = { 24 },
		.nad = 1,
		.pt = (const u8 *)"\x11\x22\x33\x44\x55\x66\x77\x88"
			"\x99\xaa\xbb\xcc\xdd\xee",
		.len = 14,
		.tag = { 0x85, 0x63, 0x2d, 0x07, 0xc6, 0xe8, 0xf3, 0x7f,
			 0x95, 0x0a, 0xcd, 0x32, 0x0a, 0x2e, 0xcc, 0x93 },
		.ct = (const u8 *)"\x40\xc0\x2b\x96\x90\xc4\xdc\x04"
			"\xda\xef\x7f\x6a\xfe\x5c",
	}, {
		.name = "A.2",
		.key = { 0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x7a, 0x79, 0x78,
			 0x77, 0x76, 0x75, 0x74, 0x73, 0x72, 0x71, 0x70,
			 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
			 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f },
		.ad = { (const u8 *)"\x00\x11\x22\x33\x44\x55\x66\x77"
			"\x88\x99\xaa\xbb\xcc\xdd\xee\xff"
			"\xde\xad\xda\xda\xde\xad\xda\xda"
			"\xff\xee\xdd\xcc\xbb\xaa\x99\x88"
			"\x77\x66\x55\x44\x33\x22\x11\x00",
			(const u8 *)"\x10\x20\x30\x40\x50\x60\x70\x80\x90\xa0",
			/* the nonce */
			(const u8 *)"\x09\xf9\x11\x02\x9d\x74\xe3\x5b"
			"\xd8\x41\x56\xc5\x63\x56\x88\xc0" },
		.ad_len = { 40, 10, 16 },
		.nad = 3,
		.pt = (const u8 *)"this is some plaintext to encrypt using SIV-AES",
		.len = 47,
		.tag = { 0x7b, 0xdb, 0x6e, 0x3b, 0x43, 0x26, 0x67, 0xeb,
			 0x06, 0xf4, 0xd1, 0x4b, 0xff, 0x2f, 0xbd, 0x0f },
		.ct = (const u8 *)"\xcb\x90\x0f\x2f\xdd\xbe\x40\x43"
			"\x26\x60\x19\x65\xc8\x89\xbf\x17"
			"\xdb\xa7\x7c\xeb\x09\x4f\xa6\x63"
			"\xb7\xa3\xf7\x48\xba\x8a\xf8\x29"
			"\xea\x64\xad\x54\x4a\x27\x2e\x9c"
			"\x48\x5b\x62\xa3\xfd\x5c\x0d",
	},
};

/*
 * Each vector: encryption gives the RFC's tag and ciphertext, decryption
 * gives the plaintext back, and a tag with one bit flipped is refused with
 * the buffer wiped.  The buffer is on the stack, as callers' may be.
 */
static int siv_check(const struct siv_vector *tv)
{
	struct ntpsec_siv_ad ad[3];
	u8 tag[BLOCK], buf[64];
	unsigned int i;
	int ret;

	for (i = 0; i < tv->nad; i++)
		ad[i] = (struct ntpsec_siv_ad){ tv->ad[i], tv->ad_len[i] };
	memcpy(buf, tv->pt, tv->len);
	local_bh_disable();
	ret = ntpsec_siv_encrypt(tv->key, ad, tv->nad, buf, tv->len, tag);
	if (!ret && (memcmp(tag, tv->tag, BLOCK) || memcmp(buf, tv->ct, tv->len)))
		ret = -EILSEQ;
	if (!ret)
		ret = ntpsec_siv_decrypt(tv->key, ad, tv->nad, buf, tv->len, tag);
	if (!ret && memcmp(buf, tv->pt, tv->len))
		ret = -EILSEQ;
	if (!ret) {
		memcpy(buf, tv->ct, tv->len);
		tag[BLOCK - 1] ^= 1;
		ret = ntpsec_siv_decrypt(tv->key, ad, tv->nad, buf, tv->len, tag);
		ret = ret == -EBADMSG && !memchr_inv(buf, 0, tv->len) ? 0 : -EILSEQ;
	}
	local_bh_enable();
	if (ret)
		pr_err("AES-SIV fails RFC 5297 %s (%d)\n", tv->name, ret);
	return ret;
}

static int siv_self_test(void)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; !ret && i < ARRAY_SIZE(siv_vectors); i++)
		ret = siv_check(&siv_vectors[i]);
	return ret;
}

static void siv_free_tfms(void)
{
	int cpu;

	if (!siv_tfms)
		return;
	for_each_possible_cpu(cpu) {
		struct siv_tfms *t = per_cpu_ptr(siv_tfms, cpu);

		if (!IS_ERR_OR_NULL(t->cmac))
			crypto_free_shash(t->cmac);
		if (!IS_ERR_OR_NULL(t->ctr))
			crypto_free_sync_skcipher(t->ctr);
		kfree_sensitive(t->bounce);
	}
	free_percpu(siv_tfms);
	siv_tfms = NULL;
}

/*
 * Never fatal: without working AES-SIV the module serves everything but
 * NTS, and NTPSEC_STATUS_F_NTS_CRYPTO stays clear.
 */
int ntpsec_siv_init(void)
{
	struct siv_tfms *t0;
	int cpu, ret = 0;

	siv_tfms = alloc_percpu(struct siv_tfms);
	if (!siv_tfms)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct siv_tfms *t = per_cpu_ptr(siv_tfms, cpu);

		t->bounce = kmalloc_node(NTPSEC_SIV_MAX_LEN, GFP_KERNEL,
					 cpu_to_node(cpu));
		if (!t->bounce) {
			ret = -ENOMEM;
			break;
		}
		t->cmac = crypto_alloc_shash("cmac(aes)", 0, 0);
		t->ctr = crypto_alloc_sync_skcipher("ctr(aes)", 0, 0);
		if (IS_ERR(t->cmac) || IS_ERR(t->ctr)) {
			ret = IS_ERR(t->cmac) ? PTR_ERR(t->cmac) : PTR_ERR(t->ctr);
			break;
		}
	}
	if (ret) {
		pr_warn("AES-SIV transforms unavailable (%d): NTS off\n", ret);
		siv_free_tfms();
		return 0;
	}
	siv_ok = true;	/* the self-test goes through the real entry points */
	if (siv_self_test()) {
		siv_ok = false;
		siv_free_tfms();
		pr_warn("NTS unavailable: AES-SIV failed its self-test\n");
		return 0;
	}
	t0 = per_cpu_ptr(siv_tfms, cpumask_first(cpu_possible_mask));
	pr_info("AES-SIV-CMAC-256 (%s, %s) passes RFC 5297 A.1 and A.2\n",
		crypto_shash_driver_name(t0->cmac),
		crypto_tfm_alg_driver_name(crypto_skcipher_tfm(&t0->ctr->base)));
	return 0;
}

void ntpsec_siv_exit(void)
{
	siv_ok = false;
	siv_free_tfms();
}
