#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""state_churn.py UAPI_HEADER PID - changes the module's server state over
netlink in a loop for as long as process PID lives: a good state (stratum,
leap and refid changing every time), then one the module must refuse
whole (stratum 16).  Then a last good state, and reads back what the
module holds.  Prints one JSON object; exits 1 if the read-back is not the
last state set or a bad one was accepted.  For the selftests, in the VM.
"""

import json
import os
import struct
import sys
import time

uapi, pid = sys.argv[1], int(sys.argv[2])
sys.argv = [sys.argv[0], uapi]
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import genl_policy as gp  # noqa: E402  (reads the uapi header on import)

E = gp.E


def alive(p):
    try:
        os.kill(p, 0)
        return True
    except ProcessLookupError:
        return False


def state(stratum, leap, refid):
    return gp.good_state(NTPSEC_A_STATE_STRATUM=("u8", stratum),
                         NTPSEC_A_STATE_LEAP=("u8", leap),
                         NTPSEC_A_STATE_REFID=("u32", refid))


def read_back(g):
    want = {E["NTPSEC_A_STATE_STRATUM"]: ("stratum", "=B"),
            E["NTPSEC_A_STATE_LEAP"]: ("leap", "=B"),
            E["NTPSEC_A_STATE_REFID"]: ("refid", "=I")}
    got = {}
    for mtype, payload in g.request(g.family, E["NTPSEC_CMD_GET_STATUS"]):
        off = 4
        while off + 4 <= len(payload):
            alen, atype = struct.unpack_from("=HH", payload, off)
            if alen < 4:
                break
            if atype in want:
                name, fmt = want[atype]
                got[name] = struct.unpack_from(fmt, payload, off + 4)[0]
            off += (alen + 3) & ~3
    return got


def main():
    g = gp.Genl()
    calls = accepted = wrongly_accepted = 0
    while alive(pid) or calls == 0:
        calls += 1
        err, _ = g.call("NTPSEC_CMD_SET_STATE",
                        state(1 + calls % 15, calls % 3, calls))
        accepted += err == 0
        err, _ = g.call("NTPSEC_CMD_SET_STATE", state(16, 0, 0xdead))
        wrongly_accepted += err == 0
        time.sleep(0.005)
    last = {"stratum": 7, "leap": 0, "refid": 0x0a0b0c0d}
    err, _ = g.call("NTPSEC_CMD_SET_STATE", state(7, 0, 0x0a0b0c0d))
    g.call("NTPSEC_CMD_SET_STATE", state(16, 0, 0xdead))
    got = read_back(g)
    print(json.dumps({"rounds": calls, "accepted": accepted,
                      "refused_accepted": wrongly_accepted,
                      "last_set": last, "read_back": got}))
    return 0 if not err and got == last and not wrongly_accepted and \
        accepted == calls else 1


if __name__ == "__main__":
    sys.exit(main())
