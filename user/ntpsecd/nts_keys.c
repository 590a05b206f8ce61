// SPDX-License-Identifier: BSD-2-Clause
/*
 * nts_keys.c - cookie master keys: random, rotated, persisted atomically
 * (a temporary file in the same directory, fsync, rename, fsync of the
 * directory) with mode 0600.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "nts_keys.h"

static int random_bytes(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = getrandom(p, len, 0);

		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int push(struct nts_keystore *ks)
{
	return ks->push ? ks->push(&ks->mks, ks->push_arg) : 0;
}

static int write_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t n = write(fd, s, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

static int sync_dir(const char *path)
{
	char copy[sizeof(((struct nts_keystore *)0)->path)];
	int fd, ret;

	snprintf(copy, sizeof(copy), "%s", path);
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = fsync(fd);
	close(fd);
	return ret;
}

static int save(const struct nts_keystore *ks,
		const struct nts_master_keys *mks, const int64_t *created,
		char *err, size_t errlen)
{
	char tmp[sizeof(ks->path) + 8], line[160];
	unsigned int i, j;
	int fd, len;

	snprintf(tmp, sizeof(tmp), "%s.new", ks->path);
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0)
		goto fail;
	len = snprintf(line, sizeof(line),
		       "# ntpsecd NTS cookie master keys: secret, do not copy\n");
	if (write_all(fd, line, (size_t)len))
		goto fail_file;
	for (i = 0; i < mks->n; i++) {
		len = snprintf(line, sizeof(line), "key %" PRIu32 " %" PRId64 " ",
			       mks->key[i].id, created[i]);
		for (j = 0; j < NTS_KEY_LEN; j++)
			len += snprintf(line + len, sizeof(line) - (size_t)len,
					"%02x", mks->key[i].key[j]);
		line[len++] = '\n';
		if (write_all(fd, line, (size_t)len))
			goto fail_file;
	}
	nts_wipe(line, sizeof(line));
	if (fsync(fd))
		goto fail_file;
	close(fd);
	if (rename(tmp, ks->path)) {
		unlink(tmp);
		goto fail;
	}
	sync_dir(ks->path);
	return 0;
fail_file:
	nts_wipe(line, sizeof(line));
	close(fd);
	unlink(tmp);
fail:
	snprintf(err, errlen, "cannot write the NTS cookie keys to %s: %s",
		 ks->path, strerror(errno));
	return -1;
}

static int parse_line(const char *line, struct nts_master_key *k,
		      int64_t *created)
{
	char hex[2 * NTS_KEY_LEN + 2];
	unsigned long long id;
	long long when;
	unsigned int j, v;
	int end = 0;

	if (sscanf(line, "key %llu %lld %65s %n", &id, &when, hex, &end) != 3 ||
	    line[end] || id > UINT32_MAX || when < 0 ||
	    strlen(hex) != 2 * NTS_KEY_LEN)
		return -1;
	for (j = 0; j < NTS_KEY_LEN; j++) {
		if (sscanf(hex + 2 * j, "%2x", &v) != 1 ||
		    !strchr("0123456789abcdefABCDEF", hex[2 * j]) ||
		    !strchr("0123456789abcdefABCDEF", hex[2 * j + 1]))
			return -1;
		k->key[j] = (uint8_t)v;
	}
	nts_wipe(hex, sizeof(hex));
	k->id = (uint32_t)id;
	*created = when;
	return 0;
}

/* Whoever may read the file holds every cookie's keys. */
static int check_file(int fd, const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return -1;
	}
	if (st.st_uid != geteuid()) {
		snprintf(err, errlen,
			 "%s: owned by uid %u, not by the daemon's user (uid %u): another user could replace the cookie keys",
			 path, (unsigned int)st.st_uid, (unsigned int)geteuid());
		return -1;
	}
	if (st.st_mode & 0077) {
		snprintf(err, errlen,
			 "%s: group or others may read or write it; the cookie keys open every client's session keys (chmod 600 %s)",
			 path, path);
		return -1;
	}
	return 0;
}

