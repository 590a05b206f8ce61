// SPDX-License-Identifier: GPL-2.0
/*
 * ntpsec_ntsprobe - NTS-protected NTP (RFC 8915 section 5) against the
 * module, for the selftests, without an NTS-KE handshake: the test knows
 * the cookie master keys, so it mints cookies itself.  Inside the VM only.
 *
 *   ntpsec_ntsprobe keys SEED N     push N master keys derived from SEED
 *                                   (ids 100, 101, ...; the first seals)
 *   ntpsec_ntsprobe keys --clear    remove them
 *   ntpsec_ntsprobe query [options] ADDR
 *     --seed S --key I   mint the cookie under key I of seed S's set
 *                        (--key-id ID: claim an id the module lacks)
 *     --placeholders P   ask for P more cookies
 *     --count N          requests (each with a fresh cookie and keys)
 *     --tamper WHAT      cookie | auth | no-uid | after-auth
 *
 * The test keys are derived from the seed, not random: both invocations
 * (server namespace, client namespace) must find the same ones.  Never a
 * way to make real keys.
 *
 * query prints one JSON object: requests sent, replies that verified (with
 * how many cookies, and whether each opens under the first key to the
 * session's own keys), NTS NAKs (our unique identifier, kiss code NTSN),
 * other replies, and the longest reply against the request's length.
 */

#include "config.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../user/common/genl.h"
#include "../../user/common/module.h"
#include "../../user/common/nts_siv.h"
#include "../../user/common/sockaddr.h"
#include "../../user/wire/nts_wire.h"

#define KEY_ID_BASE 100

static void derive_keys(unsigned int seed, unsigned int n,
			struct nts_master_keys *mks)
{
	unsigned int i, j;

	mks->n = n;
	for (i = 0; i < n; i++) {
		mks->key[i].id = KEY_ID_BASE + i;
		for (j = 0; j < NTS_KEY_LEN; j++)
			mks->key[i].key[j] = (uint8_t)(seed * 131 + i * 37 + j * 7 + 1);
	}
}

static int cmd_keys(int argc, char **argv)
{
	struct nts_master_keys mks = { 0 };
	unsigned long seed, n;

	if (argc == 2 && !strcmp(argv[1], "--clear"))
		return module_set_nts_keys(&mks) ? 1 : 0;
	if (argc != 3)
		return 2;
	seed = strtoul(argv[1], NULL, 10);
	n = strtoul(argv[2], NULL, 10);
	if (n < 1 || n > NTS_MASTER_KEYS)
		return 2;
	derive_keys((unsigned int)seed, (unsigned int)n, &mks);
	return module_set_nts_keys(&mks) ? 1 : 0;
}

struct query_opts {
	unsigned int seed, key, placeholders, count;
	long key_id;		/* -1: the derived key's own id */
	const char *tamper;
};

struct tally {
	unsigned int sent, ok, nak, other, no_reply;
	unsigned int cookies, cookies_valid;
	size_t request_len, reply_len_max;
};

/* A reply's cookies must open under the sealing key to our session keys. */
static void check_cookies(const struct nts_aead_ops *ops,
			  const struct nts_master_keys *mks,
			  const struct nts_session_keys *keys,
			  const struct nts_client_resp *resp, struct tally *t)
{
	struct nts_master_keys current = { .n = 1, .key = { mks->key[0] } };
	struct nts_session_keys got;
	unsigned int i;

	for (i = 0; i < resp->n_cookies; i++) {
		t->cookies++;
		if (nts_cookie_open(ops, &current, resp->cookie[i],
				    resp->cookie_len[i], &got) == NTS_OK &&
		    !memcmp(&got, keys, sizeof(got)))
			t->cookies_valid++;
	}
}

