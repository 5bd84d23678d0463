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
