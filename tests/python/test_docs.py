"""Every public callable documents its parameters, return value, exceptions and an example, and the examples run."""

from __future__ import annotations

import doctest
import inspect
import os

import matplotlib
import pytest

import xortorch as xt

PUBLIC = sorted(name for name in xt.__all__ if callable(getattr(xt, name, None)))


def sections(doc: str) -> set[str]:
    lines = doc.splitlines()
    return {lines[i].strip() for i in range(len(lines) - 1) if set(lines[i + 1].strip()) == {"-"}}


def takes_arguments(obj) -> bool:
    target = obj.__init__ if inspect.isclass(obj) else obj
    try:
        params = [p for p in inspect.signature(target).parameters if p not in ("self", "args", "kwargs")]
    except (TypeError, ValueError):
        return False
    return bool(params)


def required(name: str, obj) -> set[str]:
    if inspect.isclass(obj) and issubclass(obj, Warning):
        return {"Examples"}
    if inspect.isclass(obj):
        return {"Examples"} | ({"Parameters"} if takes_arguments(obj) else set())
    return {"Returns", "Examples"} | ({"Parameters", "Raises"} if takes_arguments(obj) else set())


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_callable_documents_parameters_returns_raises_and_an_example(name):
    obj = getattr(xt, name)
    missing = required(name, obj) - sections(inspect.getdoc(obj) or "")
    assert not missing, f"{name} lacks {sorted(missing)}"


@pytest.mark.parametrize("name", PUBLIC)
def test_the_examples_run(name, tmp_path, monkeypatch):
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)  # examples that save files write here
    obj = getattr(xt, name)
    finder = doctest.DocTestFinder(recurse=False)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    tests = [t for t in finder.find(obj, name, globs={"xt": xt}) if t.examples]
    assert tests, f"{name} has no example"
    for test in tests:
        runner.run(test)
    assert runner.failures == 0, f"{name}: {runner.failures} example(s) failed"
    assert os.getcwd() == str(tmp_path)


def python_api():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "tools" / "python_api.py"
    spec = importlib.util.spec_from_file_location("python_api", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_python_reference_renders_numpydoc_grouped_as_the_r_reference():
    import re

    api = python_api()
    page = api.markdown()
    groups = re.findall(r"^## (.+)$", page, flags=re.M)
    assert groups == ["Data", "Training", "TensorBoard", "Prediction", "Files", "Plots", "Benchmarks", "Set-up"]
    headings = re.findall(r"^### (\S+?)(?:\(\))? \{#(\S+)\}$", page, flags=re.M)
    assert sorted(name for name, _ in headings) == sorted(xt.__all__)  # each public name once
    anchors = {anchor for _, anchor in headings}
    assert set(re.findall(r"\]\(#([^)]+)\)", page)) <= anchors  # every cross-reference lands
    # numpydoc as Markdown: parameters as definition lists, no reST or doctest syntax left.
    for param in ("X", "hidden", "lr", "log_dir"):
        assert re.search(rf"^`{param}` : .+\n:   \S", page, flags=re.M), param
    for raw in (r"(?<!`)``(?!`)", ":func:`", ":mod:`", ">>> ", "# doctest", "\n----"):
        assert not re.search(raw, page), raw
    code = re.findall(r"```python\n(.*?)```", page, flags=re.S)
    assert max(len(line) for block in code for line in block.splitlines()) <= 100
    with pytest.raises(ValueError, match="missing \\['bench'\\]"):
        api.GROUPS["Benchmarks"].remove("bench")
        try:
            api.markdown()
        finally:
            api.GROUPS["Benchmarks"].append("bench")


def test_the_python_reference_builds_without_scikit_learn():
    # install_xortorch() installs no scikit-learn; the page documents XORClassifier from its source.
    import subprocess
    import sys
    from pathlib import Path

    tools = Path(__file__).resolve().parents[2] / "tools"
    script = "import sys; sys.modules['sklearn'] = None; import python_api; print(python_api.markdown())"
    out = subprocess.run([sys.executable, "-c", script], cwd=tools, capture_output=True, text=True, check=True)
    assert "### XORClassifier {#XORClassifier}" in out.stdout
    assert "*Needs scikit-learn" in out.stdout and "`random_state` : int" in out.stdout
