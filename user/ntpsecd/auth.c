// SPDX-License-Identifier: BSD-2-Clause
/*
 * Symmetric-key MACs with OpenSSL 3, the same three the module knows:
 * MD5(secret || packet), SHA1(secret || packet), AES-128-CMAC (RFC 8573,
 * the secret zero-padded or cut to 16 octets as NTPsec does).
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "auth.h"
#include "secretfile.h"
#include "../wire/ntp_wire.h"

int keyring_load(struct keyring *ring, const char *path, char *err,
		 size_t errlen)
{
	static struct keyring next;
	char line[512], why[160];
	int lineno = 0, ret;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (secret_file_check(fileno(f), path, err, errlen)) {
		fclose(f);
		return -1;
	}
	memset(&next, 0, sizeof(next));
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (next.n == AUTH_MAX_KEYS) {
			snprintf(err, errlen, "%s:%d: more than %d keys", path,
				 lineno, AUTH_MAX_KEYS);
			goto fail;
		}
		ret = keyfile_parse_line(line, &next.keys[next.n], why, sizeof(why));
		if (ret < 0) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, why);
			goto fail;
		}
		next.n += (unsigned int)ret;
	}
	fclose(f);
	keyring_wipe(ring);
	*ring = next;
	OPENSSL_cleanse(&next, sizeof(next));
	return 0;
fail:
	fclose(f);
	OPENSSL_cleanse(&next, sizeof(next));
	return -1;
}

const struct ntp_key *keyring_find(const struct keyring *ring, uint32_t id)
{
	unsigned int i;

	for (i = 0; i < ring->n; i++)
		if (ring->keys[i].id == id)
			return &ring->keys[i];
	return NULL;
}

void keyring_wipe(struct keyring *ring)
{
	OPENSSL_cleanse(ring, sizeof(*ring));
}

unsigned int auth_digest_len(uint8_t type)
{
	switch (type) {
	case NTPSEC_KEY_MD5:
	case NTPSEC_KEY_AES128_CMAC:
		return NTP_DIGEST_MD5_LEN;
	case NTPSEC_KEY_SHA1:
		return NTP_DIGEST_SHA1_LEN;
	}
	return 0;
}

static bool prefixed_hash(const char *alg, const struct ntp_key *key,
			  const uint8_t *data, size_t len, uint8_t *digest)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok;

	ok = ctx && EVP_DigestInit_ex2(ctx, EVP_get_digestbyname(alg), NULL) &&
	     EVP_DigestUpdate(ctx, key->secret, key->len) &&
	     EVP_DigestUpdate(ctx, data, len) &&
	     EVP_DigestFinal_ex(ctx, digest, NULL);
	EVP_MD_CTX_free(ctx);
	return ok;
}

static bool cmac(const struct ntp_key *key, const uint8_t *data, size_t len,
		 uint8_t *digest)
{
	uint8_t k[16] = { 0 };
	char cipher[] = "AES-128-CBC";
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
	EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	size_t out = 0;
	bool ok;

	memcpy(k, key->secret, key->len < sizeof(k) ? key->len : sizeof(k));
	ok = ctx && EVP_MAC_init(ctx, k, sizeof(k), params) &&
	     EVP_MAC_update(ctx, data, len) &&
	     EVP_MAC_final(ctx, digest, &out, NTP_DIGEST_MD5_LEN) &&
	     out == NTP_DIGEST_MD5_LEN;
	OPENSSL_cleanse(k, sizeof(k));
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return ok;
}

bool auth_digest(const struct ntp_key *key, const uint8_t *data, size_t len,
		 uint8_t *digest)
{
	switch (key->type) {
	case NTPSEC_KEY_MD5:
		return prefixed_hash("MD5", key, data, len, digest);
	case NTPSEC_KEY_SHA1:
		return prefixed_hash("SHA1", key, data, len, digest);
	case NTPSEC_KEY_AES128_CMAC:
		return cmac(key, data, len, digest);
	}
	return false;
}

bool auth_verify(const struct ntp_key *key, const uint8_t *buf,
		 size_t mac_offset, size_t mac_len)
{
	uint8_t digest[NTP_DIGEST_SHA1_LEN];
	unsigned int dlen = auth_digest_len(key->type);

	if (!dlen || mac_len != NTP_KEYID_LEN + dlen ||
	    !auth_digest(key, buf, mac_offset, digest))
		return false;
	return !CRYPTO_memcmp(digest, buf + mac_offset + NTP_KEYID_LEN, dlen);
}
