#!/usr/bin/env python3
"""Run every Python chunk of an R Markdown file, in order, as one script.

    python tools/vignette_python.py vignettes-src/xortorch.Rmd

R chunks are skipped, and so are chunks marked ``eval = FALSE``. Each chunk runs
like a Python console session, as knitr's reticulate engine runs it: the value
of a top-level expression is printed. matplotlib draws off screen (Agg), so
``plt.show()`` is harmless. The xortorch package of this checkout is imported,
whatever the working directory. The first failing chunk stops the run with its
label, its traceback and exit status 1: this is how the vignette's Python is
checked on a machine without R (the GPU machine).
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import sys
import traceback
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
CHUNK = re.compile(r"^```\{python(?P<header>[^}]*)\}[ \t]*\n(?P<code>.*?)^```[ \t]*$", re.M | re.S)


class Chunk(NamedTuple):
    label: str
    line: int
    code: str


def python_chunks(text: str) -> list[Chunk]:
    """The Python chunks to run, with their labels and first lines."""
    chunks = []
    for number, match in enumerate(CHUNK.finditer(text), start=1):
        header = match["header"].strip().lstrip(",").strip()
        if re.search(r"\beval\s*=\s*(FALSE|F)\b", header):
            continue
        label = header.split(",")[0].strip() if header and "=" not in header.split(",")[0] else f"chunk {number}"
        line = text.count("\n", 0, match.start("code")) + 1
        chunks.append(Chunk(label, line, match["code"]))
    return chunks


def run_chunk(chunk: Chunk, namespace: dict, path: str) -> None:
    """Run one chunk statement by statement, printing expression values like the console."""
    tree = ast.parse(chunk.code, filename=path)
    ast.increment_lineno(tree, chunk.line - 1)
    for statement in tree.body:
        code = compile(ast.Interactive(body=[statement]), path, "single")
        exec(code, namespace)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rmd", type=Path, help="the R Markdown file")
    args = parser.parse_args(argv)
    os.environ.setdefault("MPLBACKEND", "Agg")
    sys.path.insert(0, str(ROOT / "python"))
    text = args.rmd.read_text(encoding="utf-8")
    chunks = python_chunks(text)
    if not chunks:
        print(f"{args.rmd}: no Python chunks", file=sys.stderr)
        return 1
    namespace: dict = {"__name__": "__main__"}
    for chunk in chunks:
        try:
            run_chunk(chunk, namespace, str(args.rmd))
        except BaseException:
            sys.stdout.flush()
            print(f"\nchunk '{chunk.label}' (line {chunk.line} of {args.rmd}) failed:", file=sys.stderr)
            traceback.print_exc()
            return 1
    sys.stdout.flush()
    print(f"\n{len(chunks)} Python chunks of {args.rmd} ran.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
