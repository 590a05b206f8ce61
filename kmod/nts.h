/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NTPSEC_NTS_H
#define _NTPSEC_NTS_H

#include <linux/rcupdate.h>
#include <linux/types.h>

#include "../user/wire/nts_wire.h"

struct ntpsec_net;

/* The cookie master keys the daemon pushed (NTPSEC_CMD_SET_NTS_KEYS). */
struct ntpsec_nts_keys {
	struct nts_master_keys mks;		/* mks.key[0] seals */
	u64 created[NTS_MASTER_KEYS];		/* Unix seconds, for GET */
	struct rcu_head rcu;
};

/* The AES-SIV and randomness nts_wire.c works with, in the kernel. */
extern const struct nts_aead_ops ntpsec_nts_ops;

/* The keys to serve NTS with, or NULL: NTS requests are the daemon's. */
const struct ntpsec_nts_keys *ntpsec_nts_keys(struct ntpsec_net *nn);

/* Replaces the keys (NULL: none); under nn->lock. */
void ntpsec_nts_set_keys(struct ntpsec_net *nn, struct ntpsec_nts_keys *keys);
void ntpsec_nts_free(struct ntpsec_net *nn);

#endif
