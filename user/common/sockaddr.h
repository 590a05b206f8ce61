/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef NTPSEC_SOCKADDR_H
#define NTPSEC_SOCKADDR_H

#include <stdint.h>
#include <sys/socket.h>

/*
 * "ADDR", "ADDR:PORT", "[ADDR6]:PORT" or a bare IPv6 address into @ss.
 * Returns 0, or -1 for anything else (a port must be 0 to 65535).
 */
int sockaddr_parse(const char *arg, struct sockaddr_storage *ss,
		   socklen_t *len, uint16_t default_port);

#endif
