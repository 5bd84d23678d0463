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
