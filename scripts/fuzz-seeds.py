#!/usr/bin/env python3
"""Write the seed corpora of the fuzz targets (fuzz/seeds/<target>/) from the inputs
the tests already use: the typed JSON examples of docs/*.md (each checked by the
docs tests), the tests' ledger, the command's dunning configuration, the letter
templates, and the payment-terms phrases of crates/encours-core/tests/terms.rs.

Run it again when those inputs change; the files it writes are committed. The
structured targets (ledger_events, c_api) take their seeds from a short fuzzing run
instead (scripts/fuzz.sh --seed-structured), since their inputs are not text."""
import hashlib
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fuzz" / "seeds"

# json_inputs: first byte = the document kind (see fuzz_targets/json_inputs.rs).
KINDS = {
    "LedgerData": 0,
    "DunningConfig": 1,
    "History": 2,
    "PromiseToPay": 3,  # wrapped in a list below
    "RateTables": 4,
    "InterestRule": 5,
    "CalendarSpec": 6,
    "PaymentTerms": 7,
}


def write(target: str, data: bytes) -> None:
    d = SEEDS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)


def doc_blocks():
    for f in sorted((ROOT / "docs").glob("*.md")):
        text = f.read_text()
        for m in re.finditer(r"<!-- (?:type|input): (\w+)[^>]*-->\s*```json\n(.*?)```", text, re.S):
            yield m.group(1), m.group(2)


def main() -> None:
    for kind, body in doc_blocks():
        if kind == "PromiseToPay":
            body = "[" + body.strip() + "]"
        if kind == "LedgerData":
            continue  # the file itself, below
        if kind in KINDS:
            write("json_inputs", bytes([KINDS[kind]]) + body.encode())
    for ledger in ["crates/encours-core/tests/data/ledger/small.json", "examples/c/ledger.json"]:
        write("json_inputs", b"\x00" + (ROOT / ledger).read_bytes())
    write("json_inputs", b"\x01" + (ROOT / "crates/encours-cli/config/dunning.json").read_bytes())
    # Report configurations (kind 8): buckets and FX rates as the core's doc tests write them.
    write("json_inputs", b"\x08" + b'[0, 30, 60, 90]')
    write("json_inputs", b"\x08" + b'{"rates": [{"from": "EUR", "to": "JPY", "rate": "162.3"}]}')
    write("json_inputs", b"\x07" + b'{"lines":[{"share":"30","due":{"rule":"at_order"}},{"share":"70","due":{"rule":"net","days":60}}]}')

    terms = (ROOT / "crates/encours-core/tests/terms.rs").read_text()
    for phrase in set(re.findall(r'parse\("([^"\\]{1,80})"', terms)):
        write("terms_parse", phrase.encode())

    for tpl in sorted((ROOT / "crates/encours-core/templates").glob("*/*.txt")):
        src = tpl.read_bytes()
        if len(src) <= 1024:
            write("letters_render", b"\x00" + (b"\x00" if tpl.parent.name == "en" else b"\x01") + src)
    write("letters_render", b"\x03\x00Subject: Pay {{ total_due | money }}\nPlease pay.")


if __name__ == "__main__":
    main()
