/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef NTPSECD_AUTH_H
#define NTPSECD_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keyfile.h"

#define AUTH_MAX_KEYS NTPSEC_MAX_KEYS

/* The symmetric keys the daemon trusts (ntp.keys and trustedkey). */
struct keyring {
	unsigned int n;
	struct ntp_key keys[AUTH_MAX_KEYS];
};

/*
 * Reads an ntp.keys file whole: on any error nothing is kept, and @err says
 * "FILE:LINE: what".  A file the group or others can read or change is
 * refused (secret_file_check()).
 */
int keyring_load(struct keyring *ring, const char *path, char *err,
		 size_t errlen);
const struct ntp_key *keyring_find(const struct keyring *ring, uint32_t id);
void keyring_wipe(struct keyring *ring);

/* The digest length of a key type (16 or 20), 0 if unknown. */
unsigned int auth_digest_len(uint8_t type);
/* MAC of data[0..len) by @key into @digest; false if OpenSSL failed. */
bool auth_digest(const struct ntp_key *key, const uint8_t *data, size_t len,
		 uint8_t *digest);
/* True if buf[mac_offset..] is a valid MAC of buf[0..mac_offset) by @key. */
bool auth_verify(const struct ntp_key *key, const uint8_t *buf,
		 size_t mac_offset, size_t mac_len);

#endif
