/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nts_keys.h - the NTS server's cookie master keys: made at random, rotated
 * (daily by default), NTS_MASTER_KEYS of them kept so that cookies stay
 * valid for NTS_MASTER_KEYS - 1 rotation periods at least (seven days by
 * default: a client polling daily never needs a new handshake), and kept
 * across restarts in a file only the daemon's user may read.
 *
 * The file, rewritten whole and renamed into place on every change:
 *
 *   # ntpsecd NTS cookie master keys: secret, do not copy
 *   key ID CREATED HEX
 *
 * one line per key, newest (the one that seals) first; ID is the cookie's
 * key id (decimal), CREATED the Unix time it became current, HEX the 32
 * octets.
 */
#ifndef NTPSECD_NTS_KEYS_H
#define NTPSECD_NTS_KEYS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../wire/nts_wire.h"

#define NTS_KEYS_DEFAULT_PATH	"/var/lib/ntpsecd/nts-keys"
#define NTS_KEYS_DEFAULT_ROTATE	86400	/* seconds */
#define NTS_KEYS_ROTATE_MIN	60
#define NTS_KEYS_ROTATE_MAX	(30 * 86400)

struct nts_keystore {
	char path[4096];
	unsigned int rotate;		/* seconds */
	struct nts_master_keys mks;
	int64_t created[NTS_MASTER_KEYS];
	int64_t retry_at;		/* after a failed rotation */
	/*
	 * Called with the new set after every change (load, rotation): the
	 * daemon hands it to the module here.  NULL: nobody to tell.
	 */
	int (*push)(const struct nts_master_keys *mks, void *arg);
	void *push_arg;
};

/*
 * Reads @path, or makes a first key and writes the file if there is none.
 * Refuses a file that is not a regular file owned by us, or that group or
 * others may read (the keys open every cookie: whoever reads them can
 * impersonate the server to every NTS client), or that does not parse.
 * A key older than @rotate is rotated at once.  0, or -1 and @err.
 */
int nts_keys_load(struct nts_keystore *ks, const char *path,
		  unsigned int rotate, int64_t now, char *err, size_t errlen);
/* Seconds until the next rotation is due (0: now). */
int64_t nts_keys_next(const struct nts_keystore *ks, int64_t now);
/*
 * A new current key; the oldest beyond NTS_MASTER_KEYS is forgotten.  The
 * file is written before the new key is used, so a cookie we hand out is
 * always one a restart can read.  0, or -1 and @err (nothing changed).
 */
int nts_keys_rotate(struct nts_keystore *ks, int64_t now, char *err,
		    size_t errlen);
/* Rotates when due; what went wrong is logged. */
void nts_keys_tick(struct nts_keystore *ks, int64_t now);
void nts_keys_wipe(struct nts_keystore *ks);

#endif
