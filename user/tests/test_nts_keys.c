// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_nts_keys.c - host tests of the cookie master key store
 * (user/ntpsecd/nts_keys.c) in a scratch directory: creation, reload,
 * rotation and how long cookies stay valid, the file's permissions, and
 * files that must be refused.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ktap.h"
#include "nts_siv.h"
#include "../ntpsecd/nts_keys.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define DAY		86400

static char dir[64], path[192];
static struct nts_aead_ops ops;
static unsigned int pushes;

static int count_push(const struct nts_master_keys *mks, void *arg)
{
	(void)arg;
	pushes += mks->n > 0;
	return 0;
}

static void write_file(const char *text, mode_t mode)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		CHECK(!"cannot write the test file");
	fchmod(fd, mode);
	close(fd);
}

static void test_create_and_reload(void)
{
	static struct nts_keystore ks, again;
	char err[512];
	struct stat st;

	unlink(path);
	ks.push = count_push;
	pushes = 0;
	CHECKF(!nts_keys_load(&ks, path, DAY, 1000000, err, sizeof(err)),
	       "%s", err);
	CHECK(ks.mks.n == 1 && ks.created[0] == 1000000 && pushes == 1);
	CHECK(!stat(path, &st) && (st.st_mode & 0777) == 0600);
	CHECK(nts_keys_next(&ks, 1000000) == DAY);
	CHECK(nts_keys_next(&ks, 1000000 + DAY - 1) == 1);
	CHECK(nts_keys_next(&ks, 1000000 + DAY) == 0);
	CHECKF(!nts_keys_load(&again, path, DAY, 1000000 + 10, err,
			      sizeof(err)), "%s", err);
	CHECK(again.mks.n == 1 && again.mks.key[0].id == ks.mks.key[0].id &&
	      !memcmp(again.mks.key[0].key, ks.mks.key[0].key, NTS_KEY_LEN));
	CHECK(access(path, F_OK) == 0);
	{
		char tmp[256];

		snprintf(tmp, sizeof(tmp), "%s.new", path);
		CHECK(access(tmp, F_OK) && errno == ENOENT);
	}
	/* Loaded after a day: rotated at once. */
	CHECK(!nts_keys_load(&again, path, DAY, 1000000 + DAY + 5, err,
			     sizeof(err)));
	CHECK(again.mks.n == 2 && again.mks.key[1].id == ks.mks.key[0].id &&
	      again.mks.key[0].id == ks.mks.key[0].id + 1);
	nts_keys_wipe(&ks);
	nts_keys_wipe(&again);
}

/* Cookies outlive NTS_MASTER_KEYS - 1 rotations, and no more. */
static void test_rotation(void)
{
	static struct nts_keystore ks, again;
	struct nts_session_keys sk = { { 1 }, { 2 } }, back;
	uint8_t cookie[NTS_COOKIE_LEN];
	int64_t now = 5000000;
	char err[512];
	int i;

	unlink(path);
	CHECK(!nts_keys_load(&ks, path, DAY, now, err, sizeof(err)));
	CHECK(!nts_cookie_seal(&ops, &ks.mks.key[0], &sk, cookie));
	for (i = 1; i <= 20; i++) {
		now += DAY;
		nts_keys_tick(&ks, now - 1);	/* not yet due */
		CHECK(ks.created[0] == now - DAY);
		nts_keys_tick(&ks, now);
		CHECK(ks.created[0] == now);
		CHECK(ks.mks.n == (unsigned int)(i + 1 < NTS_MASTER_KEYS ?
						 i + 1 : NTS_MASTER_KEYS));
		CHECKF((nts_cookie_open(&ops, &ks.mks, cookie, sizeof(cookie),
					&back) == NTS_OK) ==
		       (i < NTS_MASTER_KEYS),
		       "cookie after %d rotations", i);
		if (i == NTS_MASTER_KEYS - 1)
			CHECK(!memcmp(&back, &sk, sizeof(sk)));
	}
	/* The restart sees what the running daemon had. */
	CHECK(!nts_keys_load(&again, path, DAY, now + 1, err, sizeof(err)));
	CHECK(again.mks.n == NTS_MASTER_KEYS &&
	      !memcmp(&again.mks, &ks.mks, sizeof(ks.mks)) &&
	      !memcmp(again.created, ks.created, sizeof(ks.created)));
	for (i = 1; i < NTS_MASTER_KEYS; i++)
		CHECK(ks.mks.key[i].id + 1 == ks.mks.key[i - 1].id);
	nts_keys_wipe(&ks);
	nts_keys_wipe(&again);
}