static int read_file(struct nts_keystore *ks, FILE *f, char *err,
		     size_t errlen)
{
	struct nts_master_keys mks = { 0 };
	int64_t created[NTS_MASTER_KEYS];
	char line[256];
	int lineno = 0, ret = -1;

	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);

		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = 0;
		if (line[0] == '#' || !line[0])
			continue;
		if (mks.n == NTS_MASTER_KEYS) {
			snprintf(err, errlen, "%s:%d: more than %d keys",
				 ks->path, lineno, NTS_MASTER_KEYS);
			goto out;
		}
		if (parse_line(line, &mks.key[mks.n], &created[mks.n])) {
			snprintf(err, errlen, "%s:%d: not \"key ID CREATED HEX\" with %d hex octets",
				 ks->path, lineno, NTS_KEY_LEN);
			goto out;
		}
		for (unsigned int i = 0; i < mks.n; i++) {
			if (mks.key[i].id == mks.key[mks.n].id) {
				snprintf(err, errlen, "%s:%d: key id %" PRIu32 " twice",
					 ks->path, lineno, mks.key[i].id);
				goto out;
			}
		}
		mks.n++;
	}
	if (!mks.n) {
		snprintf(err, errlen, "%s: no keys", ks->path);
		goto out;
	}
	ks->mks = mks;
	memcpy(ks->created, created, sizeof(created));
	ret = 0;
out:
	nts_wipe(line, sizeof(line));
	nts_wipe(&mks, sizeof(mks));
	return ret;
}

int nts_keys_rotate(struct nts_keystore *ks, int64_t now, char *err,
		    size_t errlen)
{
	struct nts_master_keys next = { 0 };
	int64_t created[NTS_MASTER_KEYS] = { 0 };
	unsigned int keep = ks->mks.n < NTS_MASTER_KEYS ? ks->mks.n :
							  NTS_MASTER_KEYS - 1;

	if (random_bytes(next.key[0].key, NTS_KEY_LEN) ||
	    (!ks->mks.n && random_bytes(&next.key[0].id, 4))) {
		snprintf(err, errlen, "getrandom: %s", strerror(errno));
		return -1;
	}
	if (ks->mks.n)
		next.key[0].id = ks->mks.key[0].id + 1;
	created[0] = now;
	memcpy(&next.key[1], &ks->mks.key[0], keep * sizeof(next.key[0]));
	memcpy(&created[1], &ks->created[0], keep * sizeof(created[0]));
	next.n = keep + 1;
	if (save(ks, &next, created, err, errlen)) {
		nts_wipe(&next, sizeof(next));
		return -1;
	}
	nts_wipe(&ks->mks, sizeof(ks->mks));
	ks->mks = next;
	memcpy(ks->created, created, sizeof(created));
	nts_wipe(&next, sizeof(next));
	if (push(ks))
		log_msg(LOG_WARNING, "NTS: the module refused the cookie keys");
	return 0;
}

int nts_keys_load(struct nts_keystore *ks, const char *path,
		  unsigned int rotate, int64_t now, char *err, size_t errlen)
{
	FILE *f;
	int fd, ret;

	nts_keys_wipe(ks);
	if (strlen(path) >= sizeof(ks->path)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	snprintf(ks->path, sizeof(ks->path), "%s", path);
	ks->rotate = rotate;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return nts_keys_rotate(ks, now, err, errlen);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (check_file(fd, path, err, errlen)) {
		close(fd);
		return -1;
	}
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	ret = read_file(ks, f, err, errlen);
	fclose(f);
	if (ret)
		return -1;
	if (nts_keys_next(ks, now) == 0)
		return nts_keys_rotate(ks, now, err, errlen);
	if (push(ks))
		log_msg(LOG_WARNING, "NTS: the module refused the cookie keys");
	return 0;
}

int64_t nts_keys_next(const struct nts_keystore *ks, int64_t now)
{
	int64_t due;

	if (!ks->mks.n)
		return 0;
	due = ks->created[0] + ks->rotate;
	/* A clock stepped back does not postpone rotation forever. */
	if (ks->created[0] > now + (int64_t)ks->rotate)
		due = now;
	if (due > now)
		return due - now;
	/* Due, but the last try failed: not before the retry. */
	return ks->retry_at > now ? ks->retry_at - now : 0;
}

void nts_keys_tick(struct nts_keystore *ks, int64_t now)
{
	char err[512];

	if (!ks->mks.n || nts_keys_next(ks, now))
		return;
	if (nts_keys_rotate(ks, now, err, sizeof(err))) {
		log_msg(LOG_ERR, "NTS: key rotation failed, the old key stays (retry in a minute): %s",
			err);
		ks->retry_at = now + 60;
	} else {
		log_msg(LOG_INFO, "NTS: new cookie master key %" PRIu32,
			ks->mks.key[0].id);
	}
}

void nts_keys_wipe(struct nts_keystore *ks)
{
	nts_wipe(&ks->mks, sizeof(ks->mks));
	ks->mks.n = 0;
}
