/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR BSD-2-Clause */
/*
 * ntpsec.h - the contract between the ntpsec kernel module and userspace.
 *
 * The module registers the generic netlink family NTPSEC_GENL_NAME, version
 * NTPSEC_GENL_VERSION.  A client resolves the family id through the generic
 * netlink controller ("nlctrl"), then sends requests with a genlmsghdr whose
 * version is NTPSEC_GENL_VERSION; the reserved byte must be zero.  All
 * attributes share one attribute space (enum ntpsec_attr) and sit directly in
 * the message unless marked nested.
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
 * wrong length, values out of range and unknown flag bits are refused with
 * -EINVAL and an extack message naming the attribute.  A command either
 * applies completely or changes nothing.
 *
 * NTPSEC_CMD_GET_STATUS
 *   Request: no attributes.  Reply:
 *     NTPSEC_A_STATUS_MODULE_VERSION   NLA_NUL_STRING, e.g. "0.1.0"
 *     NTPSEC_A_STATUS_PROTO_VERSION    NLA_U32, equals NTPSEC_GENL_VERSION
 *     NTPSEC_A_STATUS_SOCKETS          NLA_U32, sockets attached in this netns
 *     NTPSEC_A_STATUS_FLAGS            NLA_U32, NTPSEC_STATUS_F_* bits
 *   and the server state attributes (NTPSEC_A_STATE_*) in force.
 *
 * NTPSEC_CMD_ATTACH_SOCKET, NTPSEC_CMD_DETACH_SOCKET
 *     NTPSEC_A_SOCKET_FD               NLA_U32, required
 *   Attach hands the module a bound UDP socket (IPv4 or IPv6, of the
 *   caller's namespace; an IPv6 socket that is not IPV6_V6ONLY also serves
 *   IPv4).  From then on the module answers the NTP client requests arriving
 *   on it and lets everything else through to the socket untouched.  The
 *   caller keeps owning the socket: closing it detaches it.  -EBUSY if the
 *   socket is already attached or used by another encapsulation; -ENOENT on
 *   detach if it is not attached.
 *
 * NTPSEC_CMD_SET_STATE
 *   What replies say about this server; all attributes required:
 *     NTPSEC_A_STATE_LEAP              NLA_U8, 0-3 (3: unsynchronized)
 *     NTPSEC_A_STATE_STRATUM           NLA_U8, 1-15 (ignored when LEAP is 3)
 *     NTPSEC_A_STATE_PRECISION         NLA_S8, log2 seconds, -32..0
 *     NTPSEC_A_STATE_ROOT_DELAY        NLA_U32, NTP short format (16.16 s)
 *     NTPSEC_A_STATE_ROOT_DISPERSION   NLA_U32, NTP short format (16.16 s)
 *     NTPSEC_A_STATE_REFID             NLA_U32, the four octets in network
 *                                      order read as a big-endian number
 *     NTPSEC_A_STATE_REFTIME           NLA_U64, NTP timestamp format (32.32)
 *   Until a state is set, replies say LI=3 and stratum 0 on the wire (what
 *   ntpd and NTPsec show as stratum 16, unsynchronized).
 *
 * NTPSEC_CMD_GET_STATS, NTPSEC_CMD_RESET_STATS
 *   Reply to GET:
 *     NTPSEC_A_STATS_COUNTERS  nested: attribute type i+1 is NLA_U64 counter
 *                              i of enum ntpsec_counter
 *     NTPSEC_A_STATS_LATENCY   nested: attribute type i+1 is NLA_U64, the
 *                              number of replies whose processing time
 *                              (receive timestamp to transmit timestamp) was
 *                              in [2^i, 2^(i+1)) ns; i < NTPSEC_LATENCY_BUCKETS
 *     NTPSEC_A_STATS_LATENCY_SUM NLA_U64, the sum of those processing
 *                              times in ns (with the buckets' total, the mean;
 *                              what a Prometheus histogram carries as _sum)
 *     NTPSEC_A_STATS_WIRE_LATENCY, NTPSEC_A_STATS_WIRE_LATENCY_SUM
 *                              the same for the time from receive timestamp
 *                              to the reply's actual transmit stamp (driver
 *                              or NIC, see TXTS_*), one per stamped reply
 *   RESET zeroes them all (CAP_NET_ADMIN).
 *   Every datagram the hook sees is counted once in NTPSEC_CTR_RX and once in
 *   exactly one of ANSWERED, PASSED_UP or a DROP_* counter.  The others
 *   (KOD_*, MAC_*, TS_*, ...) say more about the answered ones.
 *   XLEAVE and XLEAVE_BASIC count interleaved replies (RFC 9769) and
 *   requests in interleaved form answered in basic mode; TXTS_* count the
 *   transmit stamps of replies (see ntpsec(4), and its xleave_slots
 *   parameter, for interleaved mode; it has no netlink interface).
 *
 * NTPSEC_CMD_SET_PHC_MAP, NTPSEC_CMD_DEL_PHC_MAP
 *   How to turn the hardware receive timestamps of one network interface
 *   (PHC time, possibly TAI) into UTC:
 *     NTPSEC_A_PHC_IFINDEX             NLA_U32, required
 *     NTPSEC_A_PHC_TIME_NS             NLA_S64, a PHC reading (set only)
 *     NTPSEC_A_PHC_UTC_NS              NLA_S64, UTC at that reading (set only)
 *     NTPSEC_A_PHC_FREQ                NLA_S64, UTC rate relative to the PHC
 *                                      minus one, in units of 2^-32 (set only)
 *   utc = UTC_NS + d + d * FREQ / 2^32, with d = stamp - TIME_NS.  A stamp
 *   more than NTPSEC_PHC_MAX_AGE_NS from TIME_NS is not trusted: the reply
 *   uses the software stamp and NTPSEC_CTR_TS_PHC_STALE counts it.  At most
 *   NTPSEC_PHC_MAX_MAPS interfaces per namespace.
 *
 * NTPSEC_CMD_ACL_ADD, NTPSEC_CMD_ACL_DEL, NTPSEC_CMD_ACL_FLUSH,
 * NTPSEC_CMD_ACL_DEFAULT, NTPSEC_CMD_GET_ACL
 *   Who may talk to the attached sockets at all, checked before any other
 *   work on every datagram (NTPSEC_CTR_DROP_ACL counts the refused).  The
 *   most specific matching prefix wins; without one, the default (allow
 *   until set otherwise).  At most NTPSEC_ACL_MAX_RULES rules.
 *     NTPSEC_A_ACL_ADDR                binary, 4 (IPv4) or 16 (IPv6) octets
 *     NTPSEC_A_ACL_PREFIX_LEN          NLA_U8, at most 32 or 128
 *     NTPSEC_A_ACL_ACTION              NLA_U8, enum ntpsec_acl_action
 *   ADD takes all three (an existing prefix changes its action), DEL the
 *   first two, DEFAULT only the action, FLUSH nothing.  GET replies with
 *   NTPSEC_A_ACL_ACTION (the default) and NTPSEC_A_ACL_RULES, nested: one
 *   NTPSEC_A_ACL_RULE per rule, nested, with the three attributes above.
 *   Host bits of ADDR beyond PREFIX_LEN must be zero.
 *
 * NTPSEC_CMD_SET_RATELIMIT, NTPSEC_CMD_GET_RATELIMIT
 *   Per-source rate limiting of answered requests (an IPv4 address, an IPv6
 *   /64), as chrony's "ratelimit" and NTPsec's "discard"/"limited": each
 *   source may average one request per 2^INTERVAL seconds with bursts of
 *   BURST.  Of the requests over the limit, one in 2^LEAK is answered anyway
 *   (LEAK 0: none); the others get a RATE kiss-o'-death if
 *   NTPSEC_RL_F_KOD is set, else nothing.  The state lives in a table of
 *   TABLE_SIZE entries (a power of two) allocated when the limit is set, so
 *   memory is bounded by configuration; the least recently seen source is
 *   forgotten first.  SET takes all attributes; GET replies with them.
 *   NTPSEC_RL_F_CLIENTLOG keeps the table without ENABLED: every source is
 *   counted, none is limited (what NTPSEC_CMD_GET_CLIENTS lists).  Without
 *   either flag there is no table.
 *     NTPSEC_A_RL_FLAGS                NLA_U32, NTPSEC_RL_F_* bits
 *     NTPSEC_A_RL_INTERVAL             NLA_S8, log2 seconds, -10..12
 *     NTPSEC_A_RL_BURST                NLA_U32, 1..1024
 *     NTPSEC_A_RL_LEAK                 NLA_U8, 0..8
 *     NTPSEC_A_RL_TABLE_SIZE           NLA_U32, 256..2^20 entries
 *
 * NTPSEC_CMD_SET_KEY, NTPSEC_CMD_DEL_KEY, NTPSEC_CMD_GET_KEYS
 *   Symmetric keys for MAC-authenticated requests (RFC 5905 section 7.3;
 *   RFC 8573 AES-CMAC), as in an ntp.keys file.  A request with a valid MAC
 *   gets a reply with a MAC by the same key; an unknown key or a wrong MAC
 *   gets a crypto-NAK (the header and a zero key id), as ntpd answers.
 *     NTPSEC_A_KEY_ID                  NLA_U32, 1..65535 (ntpd's range)
 *     NTPSEC_A_KEY_TYPE                NLA_U8, enum ntpsec_key_type (set)
 *     NTPSEC_A_KEY_SECRET              binary, 1..32 octets (set only; an
 *                                      AES-128-CMAC key is zero-padded or
 *                                      cut to 16 octets, as NTPsec does)
 *   GET is a dump (NLM_F_DUMP): one message per key, with ID and TYPE at
 *   the top level.  Secrets are never readable back.
 *
 * NTPSEC_CMD_SET_NTS_KEYS, NTPSEC_CMD_GET_NTS_KEYS
 *   The NTS cookie master keys (RFC 8915 section 6), so that the module
 *   answers NTS-protected requests itself: it opens the request's cookie
 *   with the key its id names, checks the authenticator with the C2S key,
 *   and answers with fresh cookies sealed under the first key and the
 *   authenticator under S2C; a cookie or authenticator that does not verify
 *   gets an NTS NAK.  The cookie format is user/wire/nts_wire.h's, the
 *   daemon's own, so either accepts the cookies the other issued.  Without
 *   keys (or without AES-SIV, see NTPSEC_STATUS_F_NTS_CRYPTO) NTS requests
 *   go to the owning socket.
 *     NTPSEC_A_NTS_KEYS                nested: one NTPSEC_A_NTS_KEY per key,
 *                                      at most NTPSEC_NTS_MAX_KEYS, the
 *                                      current (sealing) key first
 *     NTPSEC_A_NTS_KEY                 nested:
 *       NTPSEC_A_NTS_KEY_ID            NLA_U32, as in the cookies, unique
 *       NTPSEC_A_NTS_KEY_SECRET        binary, NTPSEC_NTS_KEY_LEN octets
 *                                      (SET only: never readable back)
 *       NTPSEC_A_NTS_KEY_CREATED       NLA_U64, Unix seconds (optional)
 *   SET replaces the whole set (an empty or absent NTPSEC_A_NTS_KEYS
 *   removes them); GET replies with ids and creation times.
 *
 * NTPSEC_CMD_GET_CLIENTS (dump)
 *   The sources in the rate limiter's table (see SET_RATELIMIT: it exists
 *   when limiting or the client log is on), one message per source, in
 *   table order; ENOENT without a table.  Reading needs no privilege.
 *     NTPSEC_A_CLIENT_ADDR             binary: 4 octets (an IPv4 address)
 *                                      or 8 (an IPv6 /64 prefix)
 *     NTPSEC_A_CLIENT_REQUESTS         NLA_U64, requests seen
 *     NTPSEC_A_CLIENT_LIMITED          NLA_U64, of those, over the limit
 *     NTPSEC_A_CLIENT_FIRST_AGE        NLA_U64, ns since it was first seen
 *     NTPSEC_A_CLIENT_LAST_AGE         NLA_U64, ns since its last request
 *   A source forgotten to make room for another starts again from zero.
 */