static const char good_key[] =
	"key 7 100 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n";

static void test_permissions(void)
{
	static struct nts_keystore ks;
	char err[512];

	write_file(good_key, 0600);
	CHECKF(!nts_keys_load(&ks, path, DAY, 200, err, sizeof(err)), "%s", err);
	CHECK(ks.mks.n == 1 && ks.mks.key[0].id == 7 &&
	      ks.mks.key[0].key[31] == 0x1f);
	write_file(good_key, 0640);
	CHECK(nts_keys_load(&ks, path, DAY, 200, err, sizeof(err)) == -1);
	CHECKF(strstr(err, "group or others") && strstr(err, "chmod 600"),
	       "%s", err);
	CHECK(ks.mks.n == 0);
	write_file(good_key, 0604);
	CHECK(nts_keys_load(&ks, path, DAY, 200, err, sizeof(err)) == -1);
	write_file(good_key, 0400);
	CHECK(!nts_keys_load(&ks, path, DAY, 200, err, sizeof(err)));
	/* A symbolic link is not followed. */
	{
		char link[256];

		snprintf(link, sizeof(link), "%s/link", dir);
		unlink(link);
		CHECK(!symlink(path, link));
		CHECK(nts_keys_load(&ks, link, DAY, 200, err, sizeof(err)) == -1);
		unlink(link);
	}
	nts_keys_wipe(&ks);
}

static void test_bad_files(void)
{
	static const char *const bad[] = {
		"",
		"# only a comment\n",
		"key 7 100 00010203\n",
		"key 7 100 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1fff\n",
		"key 7 100 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1g\n",
		"key 4294967296 100 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
		"key 7 -1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
		"key 7 100 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f junk\n",
		"cookie 7 100 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
		"key 7 100 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
		"key 7 90 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
	};
	static struct nts_keystore ks;
	char err[512], many[2048] = "";
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		write_file(bad[i], 0600);
		CHECKF(nts_keys_load(&ks, path, DAY, 200, err, sizeof(err)) ==
		       -1, "file %u accepted", i);
		CHECK(ks.mks.n == 0);
	}
	for (i = 0; i <= NTS_MASTER_KEYS; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many),
			 "key %u 100 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
			 i);
	write_file(many, 0600);
	CHECK(nts_keys_load(&ks, path, DAY, 200, err, sizeof(err)) == -1);
	CHECKF(strstr(err, "more than"), "%s", err);
}

/*
 * A rotation that cannot be saved changes nothing.  A directory where the
 * temporary file goes makes the save fail even for root.
 */
static void test_save_failure(void)
{
	static struct nts_keystore ks;
	struct nts_master_keys before;
	char err[512], tmp[256];

	unlink(path);
	CHECK(!nts_keys_load(&ks, path, DAY, 100, err, sizeof(err)));
	before = ks.mks;
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	CHECK(!mkdir(tmp, 0700));
	CHECK(nts_keys_rotate(&ks, 100 + DAY, err, sizeof(err)) == -1);
	CHECKF(strstr(err, "cannot write"), "%s", err);
	CHECK(!memcmp(&before, &ks.mks, sizeof(before)));
	nts_keys_tick(&ks, 100 + DAY);	/* logs, retries a minute later */
	CHECK(ks.retry_at == 100 + DAY + 60 && ks.mks.n == 1);
	rmdir(tmp);
	nts_keys_tick(&ks, 100 + DAY + 30);
	CHECK(ks.mks.n == 1);
	nts_keys_tick(&ks, 100 + DAY + 60);
	CHECK(ks.mks.n == 2);
	nts_keys_wipe(&ks);
}

static const struct ktap_case cases[] = {
	{ "create and reload", test_create_and_reload },
	{ "rotation keeps cookies valid for 7 periods", test_rotation },
	{ "file permissions", test_permissions },
	{ "malformed files refused", test_bad_files },
	{ "a failed save changes nothing", test_save_failure },
};

int main(void)
{
	int ret;

	if (nts_siv_init(&ops)) {
		printf("Bail out! OpenSSL has no AES-128-SIV\n");
		return 1;
	}
	snprintf(dir, sizeof(dir), "/tmp/test_nts_keys.XXXXXX");
	if (!mkdtemp(dir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "%s/keys", dir);
	ret = ktap_run_cases(cases, ARRAY_SIZE(cases));
	unlink(path);
	rmdir(dir);
	nts_siv_uninit(&ops);
	return ret;
}
