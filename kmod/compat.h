/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernel lines the module supports (6.1 and 6.12,
 * as Debian ships them), kept in one place.
 */
#ifndef _NTPSEC_COMPAT_H
#define _NTPSEC_COMPAT_H

#include <linux/version.h>
#include <net/inet_sock.h>

/* 6.7 moved inet_sock's bit fields into inet_flags. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
static inline bool ntpsec_get_mc_loop(struct sock *sk)
{
	return inet_test_bit(MC_LOOP, sk);
}

static inline void ntpsec_set_mc_loop(struct sock *sk, bool on)
{
	inet_assign_bit(MC_LOOP, sk, on);
}
#else
static inline bool ntpsec_get_mc_loop(struct sock *sk)
{
	return inet_sk(sk)->mc_loop;
}

static inline void ntpsec_set_mc_loop(struct sock *sk, bool on)
{
	inet_sk(sk)->mc_loop = on;
}
#endif

#endif
