#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""mode6_probe.py - sends one mode 6 (or any raw) datagram and reports
every datagram that comes back within the timeout, as JSON:

  mode6_probe.py ADDR [--opcode N] [--assoc N] [--data TEXT]
                 [--raw HEX] [--timeout S]

{"replies": [{"len": 480, "response": true, "error": false, "more": true,
  "opcode": 2, "status": 1536, "assoc": 0, "offset": 0, "count": 468,
  "errcode": 0}, ...], "data": "reassembled text"}
"""

import argparse
import json
import select
import socket
import struct
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("addr")
    ap.add_argument("--opcode", type=int, default=2)
    ap.add_argument("--assoc", type=int, default=0)
    ap.add_argument("--data", default="")
    ap.add_argument("--raw", help="send these octets (hex) as they are")
    ap.add_argument("--timeout", type=float, default=2.0)
    args = ap.parse_args()

    if args.raw is not None:
        pkt = bytes.fromhex(args.raw)
    else:
        data = args.data.encode()
        pkt = struct.pack("!BBHHHHH", 2 << 3 | 6, args.opcode, 4242, 0,
                          args.assoc, 0, len(data)) + data
        while len(pkt) % 4:
            pkt += b"\0"
    family = socket.AF_INET6 if ":" in args.addr else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.connect((args.addr, 123))
    sock.send(pkt)
    replies, chunks = [], {}
    end = time.monotonic() + args.timeout
    while True:
        left = end - time.monotonic()
        if left <= 0 or not select.select([sock], [], [], left)[0]:
            break
        try:
            r = sock.recv(65536)
        except OSError:
            break
        d = {"len": len(r)}
        if len(r) >= 12:
            b0, b1, seq, status, assoc, offset, count = \
                struct.unpack("!BBHHHHH", r[:12])
            d.update(response=bool(b1 & 0x80), error=bool(b1 & 0x40),
                     more=bool(b1 & 0x20), opcode=b1 & 0x1f, mode=b0 & 7,
                     sequence=seq, status=status, errcode=status >> 8,
                     assoc=assoc, offset=offset, count=count)
            chunks[offset] = r[12:12 + count]
        replies.append(d)
    text = b"".join(chunks[k] for k in sorted(chunks))
    print(json.dumps({"sent": len(pkt), "replies": replies,
                      "data": text.decode("ascii", "replace")}))


if __name__ == "__main__":
    main()
