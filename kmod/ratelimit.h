/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NTPSEC_RATELIMIT_H
#define _NTPSEC_RATELIMIT_H

#include <linux/siphash.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>

#include "../user/wire/ntp_ratelimit.h"

/* Configuration as NTPSEC_CMD_SET_RATELIMIT carries it. */
struct ntpsec_rl_config {
	u32 flags;		/* NTPSEC_RL_F_* */
	s8 interval;		/* log2 seconds */
	u32 burst;
	u8 leak;
	u32 table_size;
};

#define NTPSEC_RL_LOCKS 256	/* sets share these locks, striped */

struct ntpsec_ratelimit {
	struct ntpsec_rl_config cfg;
	u64 interval_ns;
	u64 tolerance_ns;	/* (burst - 1) intervals */
	unsigned int set_mask;
	siphash_key_t hash_key;
	spinlock_t locks[NTPSEC_RL_LOCKS];	/* entry updates, striped by set */
	struct ntp_rl_entry *table;
	struct rcu_head rcu;
};

enum ntpsec_rl_verdict {
	NTPSEC_RL_PASS,		/* within the limit */
	NTPSEC_RL_LEAK,		/* over it, but answered anyway */
	NTPSEC_RL_KOD,		/* over it: send a RATE kiss-o'-death */
	NTPSEC_RL_DROP,		/* over it: no answer */
};

struct ntpsec_net;

enum ntpsec_rl_verdict ntpsec_ratelimit_check(struct ntpsec_net *nn,
					      const struct sk_buff *skb);
int ntpsec_ratelimit_set(struct ntpsec_net *nn,
			 const struct ntpsec_rl_config *cfg);
void ntpsec_ratelimit_get(struct ntpsec_net *nn, struct ntpsec_rl_config *cfg);
void ntpsec_ratelimit_free(struct ntpsec_net *nn);
bool ntpsec_ratelimit_entry(struct ntpsec_ratelimit *rl, unsigned int idx,
			    struct ntp_rl_entry *out);

#endif
