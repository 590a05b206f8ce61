// SPDX-License-Identifier: GPL-2.0
/*
 * Interleaved server mode (RFC 9769, as chrony serves it).
 *
 * Every time reply is tracked in a slot of a fixed table, keyed by the
 * receive timestamp it carried.  A client in interleaved mode sends, as its
 * origin timestamp, the receive timestamp of our previous reply: such a
 * request names a slot.  Only replies to those requests are stamped (as
 * chrony does: stamping costs the stack a clone per reply, and a NIC that
 * stamps one packet at a time would spend itself on clients that never ask
 * for the stamp): the reply's skb is owned by a private kernel socket, and
 * asks the driver for a hardware stamp (used when the NIC's tx_type is on)
 * and a software one (skipped by the stack when the NIC promised a hardware
 * stamp).  The stamps come back on that socket's error queue, timestamp
 * only, with the slot's key in tskey.  So a new client's second request
 * shows it is in interleaved mode, and its third reply is the first that
 * can be interleaved.
 *
 * If the slot a request names holds that reply's actual transmit time, the
 * reply is interleaved: origin = the request's receive timestamp, transmit
 * = that earlier transmit time.  Otherwise the reply is a correct basic
 * one.  The table's size is fixed when the first socket is attached; newer
 * replies overwrite older ones in their slot.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errqueue.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/net_tstamp.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <net/sock.h>

#include "netns.h"
#include "send.h"
#include "xleave.h"

static unsigned int xleave_slots = 4096;
module_param(xleave_slots, uint, 0444);
MODULE_PARM_DESC(xleave_slots, "Replies remembered per network namespace for interleaved mode (rounded up to a power of two, at most 1048576; 0: no interleaved mode, no transmit stamps)");

#define XLEAVE_MAX_SLOTS	BIT(20)
#define XLEAVE_DRAIN_MAX	32	/* stamps read per request, at most */
#define XLEAVE_RCVBUF		BIT(20)		/* stamps waiting, bytes */

static u64 ktime_to_ntp(ktime_t t)
{
	struct timespec64 ts = ktime_to_timespec64(t);

	return ntp_ts_from_unix(ts.tv_sec, ts.tv_nsec);
}

static unsigned int slot_index(const struct ntpsec_xleave *xl, u32 key)
{
	return hash_32(key, xl->bits);
}

static spinlock_t *slot_lock(struct ntpsec_xleave *xl, unsigned int idx)
{
	return &xl->locks[idx % NTPSEC_XLEAVE_LOCKS];
}

/* NTP timestamps' difference b - a in ns, 0 if b is not later. */
static s64 ntp_diff_ns(u64 a, u64 b)
{
	s64 d = (s64)(b - a);

	return d > 0 ? (s64)mul_u64_u32_shr(d, NSEC_PER_SEC, 32) : 0;
}

/* A stamp taken from the error queue: into its slot if still there. */
static void xleave_stamp(struct ntpsec_net *nn, struct ntpsec_xleave *xl,
			 const struct sk_buff *skb)
{
	const struct sock_exterr_skb *serr = SKB_EXT_ERR(skb);
	ktime_t hw = skb_hwtstamps((struct sk_buff *)skb)->hwtstamp;
	u32 key = skb_shinfo(skb)->tskey;
	unsigned int idx = slot_index(xl, key);
	struct ntpsec_xleave_slot *s = &xl->slot[idx];
	bool first;
	s64 utc;

	if (serr->ee.ee_origin != SO_EE_ORIGIN_TIMESTAMPING ||
	    serr->ee.ee_info != SCM_TSTAMP_SND)
		return;
	spin_lock(slot_lock(xl, idx));
	if (!s->rx || (u32)s->rx != key) {
		spin_unlock(slot_lock(xl, idx));
		ntpsec_count(nn, NTPSEC_CTR_TXTS_LATE);
		return;
	}
	first = !s->tx;
	if (hw) {
		if (ntpsec_phc_to_utc(&nn->phc, s->ifindex, ktime_to_ns(hw),
				      &utc)) {
			s->tx = ktime_to_ntp(ns_to_ktime(utc));
			s->hw = true;
			ntpsec_count(nn, NTPSEC_CTR_TXTS_HW);
		} else {
			ntpsec_count(nn, NTPSEC_CTR_TS_PHC_STALE);
		}
	} else if (skb->tstamp && !s->hw) {
		s->tx = ktime_to_ntp(skb->tstamp);
		ntpsec_count(nn, NTPSEC_CTR_TXTS_DRIVER);
	}
	if (first && s->tx)
		ntpsec_count_wire_latency(nn->stats, ntp_diff_ns(s->rx, s->tx));
	spin_unlock(slot_lock(xl, idx));
}

/* The stamps that came back since the last request; bounded work. */
static void xleave_drain(struct ntpsec_net *nn, struct ntpsec_xleave *xl)
{
	struct sk_buff *skb;
	unsigned int i, n;

	for (i = 0; i < ARRAY_SIZE(xl->sock); i++) {
		struct sock *sk;

		if (!xl->sock[i])
			continue;
		sk = xl->sock[i]->sk;
		for (n = 0; n < XLEAVE_DRAIN_MAX; n++) {
			if (skb_queue_empty_lockless(&sk->sk_error_queue))
				break;
			skb = skb_dequeue(&sk->sk_error_queue);
			if (!skb)
				break;
			xleave_stamp(nn, xl, skb);
			consume_skb(skb);
		}
	}
}

