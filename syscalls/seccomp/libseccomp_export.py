#!/usr/bin/python3
# libseccomp_export.py: compile resolved seccomp rules with libseccomp (the
# peer of syscalls/seccomp, through Debian's python3-seccomp) and write the
# classic BPF program (struct sock_filter array) to stdout.
#
# stdin: {"default": RET, "badarch": RET, "optimize": 1 or 2,
#         "rules": [{"nr": N, "ret": RET, "conds": [[index, op, value, valueTwo], ...]}, ...]}
# RET values are SECCOMP_RET_* words, which are also libseccomp's action
# values; ops are the runtime-spec names (SCMP_CMP_EQ, ...). Used by
# seccomp.CompileLibseccomp (libseccomp.go), which embeds this file.
import json
import sys

import seccomp

OPS = {
    "SCMP_CMP_NE": seccomp.NE, "SCMP_CMP_LT": seccomp.LT, "SCMP_CMP_LE": seccomp.LE,
    "SCMP_CMP_EQ": seccomp.EQ, "SCMP_CMP_GE": seccomp.GE, "SCMP_CMP_GT": seccomp.GT,
    "SCMP_CMP_MASKED_EQ": seccomp.MASKED_EQ,
}


def s32(v):
    """The bindings take actions as C ints: KILL_PROCESS is 0x80000000."""
    return v - (1 << 32) if v >= 1 << 31 else v


spec = json.load(sys.stdin)
f = seccomp.SyscallFilter(defaction=s32(spec["default"]))
f.set_attr(seccomp.Attr.ACT_BADARCH, s32(spec["badarch"]))
f.set_attr(seccomp.Attr.CTL_OPTIMIZE, spec["optimize"])
for r in spec["rules"]:
    args = [seccomp.Arg(i, OPS[op], a, b) for i, op, a, b in r["conds"]]
    f.add_rule(s32(r["ret"]), r["nr"], *args)
sys.stdout.flush()
f.export_bpf(sys.stdout)
