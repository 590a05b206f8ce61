// SPDX-License-Identifier: BSD-2-Clause
/*
 * ntpsecctl version: the tool's version, and the module's when it is loaded.
 */

#include "config.h"

#include <stdio.h>

#include "ntpsecctl.h"

int ctl_cmd_version(const struct ctl_options *opts, int argc, char **argv)
{
	struct module_status st = { 0 };
	int ret;

	(void)argv;
	if (argc > 1)
		return ctl_usage_error("version takes no arguments");
	ret = ctl_read_status(&st);
	if (ret != CTL_EXIT_OK && ret != CTL_EXIT_NO_MODULE)
		return ret;
	if (opts->json) {
		printf("{\"tool_version\":\"%s\",\"module_version\":", PACKAGE_VERSION);
		if (ret == CTL_EXIT_OK)
			printf("\"%s\"}\n", st.version);
		else
			printf("null}\n");
	} else {
		printf("ntpsecctl %s\n", PACKAGE_VERSION);
		if (ret == CTL_EXIT_OK)
			printf("ntpsec module %s\n", st.version);
	}
	/* A missing module is worth knowing, but version still answered. */
	return ret;
}
