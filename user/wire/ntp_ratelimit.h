/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ntp_ratelimit.h - per-source rate limiting as the module and the daemon's
 * fallback server both do it: the generic cell rate algorithm (one
 * timestamp per source) over a set-associative table whose least recently
 * seen entry is replaced.  Locking and memory are the caller's.
 */
#ifndef NTP_RATELIMIT_H
#define NTP_RATELIMIT_H

#include "ntp_wire.h"

#define NTP_RL_WAYS 4	/* entries per set */

/* One source: an IPv4 address or an IPv6 /64 (see ntp_rl_key_*). */
struct ntp_rl_entry {
	uint64_t key;		/* 0: free */
	uint64_t tat_ns;	/* GCRA's theoretical arrival time */
	uint64_t last_ns;	/* least recently seen goes first */
	uint64_t first_ns;	/* when the entry was taken: for the rate */
	uint32_t requests;
	uint32_t limited;
};

/*
 * IPv4 sources are keyed with the top bit set: as IPv6 prefixes those would
 * be 8000::/1 (unassigned), so the two families never share a key.
 */
static inline uint64_t ntp_rl_key_v4(const uint8_t *addr)
{
	return (uint64_t)1 << 63 | ntp_get_be32(addr);
}

static inline uint64_t ntp_rl_key_v6(const uint8_t *addr)
{
	return ntp_get_be64(addr);
}

/* The entry of @key in its set of NTP_RL_WAYS, taking the oldest if new. */
static inline struct ntp_rl_entry *ntp_rl_lookup(struct ntp_rl_entry *set,
						 uint64_t key, uint64_t now)
{
	struct ntp_rl_entry *oldest = set;
	unsigned int i;

	for (i = 0; i < NTP_RL_WAYS; i++) {
		if (set[i].key == key)
			return &set[i];
		if (set[i].last_ns < oldest->last_ns)
			oldest = &set[i];
	}
	*oldest = (struct ntp_rl_entry){ .key = key, .tat_ns = now,
					 .first_ns = now };
	return oldest;
}

/*
 * Counts a request at @now; true if it is within one request per
 * @interval_ns on average with bursts of (tolerance / interval + 1).
 */
static inline bool ntp_rl_admit(struct ntp_rl_entry *e, uint64_t now,
				uint64_t interval_ns, uint64_t tolerance_ns)
{
	uint64_t tat = e->tat_ns > now ? e->tat_ns : now;

	e->last_ns = now;
	e->requests++;
	if (tat - now > tolerance_ns) {
		e->limited++;
		return false;
	}
	e->tat_ns = tat + interval_ns;
	return true;
}

/* Counts a request at @now without limiting it (a client log only). */
static inline void ntp_rl_count(struct ntp_rl_entry *e, uint64_t now)
{
	e->last_ns = now;
	e->requests++;
}

#endif