#ifndef _UAPI_LINUX_NTPSEC_H
#define _UAPI_LINUX_NTPSEC_H

#define NTPSEC_GENL_NAME	"ntpsec"
#define NTPSEC_GENL_VERSION	1

#define NTPSEC_LATENCY_BUCKETS	32
#define NTPSEC_PHC_MAX_MAPS	8
#define NTPSEC_PHC_MAX_AGE_NS	(16LL * 1000 * 1000 * 1000)
#define NTPSEC_ACL_MAX_RULES	256
#define NTPSEC_KEY_MAX_SECRET	32
#define NTPSEC_MAX_KEYS		1024
#define NTPSEC_NTS_MAX_KEYS	8	/* cookie master keys held at once */
#define NTPSEC_NTS_KEY_LEN	32	/* AES-SIV-CMAC-256 */

enum ntpsec_cmd {
	NTPSEC_CMD_UNSPEC,
	NTPSEC_CMD_GET_STATUS,
	NTPSEC_CMD_ATTACH_SOCKET,
	NTPSEC_CMD_DETACH_SOCKET,
	NTPSEC_CMD_SET_STATE,
	NTPSEC_CMD_GET_STATS,
	NTPSEC_CMD_RESET_STATS,
	NTPSEC_CMD_SET_PHC_MAP,
	NTPSEC_CMD_DEL_PHC_MAP,
	NTPSEC_CMD_ACL_ADD,
	NTPSEC_CMD_ACL_DEL,
	NTPSEC_CMD_ACL_FLUSH,
	NTPSEC_CMD_ACL_DEFAULT,
	NTPSEC_CMD_GET_ACL,
	NTPSEC_CMD_SET_RATELIMIT,
	NTPSEC_CMD_GET_RATELIMIT,
	NTPSEC_CMD_SET_KEY,
	NTPSEC_CMD_DEL_KEY,
	NTPSEC_CMD_GET_KEYS,
	NTPSEC_CMD_GET_CLIENTS,
	NTPSEC_CMD_SET_NTS_KEYS,
	NTPSEC_CMD_GET_NTS_KEYS,
	__NTPSEC_CMD_MAX
};
#define NTPSEC_CMD_MAX (__NTPSEC_CMD_MAX - 1)

