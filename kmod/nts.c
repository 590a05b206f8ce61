// SPDX-License-Identifier: GPL-2.0
/*
 * NTS (RFC 8915) in the fast path: the cookie master keys of each network
 * namespace, and the AEAD nts_wire.c is given.  The packet steps themselves
 * (parsing the NTS fields, opening the cookie, checking the authenticator,
 * sealing fresh cookies) are the shared code's, the same the daemon runs.
 */

#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "aes_siv.h"
#include "netns.h"
#include "nts.h"

static int to_siv_ad(const struct nts_ad *ad, unsigned int n_ad,
		     struct ntpsec_siv_ad *out)
{
	unsigned int i;

	if (n_ad > NTPSEC_SIV_MAX_AD)
		return -EINVAL;
	for (i = 0; i < n_ad; i++)
		out[i] = (struct ntpsec_siv_ad){ ad[i].data, ad[i].len };
	return 0;
}

static int nts_seal(void *ctx, const u8 *key, const struct nts_ad *ad,
		    unsigned int n_ad, const u8 *pt, size_t len, u8 *siv,
		    u8 *ct)
{
	struct ntpsec_siv_ad kad[NTPSEC_SIV_MAX_AD];

	if (to_siv_ad(ad, n_ad, kad) || len > NTPSEC_SIV_MAX_LEN)
		return -1;
	if (len && ct != pt)
		memmove(ct, pt, len);
	return ntpsec_siv_encrypt(key, kad, n_ad, ct, len, siv) ? -1 : 0;
}

static int nts_open(void *ctx, const u8 *key, const struct nts_ad *ad,
		    unsigned int n_ad, const u8 *siv, const u8 *ct, size_t len,
		    u8 *pt)
{
	struct ntpsec_siv_ad kad[NTPSEC_SIV_MAX_AD];

	if (to_siv_ad(ad, n_ad, kad) || len > NTPSEC_SIV_MAX_LEN)
		return -1;
	if (len && pt != ct)
		memmove(pt, ct, len);
	return ntpsec_siv_decrypt(key, kad, n_ad, pt, len, siv) ? -1 : 0;
}

static int nts_random(void *ctx, u8 *buf, size_t len)
{
	get_random_bytes(buf, len);
	return 0;
}

const struct nts_aead_ops ntpsec_nts_ops = {
	.seal = nts_seal,
	.open = nts_open,
	.random = nts_random,
};

const struct ntpsec_nts_keys *ntpsec_nts_keys(struct ntpsec_net *nn)
{
	const struct ntpsec_nts_keys *keys = rcu_dereference(nn->nts);

	return keys && ntpsec_siv_ready() ? keys : NULL;
}

static void nts_keys_free_rcu(struct rcu_head *rcu)
{
	kfree_sensitive(container_of(rcu, struct ntpsec_nts_keys, rcu));
}

void ntpsec_nts_set_keys(struct ntpsec_net *nn, struct ntpsec_nts_keys *keys)
{
	struct ntpsec_nts_keys *old;

	old = rcu_replace_pointer(nn->nts, keys, lockdep_is_held(&nn->lock));
	if (old)
		call_rcu(&old->rcu, nts_keys_free_rcu);
}

/* Namespace teardown: no reader is left. */
void ntpsec_nts_free(struct ntpsec_net *nn)
{
	kfree_sensitive(rcu_dereference_protected(nn->nts, true));
}
