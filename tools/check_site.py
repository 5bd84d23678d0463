#!/usr/bin/env python3
"""Check the built pkgdown site: no file:// URLs (a page that loads MathJax from one shows raw LaTeX on any
other machine) and no broken local links or images.

    python tools/check_site.py site
"""

from __future__ import annotations

import argparse
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.urls.append((tag, value))


def problems(site: Path) -> list[str]:
    found = []
    pages = sorted(site.rglob("*.html"))
    if not pages:
        return [f"{site} holds no HTML pages"]
    for page in pages:
        text = page.read_text(errors="replace")
        if re.search(r"""(src|href)\s*=\s*["']?file:""", text, flags=re.I):
            found.append(f"{page.relative_to(site)}: loads a file:// URL")
        parser = Links()
        parser.feed(text)
        for tag, url in parser.urls:
            parts = urlsplit(url)
            if parts.scheme or url.startswith(("#", "//", "mailto:", "data:", "javascript:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if parts.path.endswith("/"):
                target = target / "index.html"
            if not target.exists():
                found.append(f"{page.relative_to(site)}: <{tag}> links to {url}, which is not in the site")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    args = parser.parse_args(argv)
    found = problems(args.site)
    for line in found:
        print(line, file=sys.stderr)
    pages = len(list(args.site.rglob("*.html")))
    print(f"check_site: {pages} pages, {len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
