// SPDX-License-Identifier: GPL-2.0
/*
 * Adopting the daemon's UDP sockets.  The module installs an encapsulation
 * receive hook on each (as L2TP and ESP-in-UDP do): datagrams it answers are
 * consumed, everything else goes to the socket's queue as usual.  The daemon
 * keeps owning the socket; detaching restores it to a plain UDP socket.
 *
 * A socket leaves in one of three ways, and exactly one of them does the
 * work, the one that takes its record off the namespace's list:
 * - its owner closes it: encap_destroy runs;
 * - NTPSEC_CMD_DETACH_SOCKET;
 * - the namespace goes away or the module is unloaded.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/file.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/sock.h>
#include <net/udp_tunnel.h>

#include "compat.h"
#include "netns.h"
#include "receive.h"
#include "socket.h"

/* Any non-zero value marks an encapsulation socket; xfrm's are 1-3. */
#define NTPSEC_UDP_ENCAP_TYPE 16

struct ntpsec_sock {
	struct list_head node;		/* in ntpsec_net.sockets */
	struct ntpsec_net *nn;
	struct sock *sk;		/* holds a reference */
	bool mc_loop;			/* the owner's setting, restored */
	struct rcu_head rcu;
};

static int ntpsec_encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct ntpsec_sock *ns = rcu_dereference_sk_user_data(sk);

	if (unlikely(!ns))
		return 1;
	return ntpsec_receive(ns->nn, sk, skb);
}

static void ntpsec_sock_free_rcu(struct rcu_head *rcu)
{
	struct ntpsec_sock *ns = container_of(rcu, struct ntpsec_sock, rcu);

	sock_put(ns->sk);
	kfree(ns);
}

/* Takes @ns off the list; false if someone else got there first. */
static bool ntpsec_sock_unlink(struct ntpsec_sock *ns)
{
	struct ntpsec_net *nn = ns->nn;
	bool mine = false;

	spin_lock_bh(&nn->sockets_lock);
	if (!list_empty(&ns->node)) {
		list_del_init(&ns->node);
		nn->nr_sockets--;
		mine = true;
	}
	spin_unlock_bh(&nn->sockets_lock);
	return mine;
}

/* Makes the socket a plain UDP socket again; the caller unlinked @ns. */
static void ntpsec_sock_restore(struct ntpsec_sock *ns, bool lock)
{
	struct sock *sk = ns->sk;
	struct udp_sock *up = udp_sk(sk);

	if (lock)
		lock_sock(sk);
	WRITE_ONCE(up->encap_type, 0);
	WRITE_ONCE(up->encap_rcv, NULL);
	WRITE_ONCE(up->encap_destroy, NULL);
	inet_dec_convert_csum(sk);
	ntpsec_set_mc_loop(sk, ns->mc_loop);
	write_lock_bh(&sk->sk_callback_lock);
	rcu_assign_sk_user_data(sk, NULL);
	write_unlock_bh(&sk->sk_callback_lock);
	if (lock)
		release_sock(sk);
	net_disable_timestamp();
	call_rcu(&ns->rcu, ntpsec_sock_free_rcu);
}

/* The owner closed the socket: it is being destroyed, not locked by us. */
static void ntpsec_encap_destroy(struct sock *sk)
{
	struct ntpsec_sock *ns;

	rcu_read_lock();
	ns = rcu_dereference_sk_user_data(sk);
	if (ns && ntpsec_sock_unlink(ns))
		ntpsec_sock_restore(ns, false);
	rcu_read_unlock();
}

static int ntpsec_sock_check(struct ntpsec_net *nn, struct sock *sk,
			     struct netlink_ext_ack *extack)
{
	if (sk->sk_type != SOCK_DGRAM || sk->sk_protocol != IPPROTO_UDP ||
	    (sk->sk_family != AF_INET && sk->sk_family != AF_INET6)) {
		NL_SET_ERR_MSG(extack, "not a UDP socket");
		return -EINVAL;
	}
	if (!net_eq(sock_net(sk), nn->net)) {
		NL_SET_ERR_MSG(extack, "the socket is in another network namespace");
		return -EINVAL;
	}
	if (!inet_sk(sk)->inet_num) {
		NL_SET_ERR_MSG(extack, "the socket is not bound to a port");
		return -EINVAL;
	}
	return 0;
}

