"""Every python block of README.md runs, in order, in one namespace; a text block
right after it must equal what the python block printed."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.S)


def blocks() -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer(README.read_text(encoding="utf-8"))]


def test_readme_examples_run_and_print_what_they_show() -> None:
    found = blocks()
    python = [b for b in found if b[0] == "python"]
    assert len(python) >= 4, "the README lost its examples"
    namespace: dict[str, object] = {"__name__": "readme"}
    checked = 0
    for i, (lang, code) in enumerate(found):
        if lang != "python":
            continue
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, f"README.md block {i}", "exec"), namespace)  # noqa: S102
        following = found[i + 1] if i + 1 < len(found) else None
        if following is not None and following[0] == "text":
            assert out.getvalue() == following[1], f"README block {i} printed something else"
            checked += 1
    assert checked == len(python)
