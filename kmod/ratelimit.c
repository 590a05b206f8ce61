// SPDX-License-Identifier: GPL-2.0
/*
 * Per-source rate limiting in the fast path: the generic cell rate
 * algorithm (one timestamp per source) over a fixed-size, 4-way
 * set-associative table allocated when the operator sets the limit.  No
 * allocation per packet, memory bounded by configuration, and a flood from
 * many sources only evicts the least recently seen ones.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/log2.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <uapi/linux/ntpsec.h>

#include "netns.h"
#include "ratelimit.h"

static u64 source_key(const struct sk_buff *skb)
{
	if (ip_hdr(skb)->version == 4)
		return ntp_rl_key_v4((const u8 *)&ip_hdr(skb)->saddr);
	return ntp_rl_key_v6(ipv6_hdr(skb)->saddr.s6_addr);
}

enum ntpsec_rl_verdict ntpsec_ratelimit_check(struct ntpsec_net *nn,
					      const struct sk_buff *skb)
{
	struct ntpsec_ratelimit *rl = rcu_dereference(nn->ratelimit);
	struct ntp_rl_entry *e;
	unsigned int set;
	bool admit;
	u64 key, now;

	if (!rl)
		return NTPSEC_RL_PASS;
	key = source_key(skb);
	now = ktime_get_mono_fast_ns();
	set = siphash_1u64(key, &rl->hash_key) & rl->set_mask;

	spin_lock(&rl->locks[set % NTPSEC_RL_LOCKS]);
	e = ntp_rl_lookup(&rl->table[set * NTP_RL_WAYS], key, now);
	if (rl->cfg.flags & NTPSEC_RL_F_ENABLED) {
		admit = ntp_rl_admit(e, now, rl->interval_ns, rl->tolerance_ns);
	} else {
		ntp_rl_count(e, now);	/* the client log only */
		admit = true;
	}
	spin_unlock(&rl->locks[set % NTPSEC_RL_LOCKS]);

	if (admit)
		return NTPSEC_RL_PASS;
	if (rl->cfg.leak && !(get_random_u32() & (BIT(rl->cfg.leak) - 1)))
		return NTPSEC_RL_LEAK;
	return rl->cfg.flags & NTPSEC_RL_F_KOD ? NTPSEC_RL_KOD : NTPSEC_RL_DROP;
}

static void ratelimit_free(struct ntpsec_ratelimit *rl)
{
	if (!rl)
		return;
	kvfree(rl->table);
	kfree(rl);
}

static void ratelimit_free_rcu(struct rcu_head *rcu)
{
	ratelimit_free(container_of(rcu, struct ntpsec_ratelimit, rcu));
}

/* Validated by the netlink policy; table_size a power of two. */
int ntpsec_ratelimit_set(struct ntpsec_net *nn,
			 const struct ntpsec_rl_config *cfg)
{
	struct ntpsec_ratelimit *rl = NULL, *old;
	unsigned int i;

	if (cfg->flags & (NTPSEC_RL_F_ENABLED | NTPSEC_RL_F_CLIENTLOG)) {
		rl = kzalloc(sizeof(*rl), GFP_KERNEL);
		if (!rl)
			return -ENOMEM;
		rl->table = kvcalloc(cfg->table_size, sizeof(*rl->table),
				     GFP_KERNEL);
		if (!rl->table) {
			kfree(rl);
			return -ENOMEM;
		}
		rl->cfg = *cfg;
		rl->interval_ns = cfg->interval >= 0 ?
				  NSEC_PER_SEC << cfg->interval :
				  NSEC_PER_SEC >> -cfg->interval;
		rl->tolerance_ns = (u64)(cfg->burst - 1) * rl->interval_ns;
		rl->set_mask = cfg->table_size / NTP_RL_WAYS - 1;
		get_random_bytes(&rl->hash_key, sizeof(rl->hash_key));
		for (i = 0; i < NTPSEC_RL_LOCKS; i++)
			spin_lock_init(&rl->locks[i]);
	}
	old = rcu_replace_pointer(nn->ratelimit, rl, lockdep_is_held(&nn->lock));
	if (old)
		call_rcu(&old->rcu, ratelimit_free_rcu);
	return 0;
}

void ntpsec_ratelimit_get(struct ntpsec_net *nn, struct ntpsec_rl_config *cfg)
{
	struct ntpsec_ratelimit *rl;

	rl = rcu_dereference_protected(nn->ratelimit, lockdep_is_held(&nn->lock));
	if (rl)
		*cfg = rl->cfg;
	else
		*cfg = (struct ntpsec_rl_config){ .interval = 3, .burst = 8,
						  .leak = 2, .table_size = 16384 };
}

/*
 * A copy of table entry @idx if it holds a source, taken under its set's
 * lock so that the figures agree with each other.  Caller holds the RCU
 * read lock over @rl.
 */
bool ntpsec_ratelimit_entry(struct ntpsec_ratelimit *rl, unsigned int idx,
			    struct ntp_rl_entry *out)
{
	spinlock_t *lock = &rl->locks[(idx / NTP_RL_WAYS) % NTPSEC_RL_LOCKS];

	spin_lock_bh(lock);
	*out = rl->table[idx];
	spin_unlock_bh(lock);
	return out->key != 0;
}

/* Namespace teardown: no reader is left. */
void ntpsec_ratelimit_free(struct ntpsec_net *nn)
{
	ratelimit_free(rcu_dereference_protected(nn->ratelimit, true));
}
