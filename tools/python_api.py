#!/usr/bin/env python3
"""The site's Python API page: xortorch's numpydoc docstrings as Markdown, grouped as the R reference is.

The article ``vignettes/articles/python-api.Rmd`` prints ``markdown()``; pandoc turns it into HTML:
parameters as definition lists, code as code, examples as highlighted Python.

    python tools/python_api.py > api.md
"""

from __future__ import annotations

import ast
import pprint
import re
import textwrap
from pathlib import Path

import xortorch as xt

#: The R reference's groups (_pkgdown.yml), with each public name of ``xortorch.__all__`` in one of them.
GROUPS: dict[str, list[str]] = {
    "Data": ["make_data", "XORDataset"],
    "Training": ["train", "sweep", "sweep_model", "SimpleClassifier", "to_module", "XORClassifier", "FitWarning"],
    "TensorBoard": ["tensorboard", "TensorBoard"],
    "Prediction": ["predict", "evaluate", "predict_grid"],
    "Files": ["save_model", "load_model"],
    "Plots": ["plot_samples", "plot_decision_boundary"],
    "Benchmarks": ["bench"],
    "Set-up": ["info", "LIMITS", "MAX_POINTS", "MAX_GRID_POINTS"],
}

#: Public names that need an optional extra, and what to install for it.
OPTIONAL = {"XORClassifier": "scikit-learn: `pip install 'xortorch[sklearn]'`"}

PACKAGE = Path(xt.__file__).parent

#: Sections whose entries are ``name : type`` lines with an indented description.
LISTS = {"Parameters", "Returns", "Yields", "Attributes", "Raises", "Warns"}

#: Signatures longer than this are written one parameter per line.
WIDTH = 88


def check_groups() -> None:
    """Every public name in exactly one group, and no group naming anything else."""
    listed = [name for names in GROUPS.values() for name in names]
    repeated = sorted({name for name in listed if listed.count(name) > 1})
    missing = sorted(set(xt.__all__) - set(listed))
    unknown = sorted(set(listed) - set(xt.__all__))
    if repeated or missing or unknown:
        raise ValueError(f"GROUPS: repeated {repeated}, missing {missing}, not public {unknown}")


def inline(text: str) -> str:
    """reST inline markup as Markdown: roles as (linked) code, ``literals`` and `interpreted` text as code."""

    def role(match: re.Match[str]) -> str:
        kind, target = match.group(1), match.group(2).lstrip("~")
        short = target.split(".")[-1] if target.startswith("xortorch.") else target
        shown = f"{short}()" if kind in ("func", "meth") else short
        if short in xt.__all__:
            return f"[`{shown}`](#{short})"
        return f"`{shown}`"

    text = re.sub(r":(\w+):`([^`]+)`", role, text)
    text = re.sub(r"``(.+?)``", lambda m: f"`{m.group(1)}`", text, flags=re.S)
    return text


def split_sections(doc: str) -> tuple[list[str], dict[str, list[str]]]:
    """The text before the first section, and each numpydoc section's lines (header and dashes removed)."""
    lines = doc.splitlines()
    intro: list[str] = []
    sections: dict[str, list[str]] = {}
    current = intro
    i = 0
    while i < len(lines):
        if i + 1 < len(lines) and lines[i].strip() and re.fullmatch(r"-{3,}", lines[i + 1].strip()):
            current = sections.setdefault(lines[i].strip(), [])
            i += 2
            continue
        current.append(lines[i])
        i += 1
    return intro, sections


def paragraphs(lines: list[str]) -> str:
    """Prose lines as Markdown paragraphs (blank lines kept), with reST markup converted."""
    return inline("\n".join(lines).strip())


def entries(lines: list[str]) -> str:
    """A numpydoc list (``name : type`` then an indented description) as a pandoc definition list."""
    items: list[tuple[str, list[str]]] = []
    for line in lines:
        if not line.strip() and not items:
            continue
        if line and not line[0].isspace():
            items.append((line.strip(), []))
        elif items:
            items[-1][1].append(line)
    out = []
    for head, body in items:
        name, _, kind = head.partition(" : ")
        term = ", ".join(f"`{part.strip()}`" for part in name.split(",")) if name else ""
        if kind:
            term += f" : {inline(kind)}"
        text = inline(textwrap.dedent("\n".join(body)).strip()) or "&nbsp;"
        out.append(f"{term}\n:   " + text.replace("\n", "\n    ") + "\n")
    return "\n".join(out)


def examples(lines: list[str]) -> str:
    """Doctest examples as one Python block: prompts taken off, outputs as comments."""
    code = []
    for line in textwrap.dedent("\n".join(lines)).strip().splitlines():
        if line.startswith((">>> ", "... ")) or line in (">>>", "..."):
            code.append(re.sub(r"\s*# doctest:.*$", "", line[4:]))  # directives are for the test runner
        elif line.strip():
            code.append(f"#> {line}")
        else:
            code.append("")
    return "```python\n" + "\n".join(code).strip() + "\n```\n"


