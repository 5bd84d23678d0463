import os
import sys

import matplotlib
import pytest

matplotlib.use("Agg")

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def need(condition: bool, reason: str) -> None:
    """Skip when an optional environment is missing, but fail in CI, where it must exist."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def pytest_sessionfinish(session, exitstatus):
    session.config.stash[_exit_status] = int(exitstatus)


_exit_status = pytest.StashKey[int]()


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    # rpy2 3.5 ends the embedded R at interpreter exit and can abort there
    # ("GIL is released"). Every result is reported by now, so leave with
    # pytest's own exit status before that clean-up can replace it.
    if "rpy2.rinterface" in sys.modules:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(config.stash.get(_exit_status, 1))
