#!/usr/bin/env python3
"""What a profile promises, computed from its TOML without sysknob.

expect.py PROFILE_DIR NAME prints one line per promise, for the guest's
checks (tests/vm/guest/lib.sh):

    sysctl KEY VALUE...     the live value (arrays space-separated)
    sysctl? KEY VALUE...    the same for an `optional = true` key
    module NAME             the module is loaded
    option NAME PARAM VALUE /sys/module/NAME/parameters/PARAM

`extends` is followed depth first, later profiles overriding earlier keys,
as sysknob.toml(5) describes. hashsize = "auto" for nf_conntrack is
nf_conntrack_max / 4, the rule man/sysknob.toml.5 documents. Written
independently of sysknob's parser so the lab does not judge sysknob by
sysknob's own reading of the profile.
"""
import sys
import tomllib
from pathlib import Path


def load(directory, name, seen):
    if name in seen:
        sys.exit(f"expect.py: extends cycle at {name}")
    seen.add(name)
    path = Path(directory) / f"{name}.toml"
    with open(path, "rb") as f:
        doc = tomllib.load(f)
    sysctl, modules = {}, {}
    for parent in doc.get("profile", {}).get("extends", []):
        s, m = load(directory, parent, seen)
        sysctl.update(s)
        for mod, params in m.items():
            modules.setdefault(mod, {}).update(params)
    for key, v in flatten(doc.get("sysctl", {}), ""):
        optional = isinstance(v, dict) and v.get("optional", False)
        value = v["value"] if isinstance(v, dict) else v
        sysctl[key] = (value, optional)
    for mod, params in doc.get("modules", {}).items():
        modules.setdefault(mod, {}).update(params)
    return sysctl, modules


def flatten(table, prefix):
    """TOML reads `net.core.somaxconn = 1` as nested tables; a table with
    a `value` is a leaf (the { value = ..., comment = ... } form)."""
    for k, v in table.items():
        key = f"{prefix}.{k}" if prefix else k
        if isinstance(v, dict) and "value" not in v:
            yield from flatten(v, key)
        else:
            yield key, v


def text(value):
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list):
        return " ".join(text(v) for v in value)
    return str(value)


def main():
    directory, name = sys.argv[1], sys.argv[2]
    sysctl, modules = load(directory, name, set())
    for key, (value, optional) in sysctl.items():
        print(f"sysctl{'?' if optional else ''} {key} {text(value)}")
    for mod, params in modules.items():
        if params.get("load"):
            print(f"module {mod}")
        for param, value in params.items():
            if param in ("load", "comment"):
                continue
            if value == "auto" and mod == "nf_conntrack" and param == "hashsize":
                value = sysctl["net.netfilter.nf_conntrack_max"][0] // 4
            print(f"option {mod} {param} {text(value)}")


main()
