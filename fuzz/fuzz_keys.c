// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_keys.c - libFuzzer target for the ntp.keys parser: every line through
 * keyfile_parse_line() (shared by ntpsecd and ntpsecctl), and the whole input
 * as a file through ntpsecd's keyring_load() (an all-or-nothing load: a
 * refused file must leave the ring in force as it was).  The file is a
 * memfd with mode 0600, read back through /proc/self/fd.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth.h"
#include "keyfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_key(const struct ntp_key *k)
{
	if (k->id < 1 || k->id > 65535 || k->len < 1 ||
	    k->len > NTPSEC_KEY_MAX_SECRET || !auth_digest_len(k->type)) {
		fprintf(stderr, "accepted key id %u type %u len %u\n", k->id,
			k->type, k->len);
		abort();
	}
}

static void parse_lines(const uint8_t *data, size_t size)
{
	char line[1024], err[160];
	struct ntp_key key;
	size_t pos = 0;

	while (pos < size) {
		const uint8_t *eol = memchr(data + pos, '\n', size - pos);
		size_t n = eol ? (size_t)(eol - data - pos) : size - pos;

		if (n < sizeof(line)) {
			memcpy(line, data + pos, n);
			line[n] = 0;
			if (keyfile_parse_line(line, &key, err, sizeof(err)) > 0)
				check_key(&key);
		}
		pos += n + 1;
	}
}

static void load_file(const uint8_t *data, size_t size)
{
	static struct keyring ring, before;
	char path[64], err[512];
	unsigned int i;
	int fd;

	fd = memfd_create("fuzz-keys", 0);
	if (fd < 0 || fchmod(fd, 0600) ||
	    write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	memset(&ring, 0, sizeof(ring));
	ring.n = 1;
	ring.keys[0] = (struct ntp_key){ .id = 7, .type = NTPSEC_KEY_MD5, .len = 1 };
	before = ring;
	if (keyring_load(&ring, path, err, sizeof(err))) {
		if (memcmp(&ring, &before, sizeof(ring))) {
			fprintf(stderr, "a refused key file changed the ring: %s\n", err);
			abort();
		}
	} else {
		if (ring.n > AUTH_MAX_KEYS)
			abort();
		for (i = 0; i < ring.n; i++)
			check_key(&ring.keys[i]);
	}
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 256 * 1024)
		return 0;
	parse_lines(data, size);
	load_file(data, size);
	return 0;
}
