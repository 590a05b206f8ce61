/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NTPSEC_VERSION_H
#define _NTPSEC_VERSION_H

#define NTPSEC_MODULE_VERSION "0.1.0"

#endif
