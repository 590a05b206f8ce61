// SPDX-License-Identifier: GPL-2.0
/*
 * ntpsec_bare.ko - the benchmark's yardstick, never installed: the least an
 * in-kernel NTP server can do.  A kernel UDP socket on port 123 in the
 * namespace of whoever writes 1 to the "attach" parameter answers every
 * 48-octet client request from its encapsulation hook with a fixed
 * stratum 1 reply: no access control, rate limiting, authentication,
 * counters, interleaved mode or timestamp source choice.  Everything else
 * goes up to the (unread) socket.  bench/run.sh serves the common load from
 * it so the table shows what the full-featured ntpsec.ko path costs beyond
 * the bare mechanism it shares with this file (adoption of a UDP socket,
 * a new reply skb routed back and sent with the UDP tunnel helpers).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/timekeeping.h>
#include <linux/udp.h>
#include <net/route.h>
#include <net/udp_tunnel.h>

#include "../../user/wire/ntp_wire.h"

#define NTP_LEN		48

static DEFINE_MUTEX(bare_lock);
/*
 * IPv4 only: the bench's topology.  A kernel socket holds no reference on
 * its namespace: the bench unloads this module before it deletes the
 * namespace, and nothing else uses it.
 */
static struct socket *bare_sock;

/* Big-endian NTP timestamp, with the wire code's conversion. */
static __be64 ntp_time(ktime_t t)
{
	struct timespec64 ts = ktime_to_timespec64(t);

	return cpu_to_be64(ntp_ts_from_unix(ts.tv_sec, ts.tv_nsec));
}

static int bare_rcv(struct sock *sk, struct sk_buff *skb)
{
	ktime_t rx = skb->tstamp ? skb->tstamp : ktime_get_real();
	const struct iphdr *iph = ip_hdr(skb);
	const struct udphdr *uh = udp_hdr(skb);
	struct flowi4 fl4 = {
		.daddr = iph->saddr,
		.saddr = iph->daddr,
		.flowi4_proto = IPPROTO_UDP,
		.fl4_sport = uh->dest,
		.fl4_dport = uh->source,
	};
	__be64 rx_ntp, tx_ntp;
	u8 *req, *rep;
	struct sk_buff *out;
	struct rtable *rt;
	unsigned int hr;

	if (skb->len != sizeof(*uh) + NTP_LEN || skb_linearize(skb))
		return 1;
	req = skb->data + sizeof(*uh);
	if ((req[0] & 7) != 3)
		return 1;
	rt = ip_route_output_key(sock_net(sk), &fl4);
	if (IS_ERR(rt))
		goto drop;
	hr = LL_RESERVED_SPACE(rt->dst.dev) + sizeof(struct iphdr) +
	     sizeof(struct udphdr);
	out = alloc_skb(hr + NTP_LEN, GFP_ATOMIC);
	if (!out) {
		ip_rt_put(rt);
		goto drop;
	}
	skb_reserve(out, hr);
	rep = skb_put_zero(out, NTP_LEN);
	rep[0] = (req[0] & 0x38) | 4;	/* LI 0, the client's version, server */
	rep[1] = 1;			/* stratum */
	rep[2] = req[2];		/* poll */
	rep[3] = (u8)-20;		/* precision */
	memcpy(rep + 12, "BARE", 4);
	rx_ntp = ntp_time(rx);
	memcpy(rep + 16, &rx_ntp, 8);		/* reference */
	memcpy(rep + 24, req + 40, 8);		/* origin */
	memcpy(rep + 32, &rx_ntp, 8);		/* receive */
	tx_ntp = ntp_time(ktime_get_real());
	memcpy(rep + 40, &tx_ntp, 8);		/* transmit */
	udp_tunnel_xmit_skb(rt, sk, out, fl4.saddr, fl4.daddr, 0,
			    ip4_dst_hoplimit(&rt->dst), 0, uh->dest,
			    uh->source, false, false);
drop:
	consume_skb(skb);
	return 0;
}

/* Writing 1 attaches in the writer's network namespace (once). */
static int bare_attach(const char *val, const struct kernel_param *kp)
{
	struct udp_port_cfg cfg = {
		.family = AF_INET,
		.local_udp_port = htons(123),
	};
	struct udp_tunnel_sock_cfg tcfg = {
		.encap_type = 1,
		.encap_rcv = bare_rcv,
	};
	struct socket *sock;
	int ret;

	if (!sysfs_streq(val, "1"))
		return -EINVAL;
	mutex_lock(&bare_lock);
	ret = -EBUSY;
	if (bare_sock)
		goto out;
	ret = udp_sock_create4(current->nsproxy->net_ns, &cfg, &sock);
	if (ret)
		goto out;
	/* Receive stamps as ntpsec.ko asks for them (same stack cost). */
	net_enable_timestamp();
	setup_udp_tunnel_sock(current->nsproxy->net_ns, sock, &tcfg);
	bare_sock = sock;
out:
	mutex_unlock(&bare_lock);
	return ret;
}

static const struct kernel_param_ops bare_attach_ops = {
	.set = bare_attach,
};
module_param_cb(attach, &bare_attach_ops, NULL, 0200);
MODULE_PARM_DESC(attach, "write 1: serve port 123 in the writer's network namespace");

static void __exit bare_exit(void)
{
	if (bare_sock) {
		udp_tunnel_sock_release(bare_sock);
		net_disable_timestamp();
	}
}

static int __init bare_init(void)
{
	return 0;
}

module_init(bare_init);
module_exit(bare_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ntpsec benchmark yardstick: a bare in-kernel NTP responder");
