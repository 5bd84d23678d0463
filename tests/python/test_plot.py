import importlib.util
import os

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

import xortorch as xt


def test_plot_samples_is_the_tutorials_scatter():
    X, y = xt.make_data(200, seed=0)
    fig = xt.plot_samples(X, y)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_title() == "Dataset samples"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Class 0", "Class 1"]
    assert sum(len(c.get_offsets()) for c in ax.collections) == 200


def test_decision_boundary_blends_the_class_colours():
    X, y = xt.make_data(200, seed=0)
    model = xt.train(*xt.make_data(2500, seed=1), seed=1)
    fig = xt.plot_decision_boundary(model, X, y)
    image = fig.axes[0].get_images()[0].get_array()
    assert image.shape == (200, 200, 4)
    # (0, 0) is class 0 (blue C0), (1, 0) class 1 (orange C1); imshow rows are x2.
    blue, orange = np.array([0.12, 0.47, 0.71]), np.array([1.0, 0.5, 0.05])
    assert np.abs(image[50, 50, :3] - blue).max() < 0.1
    assert np.abs(image[50, 150, :3] - orange).max() < 0.1
    fig.canvas.draw()


def test_boundary_puts_x1_on_the_horizontal_axis_for_an_asymmetric_model():
    # Class 1 exactly where x1 > 0.5, whatever x2: the image must change along x1 (columns).
    model = {
        "state": {
            "linear1.weight": np.array([[10.0, 0.0]]),
            "linear1.bias": np.array([-5.0]),
            "linear2.weight": np.array([[10.0]]),
            "linear2.bias": np.array([0.0]),
        }
    }
    X, y = xt.make_data(20, seed=0)
    image = xt.plot_decision_boundary(model, X, y).axes[0].get_images()[0].get_array()
    blue, orange = np.array([0.12, 0.47, 0.71]), np.array([1.0, 0.5, 0.05])
    assert np.abs(image[10, 180, :3] - orange).max() < 0.1  # x2 low, x1 high
    assert np.abs(image[180, 10, :3] - blue).max() < 0.1  # x2 high, x1 low


def test_figures_do_not_pile_up_or_log_or_lose_their_labels(caplog):
    import warnings

    model = xt.train(*xt.make_data(500, seed=1), seed=1, epochs=5)
    X, y = xt.make_data(50, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "More than 20 figures have been opened"
        for _ in range(12):
            xt.plot_samples(X, y)
            fig = xt.plot_decision_boundary(model, X, y)
    assert len(plt.get_fignums()) == 1 and plt.gcf() is fig  # the latest, for plt.show()
    assert "Clipping input data" not in caplog.text
    fig.canvas.draw()
    ylabel = fig.axes[0].yaxis.label.get_window_extent()
    assert ylabel.x0 >= 0  # inside the figure, not cut off


def test_boundary_of_own_data_covers_the_data_with_a_probability_key():
    from realdata import mtcars_am

    X, y = mtcars_am()
    model = xt.train(X, y, seed=1, epochs=300, scale=True)
    fig = xt.plot_decision_boundary(model, X, y)
    ax = fig.axes[0]
    left, right, bottom, top = ax.get_images()[0].get_extent()
    assert left < X[:, 0].min() and right > X[:, 0].max() and bottom < X[:, 1].min() and top > X[:, 1].max()
    assert ax.get_title() == "P(class 1) by the model"
    assert fig.axes[1].get_ylabel() == "P(class 1)"  # the colour bar
    image = ax.get_images()[0].get_array()
    orange = np.array([1.0, 0.5, 0.05])
    assert (np.abs(image[..., :3] - orange).max(axis=-1) < 0.1).any()  # class 1 shows somewhere


def test_an_xortorch_plot_never_closes_the_users_own_figure():

    X, y = xt.make_data(20, seed=0)
    plt.close("all")
    ours = xt.plot_samples(X, y)
    plt.close(ours)  # the user closes it; their next figure may get the same number
    theirs = plt.figure()
    xt.plot_samples(X, y)
    # The object itself, still open: our next figure may take over its number.
    assert any(plt.figure(n) is theirs for n in plt.get_fignums())
    plt.close("all")


# In a real Jupyter kernel (issue 27): each cell shows as many images as figures it drew, once each.
NOTEBOOK_CELLS = [
    ("import xortorch as xt\nX, y = xt.make_data(200, seed=1)\nm = xt.train(X, y, seed=1, epochs=20)", 0),
    ("xt.plot_samples(X, y)", 1),
    ("fig = xt.plot_decision_boundary(m, X, y)\nfig", 1),
    ("xt.plot_samples(X, y)\nxt.plot_decision_boundary(m, X, y)", 2),
    ("import matplotlib.pyplot as plt\n_ = xt.plot_decision_boundary(m, X, y)\nplt.show()", 1),
    ("for seed in range(3):\n    xt.plot_samples(*xt.make_data(50, seed=seed))", 3),
    ("fig = xt.plot_samples(X, y)\nfig.axes[0].set_title('Changed')", 1),
    ("fig", 1),
    ("import tempfile\nlogged = xt.train(X, y, seed=1, epochs=4, log_every=2, log_dir=tempfile.mkdtemp())", 0),
    ("display(fig)\nNone", 1),
    ("plt.plot([0, 1])\nplt.show()", 1),
]


def run_notebook(cells: list[str]):
    import nbclient
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.path.dirname(os.path.dirname(xt.__file__))  # the kernel imports this checkout
    try:
        nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
    finally:
        if before is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = before
    return notebook.cells


def images(cell) -> int:
    return sum("image/png" in output.get("data", {}) for output in cell.outputs)


@pytest.mark.parametrize("magic", ["", "%matplotlib inline\n"])
def test_a_jupyter_kernel_shows_every_figure_exactly_once(magic):
    from conftest import need

    need(importlib.util.find_spec("nbclient") is not None, "nbclient (the development environment has it)")
    cells = run_notebook([magic + code for code, _ in NOTEBOOK_CELLS])
    assert [images(cell) for cell in cells] == [expected for _, expected in NOTEBOOK_CELLS]
    values = [o["data"]["text/plain"] for o in cells[6].outputs if o["output_type"] == "execute_result"]
    assert values == ["Text(0.5, 1.0, 'Changed')"]  # the cell's value, beside its one image


def test_progress_in_a_notebook_is_one_line_redrawn_in_place():
    from conftest import need

    need(importlib.util.find_spec("nbclient") is not None, "nbclient (the development environment has it)")
    # Seeded: about one unseeded fit in fifty of these 500 points learns nothing, and its FitWarning
    # (rightly printed in the cell) is a second line of output.
    (cell,) = run_notebook(["import xortorch as xt\nm = xt.train(*xt.make_data(500, seed=1), seed=1, progress=True)"])
    text = "".join(o["text"] for o in cell.outputs if o["output_type"] == "stream")
    shown = [line.rsplit("\r", 1)[-1] for line in text.split("\n") if line.rsplit("\r", 1)[-1].strip()]
    assert len(shown) == 1 and "100/100" in shown[0], text
    assert "IProgress" not in text and "Warning" not in text
