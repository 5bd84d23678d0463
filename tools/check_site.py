#!/usr/bin/env python3
"""Check the built pkgdown site as an offline reader meets it: no broken local links or images, no file://
URLs, no script or stylesheet from the network, maths as MathML (not TeX left for a script to draw), alt
text on every image; then, in a real browser (headless Chromium, network off), that each article's
"On this page" sidebar fills in and the page runs without a script error.

    python tools/check_site.py site
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []
        self.fetched: list[str] = []  # what the browser loads with the page: scripts, stylesheets, images
        self.images: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.urls.append((tag, value))
        if tag == "script" and named.get("src"):
            self.fetched.append(str(named["src"]))
        if tag == "link" and "stylesheet" in str(named.get("rel", "")) and named.get("href"):
            self.fetched.append(str(named["href"]))
        if tag == "img":
            self.images.append(named)


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
        name = page.relative_to(site)
        for url in parser.fetched:
            if urlsplit(url).scheme or url.startswith("//"):
                found.append(f"{name}: loads {url} from the network")
        for image in parser.images:
            if not image.get("src"):
                found.append(f"{name}: an <img> without a source")
            elif not (image.get("alt") or "").strip():
                found.append(f"{name}: {image.get('src')} has no alt text")
        # pkgdown breaks a Value section's paragraph before a source line that opens with "(".
        for split in re.findall(r"<p>\((.{0,40})", text):
            found.append(f"{name}: a paragraph split mid-sentence before ({split}")
        if re.search(r'class="math (inline|display)">\\[(\[]', text):
            found.append(f"{name}: maths left as TeX for MathJax")
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


def browser() -> str | None:
    return next((found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))), None)


def in_browser(site: Path, chromium: str) -> list[str]:
    """Each article opened from disk in headless Chromium with the network off: its sidebar fills in,
    and no script fails."""
    found = []
    for page in sorted((site / "articles").glob("*.html")):
        if page.name == "index.html":
            continue
        with tempfile.TemporaryDirectory() as profile:
            command = [
                chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
                "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
                "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000", "--dump-dom", page.resolve().as_uri(),
            ]  # fmt: skip
            home = {**os.environ, "HOME": profile}
            run = subprocess.run(command, capture_output=True, text=True, timeout=120, env=home)
        name = page.relative_to(site)
        toc = re.search(r'<nav id="toc"[^>]*>(.*?)</nav>', run.stdout, flags=re.S)
        has_sidebar = '<nav id="toc"' in page.read_text()  # pkgdown gives one to pages with sections
        if has_sidebar and (not toc or "<a " not in toc.group(1)):
            found.append(f"{name}: the 'On this page' sidebar stays empty in a browser")
        for error in re.findall(r'CONSOLE[^"]*"((?:Uncaught|Failed to load|Subresource)[^"]*)"', run.stderr):
            found.append(f"{name}: the browser says {error[:200]}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    args = parser.parse_args(argv)
    found = problems(args.site)
    chromium = browser()
    if chromium:
        found += in_browser(args.site, chromium)
    elif os.environ.get("CI") == "true":
        found.append("no Chromium to open the site in (tools/setup.sh --tests installs it)")
    else:
        print("check_site: no Chromium here, so the pages were not opened in a browser", file=sys.stderr)
    for line in found:
        print(line, file=sys.stderr)
    pages = len(list(args.site.rglob("*.html")))
    print(f"check_site: {pages} pages, {len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