enum ntpsec_status_flag {
	NTPSEC_STATUS_F_SYNCHRONIZED = 1U << 0,
	/* AES-SIV (RFC 5297) is available and passed its vectors at load. */
	NTPSEC_STATUS_F_NTS_CRYPTO = 1U << 1,
	__NTPSEC_STATUS_F_ALL = NTPSEC_STATUS_F_SYNCHRONIZED |
				NTPSEC_STATUS_F_NTS_CRYPTO
};

enum ntpsec_attr {
	NTPSEC_A_UNSPEC,
	NTPSEC_A_STATUS_MODULE_VERSION,
	NTPSEC_A_STATUS_PROTO_VERSION,
	NTPSEC_A_STATUS_SOCKETS,
	NTPSEC_A_STATUS_FLAGS,
	NTPSEC_A_SOCKET_FD,
	NTPSEC_A_STATE_LEAP,
	NTPSEC_A_STATE_STRATUM,
	NTPSEC_A_STATE_PRECISION,
	NTPSEC_A_STATE_ROOT_DELAY,
	NTPSEC_A_STATE_ROOT_DISPERSION,
	NTPSEC_A_STATE_REFID,
	NTPSEC_A_STATE_REFTIME,
	NTPSEC_A_STATS_COUNTERS,
	NTPSEC_A_STATS_LATENCY,
	NTPSEC_A_PHC_IFINDEX,
	NTPSEC_A_PHC_TIME_NS,
	NTPSEC_A_PHC_UTC_NS,
	NTPSEC_A_PHC_FREQ,
	NTPSEC_A_PAD,
	NTPSEC_A_ACL_ADDR,
	NTPSEC_A_ACL_PREFIX_LEN,
	NTPSEC_A_ACL_ACTION,
	NTPSEC_A_ACL_RULES,
	NTPSEC_A_ACL_RULE,
	NTPSEC_A_RL_FLAGS,
	NTPSEC_A_RL_INTERVAL,
	NTPSEC_A_RL_BURST,
	NTPSEC_A_RL_LEAK,
	NTPSEC_A_RL_TABLE_SIZE,
	NTPSEC_A_KEY_ID,
	NTPSEC_A_KEY_TYPE,
	NTPSEC_A_KEY_SECRET,
	NTPSEC_A_KEYS,
	NTPSEC_A_KEY,
	NTPSEC_A_STATS_LATENCY_SUM,
	NTPSEC_A_CLIENT_ADDR,
	NTPSEC_A_CLIENT_REQUESTS,
	NTPSEC_A_CLIENT_LIMITED,
	NTPSEC_A_CLIENT_FIRST_AGE,
	NTPSEC_A_CLIENT_LAST_AGE,
	NTPSEC_A_NTS_KEYS,
	NTPSEC_A_NTS_KEY,
	NTPSEC_A_NTS_KEY_ID,
	NTPSEC_A_NTS_KEY_SECRET,
	NTPSEC_A_NTS_KEY_CREATED,
	NTPSEC_A_STATS_WIRE_LATENCY,
	NTPSEC_A_STATS_WIRE_LATENCY_SUM,
	__NTPSEC_A_LAST
};
#define NTPSEC_A_MAX (__NTPSEC_A_LAST - 1)

