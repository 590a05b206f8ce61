/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR BSD-2-Clause */
/*
 * ntpsec.h - the contract between the ntpsec kernel module and userspace.
 *
 * The module registers the generic netlink family NTPSEC_GENL_NAME, version
 * NTPSEC_GENL_VERSION.  A client resolves the family id through the generic
 * netlink controller ("nlctrl"), then sends requests with a genlmsghdr whose
 * version is NTPSEC_GENL_VERSION; the reserved byte must be zero.  All
 * attributes are nested directly in the top-level message unless stated.
 *
 * The family is per network namespace: a request acts on the namespace of the
 * netlink socket that sent it, and sees only that namespace's sockets, state
 * and counters.
 *
 * Permissions: commands that only read (NTPSEC_CMD_GET_*) need no privilege.
 * Every command that changes state needs CAP_NET_ADMIN over the user namespace
 * that owns the network namespace.
 *
 * Validation: policies are strict.  Unknown attributes, attributes of the
 * wrong length and unknown flag bits are rejected with -EINVAL (and an extack
 * message naming the attribute).  A command either applies completely or
 * changes nothing.
 *
 * NTPSEC_CMD_GET_STATUS
 *   Request: no attributes.
 *   Reply (same command):
 *     NTPSEC_A_STATUS_MODULE_VERSION   NLA_NUL_STRING, e.g. "0.1.0"
 *     NTPSEC_A_STATUS_PROTO_VERSION    NLA_U32, equals NTPSEC_GENL_VERSION
 *     NTPSEC_A_STATUS_SOCKETS          NLA_U32, sockets attached in this netns
 *     NTPSEC_A_STATUS_FLAGS            NLA_U32, NTPSEC_STATUS_F_* bits
 *
 * NTPSEC_STATUS_F_SYNCHRONIZED is clear until a server state with a leap
 * indicator other than 3 (alarm) has been pushed: until then every reply the
 * module sends says "unsynchronized": LI=3 and stratum 0 on the wire, which
 * ntpd and NTPsec show as stratum 16.
 */
#ifndef _UAPI_LINUX_NTPSEC_H
#define _UAPI_LINUX_NTPSEC_H

#define NTPSEC_GENL_NAME	"ntpsec"
#define NTPSEC_GENL_VERSION	1

enum ntpsec_cmd {
	NTPSEC_CMD_UNSPEC,
	NTPSEC_CMD_GET_STATUS,
	__NTPSEC_CMD_MAX
};
#define NTPSEC_CMD_MAX (__NTPSEC_CMD_MAX - 1)

enum ntpsec_status_flag {
	NTPSEC_STATUS_F_SYNCHRONIZED = 1U << 0,
	__NTPSEC_STATUS_F_ALL = NTPSEC_STATUS_F_SYNCHRONIZED
};

enum ntpsec_attr {
	NTPSEC_A_UNSPEC,
	NTPSEC_A_STATUS_MODULE_VERSION,
	NTPSEC_A_STATUS_PROTO_VERSION,
	NTPSEC_A_STATUS_SOCKETS,
	NTPSEC_A_STATUS_FLAGS,
	__NTPSEC_A_LAST
};
#define NTPSEC_A_MAX (__NTPSEC_A_LAST - 1)

#endif /* _UAPI_LINUX_NTPSEC_H */