/*
 * Called with the basic reply in @reply (its receive timestamp set): makes
 * it interleaved if @req asks for it and we have the stamp.  RFC 9769's
 * test, as chrony applies it: NTPv4, an origin timestamp that is one of our
 * receive timestamps, and receive differing from transmit (a client in
 * basic mode may set them equal).  A stamp is given once.  @stamp says
 * whether this reply is to be stamped: the request named one of our
 * replies, so its client is in interleaved mode.
 */
bool ntpsec_xleave_reply(struct ntpsec_net *nn, const struct ntp_header *req,
			 struct ntp_header *reply, bool *stamp)
{
	struct ntpsec_xleave *xl = rcu_dereference(nn->xleave);
	struct ntpsec_xleave_slot *s;
	unsigned int idx;
	u64 tx = 0;

	*stamp = false;
	if (!xl)
		return false;
	xleave_drain(nn, xl);
	if (req->version != 4 || !req->origin || req->receive == req->transmit)
		return false;

	idx = slot_index(xl, (u32)req->origin);
	s = &xl->slot[idx];
	spin_lock(slot_lock(xl, idx));
	if (s->rx == req->origin) {
		*stamp = true;
		if (s->tx && !s->served) {
			tx = s->tx;
			s->served = true;
		}
	}
	spin_unlock(slot_lock(xl, idx));
	if (!tx) {
		ntpsec_count(nn, NTPSEC_CTR_XLEAVE_BASIC);
		return false;
	}
	reply->origin = req->receive;
	reply->transmit = tx;
	ntpsec_count(nn, NTPSEC_CTR_XLEAVE);
	return true;
}

/*
 * A time reply about to leave, whose receive timestamp is @rx: its slot
 * is taken (the reply it held, if stamps were asked for and none came, is
 * counted), and with @stamp its skb is given to our socket with stamps
 * requested.
 */
void ntpsec_xleave_track(struct ntpsec_net *nn, struct ntpsec_xmit *x, u64 rx,
			 bool stamp)
{
	struct ntpsec_xleave *xl = rcu_dereference(nn->xleave);
	struct ntpsec_xleave_slot *s;
	struct socket *sock;
	unsigned int idx;

	if (!xl || !rx)
		return;
	sock = xl->sock[x->ipv6];
	if (!sock)
		return;
	idx = slot_index(xl, (u32)rx);
	s = &xl->slot[idx];
	spin_lock(slot_lock(xl, idx));
	if (s->rx && s->stamping && !s->tx)
		ntpsec_count(nn, NTPSEC_CTR_TXTS_NONE);
	s->rx = rx;
	s->tx = 0;
	s->ifindex = x->dst->dev->ifindex;
	s->hw = false;
	s->stamping = stamp;
	s->served = false;
	spin_unlock(slot_lock(xl, idx));

	if (!stamp)
		return;
	skb_set_owner_w(x->skb, sock->sk);
	skb_shinfo(x->skb)->tx_flags |= SKBTX_HW_TSTAMP | SKBTX_SW_TSTAMP;
	skb_shinfo(x->skb)->tskey = (u32)rx;
}

static int xleave_socket(struct net *net, int family, struct socket **res)
{
	struct socket *sock;
	int ret;

	ret = sock_create_kern(net, family, SOCK_DGRAM, IPPROTO_UDP, &sock);
	if (ret)
		return ret;
	/* Stamps without the packet, so no capability is needed. */
	WRITE_ONCE(sock->sk->sk_tsflags, SOF_TIMESTAMPING_OPT_TSONLY |
					 SOF_TIMESTAMPING_OPT_ID);
	WRITE_ONCE(sock->sk->sk_rcvbuf, XLEAVE_RCVBUF);
	*res = sock;
	return 0;
}

static void xleave_release(struct ntpsec_xleave *xl)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(xl->sock); i++)
		if (xl->sock[i])
			sock_release(xl->sock[i]);
	kvfree(xl->slot);
	kfree(xl);
}

/*
 * At the first socket attach (process context, nn->lock held).  Failing
 * is not fatal: the namespace serves basic mode only.
 */
int ntpsec_xleave_enable(struct ntpsec_net *nn)
{
	unsigned int slots = min_t(unsigned int, READ_ONCE(xleave_slots),
				   XLEAVE_MAX_SLOTS);
	struct ntpsec_xleave *xl;
	unsigned int i;
	int ret;

	if (rcu_access_pointer(nn->xleave) || !slots)
		return 0;
	xl = kzalloc(sizeof(*xl), GFP_KERNEL);
	if (!xl)
		return -ENOMEM;
	xl->bits = order_base_2(slots);
	xl->slot = kvcalloc(1U << xl->bits, sizeof(*xl->slot), GFP_KERNEL);
	if (!xl->slot) {
		ret = -ENOMEM;
		goto err;
	}
	for (i = 0; i < NTPSEC_XLEAVE_LOCKS; i++)
		spin_lock_init(&xl->locks[i]);
	ret = xleave_socket(nn->net, AF_INET, &xl->sock[0]);
	if (ret)
		goto err;
	/* Without IPv6 in this kernel, IPv6 replies are not stamped. */
	if (IS_ENABLED(CONFIG_IPV6))
		xleave_socket(nn->net, AF_INET6, &xl->sock[1]);
	rcu_assign_pointer(nn->xleave, xl);
	return 0;

err:
	xleave_release(xl);
	return ret;
}

/* Namespace teardown: no receive path is left. */
void ntpsec_xleave_free(struct ntpsec_net *nn)
{
	struct ntpsec_xleave *xl = rcu_dereference_protected(nn->xleave, true);

	if (xl)
		xleave_release(xl);
}
