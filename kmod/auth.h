/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NTPSEC_AUTH_H
#define _NTPSEC_AUTH_H

#include <crypto/hash.h>
#include <linux/hashtable.h>
#include <linux/netlink.h>
#include <uapi/linux/ntpsec.h>

#include "../user/wire/ntp_wire.h"

struct ntpsec_key {
	struct hlist_node node;		/* in ntpsec_keys.table, RCU */
	u32 id;
	u8 type;			/* enum ntpsec_key_type */
	u8 digest_len;
	u8 secret_len;
	u8 secret[NTPSEC_KEY_MAX_SECRET];	/* MD5, SHA1: prefixed */
	struct crypto_shash *tfm;	/* allocated when the key is set */
	struct rcu_head rcu;
};

struct ntpsec_keys {
	DECLARE_HASHTABLE(table, 6);
	unsigned int n;
};

enum ntpsec_mac_result {
	NTPSEC_MAC_OK,
	NTPSEC_MAC_BAD,
	NTPSEC_MAC_UNKNOWN_KEY,
};

struct ntpsec_net;

/* Receive path (RCU read side): checks the MAC of @buf as @pkt parsed it. */
enum ntpsec_mac_result ntpsec_mac_verify(struct ntpsec_net *nn, const u8 *buf,
					 const struct ntp_packet *pkt,
					 const struct ntpsec_key **key);
/* Appends key id and digest of buf[0..len) at buf + len; the new length. */
unsigned int ntpsec_mac_sign(const struct ntpsec_key *key, u8 *buf,
			     unsigned int len);
static inline unsigned int ntpsec_mac_len(const struct ntpsec_key *key)
{
	return NTP_KEYID_LEN + key->digest_len;
}

/* Changes, under nn->lock. */
void ntpsec_keys_init(struct ntpsec_keys *keys);
int ntpsec_key_set(struct ntpsec_net *nn, u32 id, u8 type, const u8 *secret,
		   unsigned int len, struct netlink_ext_ack *extack);
int ntpsec_key_del(struct ntpsec_net *nn, u32 id);
void ntpsec_keys_free(struct ntpsec_keys *keys);

#endif
