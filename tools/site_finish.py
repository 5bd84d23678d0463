#!/usr/bin/env python3
"""Finish the pkgdown site where pkgdown 2.0.7 leaves gaps that readers meet:

* every example figure on a reference page gets alt text: the comment line that comes before its plotting
  call in the example (downlit writes ``alt=''`` for every figure); a figure without one is an error, so a
  new example cannot add a figure without its description;
* the empty logo image (``<img src="" class="logo">``) that every page gets when a package has no logo goes.

    python tools/site_finish.py site
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from pathlib import Path

FIGURE = re.compile(r"""<span class="r-plt img"><img src="([^"]+)" alt=""([^>]*)></span>""")
COMMENT = re.compile(r"""<span class="co">#\s*(.*?)</span>""")
EMPTY_LOGO = re.compile(r"""<img src="" class="logo" alt="">""")


def describe_figures(page: str, name: str) -> tuple[str, list[str]]:
    """The page with alt text on its example figures, and the figures that have no comment to give it."""
    missing: list[str] = []
    out, last = [], 0
    for match in FIGURE.finditer(page):
        # The example code since the previous figure (or the start of the examples).
        since = page[last : match.start()]
        examples = since.rfind('id="ref-examples"')
        comments = COMMENT.findall(since[examples:] if examples >= 0 else since)
        if not comments:
            missing.append(f"{name}: {match.group(1)} has no comment above its plotting call")
            alt = ""
        else:
            alt = html.escape(html.unescape(comments[-1]).strip(), quote=True)
        out.append(page[last : match.start()])
        out.append(f'<span class="r-plt img"><img src="{match.group(1)}" alt="{alt}"{match.group(2)}></span>')
        last = match.end()
    out.append(page[last:])
    return "".join(out), missing


def finish(site: Path) -> list[str]:
    missing: list[str] = []
    for path in sorted(site.rglob("*.html")):
        page = path.read_text()
        page = EMPTY_LOGO.sub("", page)
        if path.parent.name == "reference":
            page, gaps = describe_figures(page, str(path.relative_to(site)))
            missing += gaps
        path.write_text(page)
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    args = parser.parse_args(argv)
    missing = finish(args.site)
    for line in missing:
        print(line, file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
