// SPDX-License-Identifier: BSD-2-Clause
/*
 * ntpsecctl keys: symmetric keys in the module.
 *   keys [list] | load FILE | del ID
 * "load" installs every key of an ntp.keys file, checking the whole file
 * first: a file with an error installs nothing.  Secrets are never shown;
 * the module does not give them back.
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "genl.h"
#include "keyfile.h"
#include "module.h"
#include "ntpsecctl.h"
#include "reply.h"

static bool json_output;
static int listed;

static int print_key(struct nlattr **attrs, void *arg)
{
	struct ctl_key key;

	(void)arg;
	if (ctl_decode_key(attrs, &key))
		return CTL_EXIT_OK;	/* not a key: nothing to list */
	if (json_output)
		printf("%s{\"id\":%u,\"type\":\"%s\"}", listed ? "," : "",
		       key.id, keyfile_type_name(key.type));
	else
		printf("%-6u %s\n", key.id, keyfile_type_name(key.type));
	listed++;
	return CTL_EXIT_OK;
}

static int list_keys(bool json)
{
	struct genl_request req = {
		.cmd = NTPSEC_CMD_GET_KEYS,
		.flags = NLM_F_DUMP,
		.parse = print_key,
	};
	int ret;

	json_output = json;
	if (json)
		printf("[");
	ret = genl_transact(&req);
	if (json)
		printf("]\n");
	return ret;
}

#define MAX_FILE_KEYS NTPSEC_MAX_KEYS

static int load_keys(const char *path)
{
	static struct ntp_key keys[MAX_FILE_KEYS];
	char line[512], err[160];
	int n = 0, lineno = 0, i, ret;
	struct stat st;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "ntpsecctl: %s: %s\n", path, strerror(errno));
		return CTL_EXIT_FAILURE;
	}
	if (!fstat(fileno(f), &st) && (st.st_mode & 0077))
		fprintf(stderr, "ntpsecctl: warning: %s is readable by others (chmod 600 it)\n", path);
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		ret = keyfile_parse_line(line, &keys[n], err, sizeof(err));
		if (ret < 0 || (ret > 0 && n == MAX_FILE_KEYS)) {
			fprintf(stderr, "ntpsecctl: %s:%d: %s\n", path, lineno,
				ret < 0 ? err : "too many keys");
			fclose(f);
			return CTL_EXIT_FAILURE;
		}
		n += ret;
	}
	fclose(f);
	for (i = 0; i < n; i++) {
		ret = module_set_key(&keys[i]);
		if (ret)
			return ret;
	}
	memset(keys, 0, sizeof(keys));
	printf("loaded %d key%s from %s\n", n, n == 1 ? "" : "s", path);
	return CTL_EXIT_OK;
}

int ctl_cmd_keys(const struct ctl_options *opts, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "list";
	char *end;

	if (!strcmp(sub, "list") && argc <= 2)
		return list_keys(opts->json);
	if (!strcmp(sub, "load") && argc == 3)
		return load_keys(argv[2]);
	if (!strcmp(sub, "del") && argc == 3) {
		unsigned long id = strtoul(argv[2], &end, 10);

		if (*end || !id || id > 65535)
			return ctl_usage_error("key id '%s' is not 1 to 65535", argv[2]);
		return module_del_key((uint32_t)id);
	}
	return ctl_usage_error("keys [list] | load FILE | del ID");
}
