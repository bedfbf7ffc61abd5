#!/usr/bin/env python3
"""The licence, ban and source checks of deny.toml, without cargo-deny: read the lists
from deny.toml and every package of the workspace's graph (all platforms, all
features) from `cargo metadata`. A subset of cargo-deny: SPDX expressions with OR,
AND, WITH, parentheses and the legacy `A/B`; per-crate licence exceptions; banned
crates; banned features; crates.io or path sources only."""
import json
import re
import subprocess
import sys
import tomllib

with open("deny.toml", "rb") as f:
    config = tomllib.load(f)
allow = set(config["licenses"]["allow"])
exceptions = {e["crate"]: set(e["allow"]) for e in config["licenses"].get("exceptions", [])}
banned = {b["crate"]: b.get("reason", "") for b in config["bans"].get("deny", [])}
banned_features = {f["crate"]: set(f["deny"]) for f in config["bans"].get("features", [])}

meta = json.loads(
    subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--all-features", "--locked"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
)
CRATES_IO = "registry+https://github.com/rust-lang/crates.io-index"


def allowed(expr: str, ok: set) -> bool:
    """Evaluate an SPDX expression: OR needs one side allowed, AND both."""
    tokens = re.findall(r"\(|\)|[^\s()]+", expr.replace("/", " OR "))
    pos = 0

    def primary() -> bool:
        nonlocal pos
        if tokens[pos] == "(":
            pos += 1
            v = disjunction()
            pos += 1  # ")"
            return v
        lic = tokens[pos]
        pos += 1
        if pos < len(tokens) and tokens[pos] == "WITH":
            lic = f"{lic} WITH {tokens[pos + 1]}"
            pos += 2
        return lic in ok

    def conjunction() -> bool:
        nonlocal pos
        v = primary()
        while pos < len(tokens) and tokens[pos] == "AND":
            pos += 1
            v = primary() and v
        return v

    def disjunction() -> bool:
        nonlocal pos
        v = conjunction()
        while pos < len(tokens) and tokens[pos] == "OR":
            pos += 1
            v = conjunction() or v
        return v

    return disjunction()


problems = []
members = set(meta["workspace_members"])
for p in meta["packages"]:
    name, version = p["name"], p["version"]
    if p["id"] not in members:
        lic = p.get("license")
        if not lic:
            problems.append(f"{name} {version}: no licence expression")
        elif not allowed(lic, allow | exceptions.get(name, set())):
            problems.append(f"{name} {version}: licence {lic!r} not allowed")
        if p.get("source") not in (None, CRATES_IO):
            problems.append(f"{name} {version}: source {p['source']} is not crates.io")
    if name in banned:
        problems.append(f"{name} {version}: banned ({banned[name]})")
for node in meta["resolve"]["nodes"]:
    name = next(p["name"] for p in meta["packages"] if p["id"] == node["id"])
    bad = banned_features.get(name, set()) & set(node.get("features", []))
    if bad:
        problems.append(f"{name}: banned features {sorted(bad)}")

for line in problems:
    print(f"deny: {line}")
n = len(meta["packages"])
print(f"deny: {n} packages checked: licences, bans and sources {'ok' if not problems else 'FAILED'}")
sys.exit(1 if problems else 0)
