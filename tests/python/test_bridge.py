"""R and Python together, through rpy2: R's xortorch runs in this process and
its reticulate shares this interpreter."""

import shutil

import numpy as np
import pytest
from conftest import need

import xortorch as xt

pytestmark = pytest.mark.bridge


@pytest.fixture(scope="module")
def r():
    need(shutil.which("R") is not None, "R is not installed")
    try:
        from rpy2.rinterface_lib import embedded

        # rpy2 releases the GIL while R runs, and reticulate 1.28's finalizers
        # drop Python references without taking it: an R garbage collection
        # that frees a Python tuple or dict aborts the process ("GIL is
        # released", seen in R_RunWeakRefFinalizer). A heap large enough that
        # R never collects during this short suite keeps those finalizers from
        # running; the process then leaves through conftest's os._exit.
        embedded.set_initoptions(("rpy2", "--quiet", "--no-save", "--min-nsize=20M", "--min-vsize=2G"))
        import rpy2.robjects as robjects
    except Exception as err:  # ImportError, or rpy2 failing to start R
        need(False, f"rpy2 cannot start R: {err}")
    # rpy2 hooks reticulate's onLoad to warn about a crash fixed before
    # reticulate 1.28; drop that hook (it also swallows the call's value).
    robjects.r('setHook(packageEvent("reticulate", "onLoad"), NULL, "replace")')
    installed = robjects.r('found <- requireNamespace("xortorch", quietly = TRUE); found')[0]
    need(bool(installed), "the xortorch R package is not installed (make install)")
    robjects.r("suppressPackageStartupMessages(library(xortorch))")
    return robjects.r


def r_state(r, expr):
    """The weights of the R model `expr` as float32 NumPy arrays, Python's shapes."""
    r(f"bridge_model <- {expr}")
    return {
        name: np.asarray(r(f'bridge_model$state[["{name}"]]'), dtype=np.float32).reshape(shape)
        for name, shape in [
            ("linear1.weight", (4, 2)),
            ("linear1.bias", (4,)),
            ("linear2.weight", (1, 4)),
            ("linear2.bias", (1,)),
        ]
    }


def r_matrix(r, expr):
    return np.asarray(r(f"as.vector({expr})")).reshape(tuple(r(f"dim({expr})")), order="F")


def test_r_shares_this_python(r):
    assert r("reticulate::py_config()$python")[0] == r("xortorch:::xt()$info()$python")[0]


def test_same_seed_gives_identical_weights_in_r_and_python(r):
    from_r = r_state(r, "xor_train(xor_data(2500, seed = 1), seed = 3, progress = FALSE)")
    X, y = xt.make_data(2500, seed=1)
    assert np.array_equal(r_matrix(r, "as.matrix(xor_data(2500, seed = 1)[c('x1', 'x2')])"), X)
    from_py = xt.train(X, y, seed=3)
    for name, value in from_py["state"].items():
        assert np.array_equal(from_r[name], value), name


def test_model_saved_in_r_loads_in_python(r, tmp_path):
    path = str(tmp_path / "from_r.pt")
    state = r_state(r, "xor_train(xor_data(2500, seed = 4), seed = 5, progress = FALSE)")
    r(f'xor_save(bridge_model, "{path}")')
    loaded = xt.load_model(path)
    for name, value in state.items():
        assert np.array_equal(loaded["state"][name], value)
    X_test, y_test = xt.make_data(500, seed=6)
    assert xt.evaluate(loaded, X_test, y_test) == r("xor_evaluate(bridge_model, xor_data(500, seed = 6))")[0]


def test_model_saved_in_python_loads_in_r(r, tmp_path):
    path = str(tmp_path / "from_py.pt")
    model = xt.train(*xt.make_data(2500, seed=7), seed=8)
    xt.save_model(model, path)
    X, _ = xt.make_data(100, seed=9)
    from_r = np.asarray(r(f'predict(xor_load("{path}"), xor_data(100, seed = 9))'))
    np.testing.assert_allclose(from_r, xt.predict(model, X), atol=1e-7)


def test_r_errors_name_the_argument_and_r_keeps_working(r):
    from rpy2.rinterface_lib.embedded import RRuntimeError

    with pytest.raises(RRuntimeError, match=r"`lr` must be a positive number, not -1."):
        r("xor_train(xor_data(100, seed = 1), lr = -1)")
    with pytest.raises(RRuntimeError, match="the limit is 100,000,000"):
        r("xor_predict_grid(xor_train(xor_data(100, seed = 1), epochs = 1, progress = FALSE), step = 1e-6)")
    assert r("nrow(xor_data(10, seed = 1))")[0] == 10


@pytest.mark.parametrize(
    "draw",
    [
        "plot(xor_data(200, seed = 1))",
        "plot(xor_train(xor_data(2500, seed = 1), seed = 1, progress = FALSE), data = xor_data(200, seed = 2))",
        "plot(xor_train(xor_data(500, seed = 1), seed = 1, epochs = 20, progress = FALSE), type = 'loss')",
        "plot(xor_bench(n = 100, repeats = 1))",
        "plot(xor_sweep(xor_data(300, seed = 1), lr = c(0.1, 1), seeds = 1, epochs = 5))",
    ],
)
def test_r_plots_write_non_blank_pngs(r, tmp_path, draw):
    import matplotlib.image

    path = str(tmp_path / "plot.png")
    r(f'png("{path}", width = 400, height = 400); {draw}; invisible(dev.off())')
    pixels = matplotlib.image.imread(path)[..., :3]
    not_white = (pixels < 0.95).any(axis=-1).mean()
    assert not_white > 0.02, f"{draw} drew almost nothing ({not_white:.1%} of pixels)"
    colours = np.unique((pixels * 255).astype(np.uint8).reshape(-1, 3), axis=0)
    assert len(colours) > 3
