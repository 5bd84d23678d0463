import os

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