enum ntpsec_acl_action {
	NTPSEC_ACL_ALLOW,
	NTPSEC_ACL_DENY,
	__NTPSEC_ACL_ACTION_MAX
};

enum ntpsec_ratelimit_flag {
	NTPSEC_RL_F_ENABLED = 1U << 0,
	NTPSEC_RL_F_KOD = 1U << 1,
	NTPSEC_RL_F_CLIENTLOG = 1U << 2,
	__NTPSEC_RL_F_ALL = NTPSEC_RL_F_ENABLED | NTPSEC_RL_F_KOD |
			    NTPSEC_RL_F_CLIENTLOG
};

enum ntpsec_key_type {
	NTPSEC_KEY_UNSPEC,
	NTPSEC_KEY_MD5,			/* MD5(secret || packet), 16 octets */
	NTPSEC_KEY_SHA1,		/* SHA1(secret || packet), 20 octets */
	NTPSEC_KEY_AES128_CMAC,		/* RFC 8573, 16 octets */
	__NTPSEC_KEY_TYPE_MAX
};

/*
 * Counters, per network namespace.  The names ntpsecctl prints are these,
 * lower-cased, without the prefix.
 */
enum ntpsec_counter {
	NTPSEC_CTR_RX,			/* datagrams seen on attached sockets */
	NTPSEC_CTR_ANSWERED,		/* replies sent, all kinds */
	NTPSEC_CTR_PASSED_UP,		/* left to the owning socket */
	NTPSEC_CTR_DROP_MALFORMED,	/* not a readable UDP datagram */
	NTPSEC_CTR_DROP_TOO_SHORT,	/* under 48 octets */
	NTPSEC_CTR_DROP_BAD_VERSION,	/* version 0 or above 4 */
	NTPSEC_CTR_DROP_BAD_EF,		/* extension field length wrong */
	NTPSEC_CTR_DROP_TOO_MANY_EFS,
	NTPSEC_CTR_DROP_BAD_TRAILER,	/* octets neither field nor MAC */
	NTPSEC_CTR_DROP_MODE7,		/* mode 7 is never answered */
	NTPSEC_CTR_DROP_TX_ERROR,	/* no route or no memory for a reply */
	NTPSEC_CTR_TS_HW,		/* replies with a NIC receive stamp */
	NTPSEC_CTR_TS_SW,		/* ... with the kernel's receive stamp */
	NTPSEC_CTR_TS_HOOK,		/* ... with the clock read at hook entry */
	NTPSEC_CTR_TS_PHC_STALE,	/* NIC stamp unusable: no fresh mapping */
	NTPSEC_CTR_DROP_ACL,		/* refused by the access list */
	NTPSEC_CTR_DROP_RATELIMIT,	/* over the rate limit, not answered */
	NTPSEC_CTR_KOD_RATE,		/* ... answered with a RATE KoD */
	NTPSEC_CTR_RATELIMIT_LEAKED,	/* ... answered anyway (leak) */
	NTPSEC_CTR_MAC_OK,		/* answered with a MAC */
	NTPSEC_CTR_MAC_BAD,		/* wrong MAC: crypto-NAK */
	NTPSEC_CTR_MAC_UNKNOWN_KEY,	/* unknown key: crypto-NAK */
	NTPSEC_CTR_NTS_OK,		/* answered with NTS (RFC 8915) */
	NTPSEC_CTR_NTS_NAK,		/* bad cookie or authenticator: NTS NAK */
	NTPSEC_CTR_DROP_NTS_MALFORMED,	/* NTS fields missing, repeated, bad */
	NTPSEC_CTR_DROP_NTS_ERROR,	/* the AEAD or the random source failed */
	NTPSEC_CTR_XLEAVE,		/* interleaved replies (RFC 9769) */
	NTPSEC_CTR_XLEAVE_BASIC,	/* interleaved-looking requests answered
					 * in basic mode: no stamp held */
	NTPSEC_CTR_TXTS_HW,		/* reply transmit stamps from the NIC */
	NTPSEC_CTR_TXTS_DRIVER,		/* ... from the driver (software) */
	NTPSEC_CTR_TXTS_NONE,		/* replies forgotten without a stamp */
	NTPSEC_CTR_TXTS_LATE,		/* stamps for replies already forgotten */
	NTPSEC_CTR_MAX
};

#endif /* _UAPI_LINUX_NTPSEC_H */