static int one_query(int fd, const struct sockaddr_storage *dst,
		     socklen_t dlen, const struct nts_aead_ops *ops,
		     const struct nts_master_keys *mks,
		     const struct query_opts *o, struct tally *t)
{
	struct nts_master_key mk = mks->key[o->key];
	uint8_t req[2048], rep[2048], uid[NTS_UID_MIN_LEN];
	uint8_t cookie[NTS_COOKIE_LEN];
	struct nts_session_keys keys;
	struct nts_client_resp resp;
	struct ntp_packet pkt;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t len;
	ssize_t n;

	if (o->key_id >= 0)
		mk.id = (uint32_t)o->key_id;
	if (getrandom(&keys, sizeof(keys), 0) != sizeof(keys) ||
	    getrandom(uid, sizeof(uid), 0) != sizeof(uid) ||
	    nts_cookie_seal(ops, &mk, &keys, cookie))
		return -1;
	if (o->tamper && !strcmp(o->tamper, "cookie"))
		cookie[NTS_COOKIE_LEN - 1] ^= 1;
	memset(req, 0, NTP_HEADER_LEN);
	req[0] = 0x23;		/* LI 0, version 4, mode 3 */
	if (getrandom(req + 40, 8, 0) != 8)
		return -1;
	len = nts_client_request(ops, o->tamper && !strcmp(o->tamper, "auth") ?
				 keys.s2c : keys.c2s, uid, cookie,
				 sizeof(cookie), o->placeholders, req,
				 sizeof(req));
	if (!len)
		return -1;
	if (o->tamper && !strcmp(o->tamper, "no-uid")) {
		/* The unique identifier becomes an unknown field. */
		req[NTP_HEADER_LEN] = 0x7f;
	} else if (o->tamper && !strcmp(o->tamper, "after-auth")) {
		/* A field after the authenticator is never authenticated. */
		len = nts_put_ef(req, len, sizeof(req), 0x7f00, NULL, 12);
		if (!len)
			return -1;
	}
	t->request_len = len;
	if (sendto(fd, req, len, 0, (const struct sockaddr *)dst, dlen) !=
	    (ssize_t)len)
		return -1;
	t->sent++;
	if (poll(&pfd, 1, 1000) != 1) {
		t->no_reply++;
		return 0;
	}
	n = recv(fd, rep, sizeof(rep), 0);
	if (n < 0)
		return -1;
	if ((size_t)n > t->reply_len_max)
		t->reply_len_max = (size_t)n;
	if (ntp_parse(rep, (size_t)n, &pkt) != NTP_PARSE_OK ||
	    memcmp(rep + 24, req + 40, 8)) {
		t->other++;
		return 0;
	}
	switch (nts_client_response(ops, keys.s2c, uid, rep, &pkt, &resp)) {
	case NTS_OK:
		t->ok++;
		check_cookies(ops, mks, &keys, &resp, t);
		break;
	case NTS_BAD_COOKIE:
		t->nak++;
		break;
	default:
		t->other++;
		break;
	}
	nts_wipe(&keys, sizeof(keys));
	return 0;
}

static int cmd_query(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "key", required_argument, NULL, 'k' },
		{ "key-id", required_argument, NULL, 'i' },
		{ "placeholders", required_argument, NULL, 'p' },
		{ "count", required_argument, NULL, 'n' },
		{ "tamper", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct query_opts o = { .seed = 42, .count = 1, .key_id = -1 };
	struct nts_master_keys mks;
	struct nts_aead_ops ops;
	struct sockaddr_storage dst;
	struct tally t = { 0 };
	socklen_t dlen;
	unsigned int i;
	int c, fd;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o.seed = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'k': o.key = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'i': o.key_id = strtol(optarg, NULL, 10); break;
		case 'p': o.placeholders = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'n': o.count = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 't': o.tamper = optarg; break;
		default: return 2;
		}
	}
	if (optind != argc - 1 || o.key >= NTS_MASTER_KEYS || o.count > 10000 ||
	    o.placeholders > 16 ||
	    sockaddr_parse(argv[optind], &dst, &dlen, NTP_PORT)) {
		fprintf(stderr, "ntpsec_ntsprobe: bad query arguments\n");
		return 2;
	}
	derive_keys(o.seed, NTS_MASTER_KEYS, &mks);
	if (nts_siv_init(&ops)) {
		fprintf(stderr, "ntpsec_ntsprobe: no AES-SIV in OpenSSL\n");
		return 1;
	}
	fd = socket(dst.ss_family, SOCK_DGRAM, 0);
	if (fd < 0)
		return 1;
	for (i = 0; i < o.count; i++)
		if (one_query(fd, &dst, dlen, &ops, &mks, &o, &t))
			return 1;
	close(fd);
	nts_siv_uninit(&ops);
	printf("{\"sent\":%u,\"ok\":%u,\"nak\":%u,\"other\":%u,\"no_reply\":%u,"
	       "\"cookies\":%u,\"cookies_valid\":%u,\"request_len\":%zu,"
	       "\"reply_len_max\":%zu}\n", t.sent, t.ok, t.nak, t.other,
	       t.no_reply, t.cookies, t.cookies_valid, t.request_len,
	       t.reply_len_max);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "keys"))
		return cmd_keys(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "query"))
		return cmd_query(argc - 1, argv + 1);
	fprintf(stderr, "usage: ntpsec_ntsprobe keys SEED N | keys --clear | query [options] ADDR\n");
	return 2;
}
