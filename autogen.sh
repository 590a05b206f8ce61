#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Generate ./configure from a git checkout (release tarballs ship it).
set -e
cd "$(dirname "$0")"
mkdir -p m4
autoreconf -fi