def section(title: str, lines: list[str]) -> str:
    if title == "Examples":
        body = examples(lines)
    elif title in LISTS:
        body = entries(lines)
    else:
        body = paragraphs(lines)
    return f"**{title}**\n\n{body}\n"


def definitions() -> dict[str, ast.FunctionDef | ast.ClassDef]:
    """Every top-level function and class of the package's modules, read from their source: so that a
    class whose optional dependency is missing (XORClassifier without scikit-learn) is documented too."""
    found: dict[str, ast.FunctionDef | ast.ClassDef] = {}
    for module in sorted(PACKAGE.glob("_*.py")):
        for node in ast.parse(module.read_text()).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                found.setdefault(node.name, node)
    return found


def parameters(function: ast.FunctionDef) -> list[str]:
    """``name=default`` for each parameter, without annotations (the types are in the Parameters), with
    the ``*`` before keyword-only ones and without ``self``."""
    args = function.args
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    out = [a.arg if d is None else f"{a.arg}={ast.unparse(d)}" for a, d in zip(positional, defaults)]
    if args.vararg:
        out.append(f"*{args.vararg.arg}")
    elif args.kwonlyargs:
        out.append("*")
    out += [a.arg if d is None else f"{a.arg}={ast.unparse(d)}" for a, d in zip(args.kwonlyargs, args.kw_defaults)]
    if args.kwarg:
        out.append(f"**{args.kwarg.arg}")
    return [name for name in out if name != "self"]


def signature(name: str, params: list[str]) -> str:
    one_line = f"{name}({', '.join(params)})"
    if len(one_line) <= WIDTH:
        return one_line
    return f"{name}(\n" + "".join(f"    {p},\n" for p in params) + ")"


def methods(cls: ast.ClassDef) -> str:
    """A class's own public methods: their signatures and first paragraphs."""
    out = []
    for node in cls.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            doc = (ast.get_docstring(node) or "").split("\n\n")[0]
            is_property = any(ast.unparse(d) == "property" for d in node.decorator_list)
            # Named with the class: a bare `stop()` would read as (and be linked to) R's stop().
            name = f"{cls.name}.{node.name}"
            shown = name if is_property else signature(name, parameters(node))
            out.append(f"`{shown}`\n:   {inline(doc) or '&nbsp;'}\n")
    return "**Methods**\n\n" + "\n".join(out) + "\n" if out else ""


def callable_entry(name: str, node: ast.FunctionDef | ast.ClassDef) -> str:
    is_class = isinstance(node, ast.ClassDef)
    intro, sections = split_sections(ast.get_docstring(node) or "")
    if not is_class:
        shown = signature(name, parameters(node))
    else:
        init = next((n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
        bases = [ast.unparse(base) for base in node.bases]
        exception = any(base.endswith(("Warning", "Error", "Exception")) for base in bases)
        shown = "class " + (
            f"{name}({', '.join(bases)})" if exception or init is None else signature(name, parameters(init))
        )
    parts = [
        f"### {name if is_class else name + '()'} {{#{name}}}\n",
        f"```python\n{shown}\n```\n",
        f"*Needs {OPTIONAL[name]}.*\n" if name in OPTIONAL else "",
        paragraphs(intro) + "\n",
    ]
    parts += [section(title, lines) for title, lines in sections.items()]
    if is_class:
        parts.append(methods(node))
    return "\n".join(part for part in parts if part.strip())


def constant_doc(name: str) -> str:
    """A constant's ``#:`` comment lines, right above its definition in the module that defines it."""
    for module in sorted(PACKAGE.glob("_*.py")):
        lines = module.read_text().splitlines()
        for at, line in enumerate(lines):
            if re.match(rf"{name}(: [^=]+)? = ", line):
                first = at
                while first > 0 and lines[first - 1].startswith("#:"):
                    first -= 1
                return " ".join(re.sub(r"^#: ?", "", text) for text in lines[first:at])
    return ""


def constant_entry(name: str) -> str:
    value = getattr(xt, name)
    shown = pprint.pformat(dict(value) if hasattr(value, "keys") else value, width=WIDTH, sort_dicts=False)
    return f"### {name} {{#{name}}}\n\n```python\n{name} = {shown}\n```\n\n{inline(constant_doc(name))}\n"


def markdown() -> str:
    """The whole page below its introduction."""
    check_groups()
    nodes = definitions()
    out = ["```python\nimport xortorch as xt\n```\n"]
    for group, names in GROUPS.items():
        out.append(f"## {group}\n")
        for name in names:
            out.append(callable_entry(name, nodes[name]) if name in nodes else constant_entry(name))
    return "\n".join(out)


if __name__ == "__main__":
    print(markdown())
