import sys

import matplotlib.pyplot as plt
import numpy as np
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

    import matplotlib.pyplot as plt

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
    import matplotlib.pyplot as plt

    X, y = xt.make_data(20, seed=0)
    plt.close("all")
    ours = xt.plot_samples(X, y)
    plt.close(ours)  # the user closes it; their next figure may get the same number
    theirs = plt.figure()
    xt.plot_samples(X, y)
    # The object itself, still open: our next figure may take over its number.
    assert any(plt.figure(n) is theirs for n in plt.get_fignums())
    plt.close("all")


def test_in_jupyter_a_plot_shows_its_figure_once(monkeypatch):
    """Jupyter's inline backend shows open pyplot figures at the end of a cell; the value must not show it again."""
    import types

    shown = []
    display = types.ModuleType("IPython.display")
    display.Image = lambda data: ("png", data[:8])
    display.display = shown.append
    monkeypatch.setitem(sys.modules, "IPython", types.ModuleType("IPython"))
    monkeypatch.setitem(sys.modules, "IPython.display", display)
    X, y = xt.make_data(50, seed=1)
    fig = xt.plot_samples(X, y)
    fig._ipython_display_()  # the cell's value, while pyplot still holds the figure
    assert shown == []
    plt.close(fig)  # the end of the cell: the inline backend has shown it and closed it
    fig._ipython_display_()  # displayed again later, it draws itself
    assert shown == [("png", b"\x89PNG\r\n\x1a\n")]