int ntpsec_socket_attach(struct ntpsec_net *nn, int fd,
			 struct netlink_ext_ack *extack)
{
	struct udp_tunnel_sock_cfg cfg = {
		.encap_type = NTPSEC_UDP_ENCAP_TYPE,
		.encap_rcv = ntpsec_encap_rcv,
		.encap_destroy = ntpsec_encap_destroy,
	};
	struct ntpsec_sock *ns;
	struct socket *sock;
	struct sock *sk;
	int ret;

	sock = sockfd_lookup(fd, &ret);
	if (!sock) {
		NL_SET_ERR_MSG(extack, "no socket with that file descriptor");
		return ret;
	}
	sk = sock->sk;
	ret = ntpsec_sock_check(nn, sk, extack);
	if (ret)
		goto out_put;

	ns = kzalloc(sizeof(*ns), GFP_KERNEL);
	if (!ns) {
		ret = -ENOMEM;
		goto out_put;
	}
	/* Interleaved mode's state; without it, basic mode only. */
	if (ntpsec_xleave_enable(nn))
		pr_warn_once("no memory for interleaved mode\n");
	ns->nn = nn;
	ns->sk = sk;
	INIT_LIST_HEAD(&ns->node);

	lock_sock(sk);
	if (sk->sk_user_data || udp_sk(sk)->encap_type) {
		release_sock(sk);
		kfree(ns);
		NL_SET_ERR_MSG(extack, "the socket is already attached or encapsulated");
		ret = -EBUSY;
		goto out_put;
	}
	ns->mc_loop = ntpsec_get_mc_loop(sk);
	sock_hold(sk);
	cfg.sk_user_data = ns;
	setup_udp_tunnel_sock(nn->net, sock, &cfg);
	/* Kernel receive stamps for the requests, while we serve. */
	net_enable_timestamp();
	spin_lock_bh(&nn->sockets_lock);
	list_add_tail(&ns->node, &nn->sockets);
	nn->nr_sockets++;
	spin_unlock_bh(&nn->sockets_lock);
	release_sock(sk);
	ret = 0;

out_put:
	/* Our reference to the file ends here; the owner's close detaches. */
	sockfd_put(sock);
	return ret;
}

int ntpsec_socket_detach(struct ntpsec_net *nn, int fd,
			 struct netlink_ext_ack *extack)
{
	struct ntpsec_sock *ns;
	struct socket *sock;
	int ret;

	sock = sockfd_lookup(fd, &ret);
	if (!sock) {
		NL_SET_ERR_MSG(extack, "no socket with that file descriptor");
		return ret;
	}
	rcu_read_lock();
	ns = rcu_dereference_sk_user_data(sock->sk);
	if (ns && udp_sk(sock->sk)->encap_rcv == ntpsec_encap_rcv &&
	    ns->nn == nn && ntpsec_sock_unlink(ns)) {
		rcu_read_unlock();
		ntpsec_sock_restore(ns, true);
		ret = 0;
	} else {
		rcu_read_unlock();
		NL_SET_ERR_MSG(extack, "the socket is not attached");
		ret = -ENOENT;
	}
	sockfd_put(sock);
	return ret;
}

void ntpsec_socket_detach_all(struct ntpsec_net *nn)
{
	struct ntpsec_sock *ns;

	for (;;) {
		spin_lock_bh(&nn->sockets_lock);
		ns = list_first_entry_or_null(&nn->sockets, struct ntpsec_sock,
					      node);
		if (ns) {
			list_del_init(&ns->node);
			nn->nr_sockets--;
		}
		spin_unlock_bh(&nn->sockets_lock);
		if (!ns)
			break;
		ntpsec_sock_restore(ns, true);
	}
}
