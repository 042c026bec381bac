"""The ABI constants, read from hv/uapi/ligeiro.h.

The header is the single source of every number the module, the launcher
and the guest agree on.  The tests read it rather than repeating values, so
a changed constant cannot leave a test silently checking the old one.
"""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
HEADER = ROOT / "hv" / "uapi" / "ligeiro.h"


def _parse(text):
    consts = {}
    for name, value in re.findall(r"^#define\s+(LIGEIRO_\w+)\s+(\S+)", text, re.M):
        if value.startswith('"'):
            consts[name] = value.strip('"')
        elif re.fullmatch(r"0x[0-9a-fA-F]+|\d+", value):
            consts[name] = int(value, 0)
    return consts


_CONSTS = _parse(HEADER.read_text())


def __getattr__(name):
    """abi.EXIT_USAGE is LIGEIRO_EXIT_USAGE, and so on."""
    try:
        return _CONSTS["LIGEIRO_" + name]
    except KeyError:
        raise AttributeError(name) from None
