// SPDX-License-Identifier: GPL-2.0
/*
 * Symmetric-key MACs (RFC 5905 section 7.3, RFC 8573): verified and made in
 * the receive path with synchronous hashes whose transforms are allocated
 * when the key is installed, so softirq never allocates.  Secrets are wiped
 * when keys go, and never leave the module.
 */

#include <crypto/algapi.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "auth.h"
#include "netns.h"

#define NTPSEC_CMAC_KEY_LEN 16

static const struct {
	const char *alg;
	u8 digest_len;
} ntpsec_key_types[__NTPSEC_KEY_TYPE_MAX] = {
	[NTPSEC_KEY_MD5] = { "md5", NTP_DIGEST_MD5_LEN },
	[NTPSEC_KEY_SHA1] = { "sha1", NTP_DIGEST_SHA1_LEN },
	[NTPSEC_KEY_AES128_CMAC] = { "cmac(aes)", NTP_DIGEST_MD5_LEN },
};

static const struct ntpsec_key *ntpsec_key_lookup(struct ntpsec_net *nn, u32 id)
{
	const struct ntpsec_key *key;

	hash_for_each_possible_rcu(nn->keys.table, key, node, id)
		if (key->id == id)
			return key;
	return NULL;
}

static int compute_digest(const struct ntpsec_key *key, const u8 *data,
			  unsigned int len, u8 *out)
{
	SHASH_DESC_ON_STACK(desc, key->tfm);
	int ret;

	desc->tfm = key->tfm;
	ret = crypto_shash_init(desc);
	if (!ret && key->type != NTPSEC_KEY_AES128_CMAC)
		ret = crypto_shash_update(desc, key->secret, key->secret_len);
	if (!ret)
		ret = crypto_shash_update(desc, data, len);
	if (!ret)
		ret = crypto_shash_final(desc, out);
	shash_desc_zero(desc);
	return ret;
}

enum ntpsec_mac_result ntpsec_mac_verify(struct ntpsec_net *nn, const u8 *buf,
					 const struct ntp_packet *pkt,
					 const struct ntpsec_key **keyp)
{
	const struct ntpsec_key *key = ntpsec_key_lookup(nn, pkt->key_id);
	u8 digest[NTP_DIGEST_SHA1_LEN];
	const u8 *mac = buf + pkt->mac_offset + NTP_KEYID_LEN;

	if (!key)
		return NTPSEC_MAC_UNKNOWN_KEY;
	if (pkt->mac_len != ntpsec_mac_len(key) ||
	    compute_digest(key, buf, pkt->mac_offset, digest) ||
	    crypto_memneq(digest, mac, key->digest_len))
		return NTPSEC_MAC_BAD;
	*keyp = key;
	return NTPSEC_MAC_OK;
}

unsigned int ntpsec_mac_sign(const struct ntpsec_key *key, u8 *buf,
			     unsigned int len)
{
	u8 digest[NTP_DIGEST_SHA1_LEN];

	ntp_put_be32(buf + len, key->id);
	/* A hash that fails leaves a MAC no client accepts, never garbage. */
	if (compute_digest(key, buf, len, digest))
		memset(digest, 0, sizeof(digest));
	memcpy(buf + len + NTP_KEYID_LEN, digest, key->digest_len);
	return len + ntpsec_mac_len(key);
}

void ntpsec_keys_init(struct ntpsec_keys *keys)
{
	hash_init(keys->table);
	keys->n = 0;
}

static void ntpsec_key_free(struct ntpsec_key *key)
{
	crypto_free_shash(key->tfm);
	kfree_sensitive(key);
}

static struct ntpsec_key *ntpsec_key_alloc(u32 id, u8 type, const u8 *secret,
					   unsigned int len,
					   struct netlink_ext_ack *extack)
{
	u8 cmac_key[NTPSEC_CMAC_KEY_LEN] = {};
	struct ntpsec_key *key;
	int ret;

	key = kzalloc(sizeof(*key), GFP_KERNEL);
	if (!key)
		return ERR_PTR(-ENOMEM);
	key->id = id;
	key->type = type;
	key->digest_len = ntpsec_key_types[type].digest_len;
	key->secret_len = len;
	memcpy(key->secret, secret, len);
	key->tfm = crypto_alloc_shash(ntpsec_key_types[type].alg, 0, 0);
	if (IS_ERR(key->tfm)) {
		ret = PTR_ERR(key->tfm);
		NL_SET_ERR_MSG(extack, "the kernel lacks this hash algorithm");
		kfree_sensitive(key);
		return ERR_PTR(ret);
	}
	if (type == NTPSEC_KEY_AES128_CMAC) {
		/* As NTPsec does: zero-padded or cut to 16 octets. */
		memcpy(cmac_key, secret, min_t(unsigned int, len, sizeof(cmac_key)));
		ret = crypto_shash_setkey(key->tfm, cmac_key, sizeof(cmac_key));
		memzero_explicit(cmac_key, sizeof(cmac_key));
		if (ret) {
			ntpsec_key_free(key);
			return ERR_PTR(ret);
		}
	}
	return key;
}

int ntpsec_key_set(struct ntpsec_net *nn, u32 id, u8 type, const u8 *secret,
		   unsigned int len, struct netlink_ext_ack *extack)
{
	struct ntpsec_key *key, *old = NULL, *k;

	hash_for_each_possible(nn->keys.table, k, node, id)
		if (k->id == id)
			old = k;
	if (!old && nn->keys.n >= NTPSEC_MAX_KEYS) {
		NL_SET_ERR_MSG(extack, "too many keys");
		return -ENOSPC;
	}
	key = ntpsec_key_alloc(id, type, secret, len, extack);
	if (IS_ERR(key))
		return PTR_ERR(key);
	if (old) {
		hlist_replace_rcu(&old->node, &key->node);
		synchronize_rcu();
		ntpsec_key_free(old);
	} else {
		hash_add_rcu(nn->keys.table, &key->node, id);
		nn->keys.n++;
	}
	return 0;
}

int ntpsec_key_del(struct ntpsec_net *nn, u32 id)
{
	struct ntpsec_key *k;

	hash_for_each_possible(nn->keys.table, k, node, id) {
		if (k->id != id)
			continue;
		hash_del_rcu(&k->node);
		nn->keys.n--;
		synchronize_rcu();
		ntpsec_key_free(k);
		return 0;
	}
	return -ENOENT;
}

/* Namespace teardown: no reader is left. */
void ntpsec_keys_free(struct ntpsec_keys *keys)
{
	struct hlist_node *tmp;
	struct ntpsec_key *k;
	unsigned int bkt;

	hash_for_each_safe(keys->table, bkt, tmp, k, node) {
		hash_del(&k->node);
		ntpsec_key_free(k);
	}
	keys->n = 0;
}
