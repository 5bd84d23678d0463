import warnings

import numpy as np
import pytest
import torch

import xortorch as xt
from xortorch._engine import from_groups, gradients, to_groups
from xortorch._model import PARAM_NAMES


@pytest.fixture(scope="module")
def data():
    return xt.make_data(2500, seed=11)


@pytest.fixture(scope="module")
def model(data):
    return xt.train(*data, seed=5)


def test_model_is_a_plain_dict_with_the_tutorials_names(model):
    assert isinstance(model, dict)
    assert list(model["state"]) == list(PARAM_NAMES)
    shapes = {k: v.shape for k, v in model["state"].items()}
    assert shapes == {"linear1.weight": (4, 2), "linear1.bias": (4,), "linear2.weight": (1, 4), "linear2.bias": (1,)}
    assert all(isinstance(v, np.ndarray) for v in model["state"].values())
    assert model["loss"].shape == (100,)
    assert model["config"] == dict(
        hidden=4, lr=0.1, batch_size=128, epochs=100, seed=5, engine="fast", n=2500, scale=False, weight_decay=0.0
    )
    assert model["device"] == "cpu" and model["seconds"] > 0


def test_accuracy_at_tutorial_settings(model):
    X_test, y_test = xt.make_data(500, seed=12)
    assert xt.evaluate(model, X_test, y_test) >= 0.99
    assert model["loss"][-1] < 0.2 * model["loss"][0]


def test_same_seed_bit_identical_weights(data, model):
    again = xt.train(*data, seed=5)
    for key in PARAM_NAMES:
        assert np.array_equal(model["state"][key], again["state"][key])
    assert np.array_equal(model["loss"], again["loss"])
    other = xt.train(*data, seed=6)
    assert not np.array_equal(model["state"]["linear1.weight"], other["state"]["linear1.weight"])


def test_seed_none_is_drawn_and_recorded(data):
    m = xt.train(*data, epochs=2, seed=None)
    replay = xt.train(*data, epochs=2, seed=m["config"]["seed"])
    assert np.array_equal(m["state"]["linear1.weight"], replay["state"]["linear1.weight"])


def test_seed_none_follows_torch_manual_seed_as_in_the_tutorial(data):
    # The tutorial's habit: torch.manual_seed(42), then train. seed=None draws the seed from torch's global
    # generator, advancing it by one draw, as any torch call would.
    runs = []
    for _ in range(2):
        torch.manual_seed(42)
        X, y = xt.make_data(200)
        runs.append((X, xt.train(X, y, epochs=2), xt.sweep(X, y, lr=0.1, seeds=[1], epochs=2), torch.rand(1)))
    (X1, m1, _, after1), (X2, m2, _, after2) = runs
    assert np.array_equal(X1, X2) and m1["config"]["seed"] == m2["config"]["seed"]
    assert np.array_equal(m1["state"]["linear1.weight"], m2["state"]["linear1.weight"])
    assert torch.equal(after1, after2)
    torch.manual_seed(42)
    assert not torch.equal(torch.rand(1), after1)  # the draws advanced the generator
    torch.manual_seed(43)
    assert xt.train(*data, epochs=1)["config"]["seed"] != m1["config"]["seed"]


def test_options_reach_the_engine(data):
    # Each option changes the model, and the fast engine uses it as the autograd engine does.
    m = xt.train(*data, hidden=8, epochs=3, batch_size=1000, lr=0.3, seed=1)
    assert m["state"]["linear1.weight"].shape == (8, 2)
    assert m["loss"].shape == (3,)
    ref = xt.train(*data, hidden=8, epochs=3, batch_size=1000, lr=0.3, seed=1, engine="autograd")
    for key in PARAM_NAMES:
        np.testing.assert_allclose(m["state"][key], ref["state"][key], atol=1e-5)
    for option in ({"batch_size": 128}, {"lr": 0.1}, {"hidden": 7}):
        other = xt.train(*data, **{"hidden": 8, "epochs": 3, "batch_size": 1000, "lr": 0.3, "seed": 1, **option})
        assert not np.allclose(other["loss"], m["loss"]), option


def test_callback_is_called_once_per_epoch_with_the_loss(data):
    seen = []
    m = xt.train(*data, epochs=5, seed=2, callback=lambda epoch, loss: seen.append((epoch, loss)))
    assert [e for e, _ in seen] == [1, 2, 3, 4, 5]
    assert np.allclose([loss for _, loss in seen], m["loss"])


def test_callback_exception_stops_training_and_propagates(data):
    calls = []

    def stop(epoch, loss):
        calls.append(epoch)
        if epoch == 3:
            raise KeyboardInterrupt("stop here")

    with pytest.raises(KeyboardInterrupt, match="stop here"):
        xt.train(*data, epochs=50, seed=2, callback=stop)
    assert calls == [1, 2, 3]


def test_progress_bar_writes_to_stderr(data, capsys):
    xt.train(*data, epochs=3, seed=2, progress=True)
    assert "3/3" in capsys.readouterr().err


def test_replays_the_tutorial_step_by_step_with_the_last_partial_batch_kept():
    # 130 points at batch 128: two steps per epoch, the second on 2 points.
    # Replay the documented contract by hand: the seed's generator draws the
    # nn.Linear-style initial weights, then one permutation per epoch.
    from xortorch._model import init_state

    X, y = xt.make_data(130, seed=0)
    model = xt.train(X, y, epochs=2, seed=3)
    g = torch.Generator().manual_seed(3)
    module = xt.SimpleClassifier(2, 4, 1)
    module.load_state_dict(init_state(4, g))
    optimizer = torch.optim.SGD(module.parameters(), lr=0.1)
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y).float()
    for _ in range(2):
        perm = torch.randperm(130, generator=g)
        for batch in (perm[:128], perm[128:]):
            loss = torch.nn.BCEWithLogitsLoss()(module(X_t[batch]).squeeze(1), y_t[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    for key, value in module.state_dict().items():
        np.testing.assert_allclose(model["state"][key], value.numpy(), atol=1e-6)


@pytest.mark.parametrize("inputs", [1, 2, 5])
@pytest.mark.parametrize("seed", range(3))
def test_fast_gradients_equal_autograd_on_random_batches(seed, inputs):
    g = torch.Generator().manual_seed(seed)
    hidden, batch = int(torch.randint(1, 9, (1,), generator=g)), int(torch.randint(1, 200, (1,), generator=g))
    module = xt.SimpleClassifier(inputs, hidden, 1)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=g))
    xb = torch.randn(batch, inputs, generator=g)
    yb = torch.randint(0, 2, (batch,), generator=g).float()
    loss = torch.nn.BCEWithLogitsLoss()(module(xb).squeeze(1), yb)
    loss.backward()
    W1, b1, W2, b2 = (p.detach() for p in module.parameters())
    params = to_groups(W1[None], b1[None], W2[None], b2[None], groups=1)
    xa = torch.cat([xb.T, torch.ones(1, batch)])[None]
    fast_loss, grads = gradients(params, xa, yb[None])
    assert fast_loss.item() == pytest.approx(loss.item(), abs=1e-6)
    expected = [
        module.linear1.weight.grad,
        module.linear1.bias.grad,
        module.linear2.weight.grad,
        module.linear2.bias.grad,
    ]
    for g, want in zip(grads, expected):
        torch.testing.assert_close(g[0], want, atol=1e-6, rtol=0)


def test_grouped_layout_round_trips():
    g = torch.Generator().manual_seed(0)
    per_model = (
        torch.randn(6, 3, 2, generator=g),
        torch.randn(6, 3, generator=g),
        torch.randn(6, 1, 3, generator=g),
        torch.randn(6, 1, generator=g),
    )
    for groups in (1, 2, 3, 6):
        for a, b in zip(from_groups(to_groups(*per_model, groups=groups)), per_model):
            assert torch.equal(a, b)


def test_fast_and_autograd_engines_train_the_same_model(data):
    fast = xt.train(*data, seed=9, epochs=20)
    ref = xt.train(*data, seed=9, epochs=20, engine="autograd")
    for key in PARAM_NAMES:
        np.testing.assert_allclose(fast["state"][key], ref["state"][key], atol=1e-4)
    np.testing.assert_allclose(fast["loss"], ref["loss"], atol=1e-5)


def test_cuda_where_there_is_none_is_a_clear_error(data):
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(ValueError, match="`device` is 'cuda' but CUDA is not available"):
        xt.train(*data, device="cuda")


@pytest.mark.parametrize(
    "X, y, error, pattern",
    [
        (np.zeros((5, 0)), np.zeros(5), ValueError, r"`X` must have shape \(n, p\), not \(5, 0\)"),
        (np.zeros(5), np.zeros(5), ValueError, "`X` must have shape"),
        (np.zeros((0, 2)), np.zeros(0), ValueError, "`X` is empty"),
        (np.array([[0.0, np.nan]]), np.zeros(1), ValueError, "`X` contains NaN"),
        (np.array([[0.0, np.inf]]), np.zeros(1), ValueError, "`X` contains NaN or infinite"),
        ([["a", "b"]], [0], TypeError, "`X` must be a numeric array"),
        (np.zeros((5, 2)), np.zeros(4), ValueError, "`y` has length 4 but `X` has 5 rows"),
        (np.zeros((2, 2)), np.array([0, 2]), ValueError, "`y` must hold only the labels 0 and 1, found 2"),
        (np.zeros((2, 2)), np.array([0, 0.5]), ValueError, "`y` must hold only the labels 0 and 1"),
        (np.zeros((2, 2)), np.zeros((2, 1)), ValueError, "`y` must be one-dimensional"),
    ],
)
def test_bad_data(X, y, error, pattern):
    with pytest.raises(error, match=pattern):
        xt.train(X, y)


@pytest.mark.parametrize(
    "kwargs, error, pattern",
    [
        ({"lr": 0}, ValueError, "`lr` must be a positive number, not 0"),
        ({"lr": -1}, ValueError, "`lr` must be a positive number, not -1"),
        ({"lr": "fast"}, TypeError, "`lr` must be a number"),
        ({"epochs": 0}, ValueError, "`epochs` must be a whole number between 1 and 1,000,000, not 0."),
        ({"batch_size": 0}, ValueError, "`batch_size` must be a whole number of at least 1, not 0."),
        ({"hidden": 0}, ValueError, "`hidden` must be a whole number between 1 and 4,096, not 0."),
        ({"hidden": 2.0}, TypeError, "`hidden` must be a whole number between 1 and 4,096, not 2.0."),
        ({"device": "tpu"}, ValueError, "`device` must be 'auto', 'cpu'"),
        ({"device": "gpu"}, ValueError, "`device`"),
        ({"device": 3}, TypeError, "`device` must be a string"),
        ({"engine": "magic"}, ValueError, "`engine` must be one of"),
        ({"callback": 3}, TypeError, "`callback` must be callable"),
        ({"progress": "yes"}, TypeError, "`progress` must be True or False"),
        ({"seed": -3}, ValueError, "`seed`"),
    ],
)
def test_bad_options(data, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        xt.train(*data, **kwargs)


@pytest.mark.parametrize("inputs", [1, 5])
def test_any_number_of_inputs_trains_like_the_autograd_engine(inputs):
    X = np.random.default_rng(inputs).normal(size=(300, inputs))
    y = (X.sum(axis=1) > 0).astype(int)
    fast = xt.train(X, y, seed=4, epochs=10)
    ref = xt.train(X, y, seed=4, epochs=10, engine="autograd")
    assert fast["state"]["linear1.weight"].shape == (4, inputs)
    for key in PARAM_NAMES:
        np.testing.assert_allclose(fast["state"][key], ref["state"][key], atol=1e-4)
    assert xt.evaluate(xt.train(X, y, seed=4, lr=0.5, epochs=100), X, y) > 0.9
    with pytest.raises(ValueError, match=rf"`X` must have shape \(n, {inputs}\), not \(3, 2\)"):
        xt.predict(fast, np.zeros((3, 2)))


def test_linear2_init_bound_is_1_over_sqrt_hidden_like_nn_linear():
    from xortorch._model import init_state

    state = init_state(64, torch.Generator().manual_seed(0))
    for name, fan_in in [("linear1.weight", 2), ("linear2.weight", 64), ("linear2.bias", 64)]:
        bound = abs(state[name]).max().item()
        assert 0.8 / np.sqrt(fan_in) < bound <= 1 / np.sqrt(fan_in), name


def test_epoch_loss_is_the_mean_over_all_batches(data):
    # With an lr too small to move the weights, every batch sees the initial model,
    # so the epoch's loss is that model's BCE over all the points, not one batch's.
    X, y = data
    model = xt.train(X, y, lr=1e-30, epochs=1, seed=3)
    p = xt.predict(model, X).astype(np.float64)
    bce = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert model["loss"][0] == pytest.approx(bce, abs=1e-6)


@pytest.mark.parametrize("lr", [1e39, float("inf")])
def test_lr_beyond_float32_is_refused(data, lr):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"`lr` .*(float32|finite)"):
            xt.train(*data, lr=lr)
        with pytest.raises(ValueError, match=r"`lr` .*(float32|finite)"):
            xt.sweep(*data, lr=[0.1, lr])


def test_divergence_is_an_error_not_nan_weights(data):
    with pytest.raises(ValueError, match=r"Training diverged at `lr` = 1e\+37.*Use a smaller `lr`"):
        xt.train(*data, lr=1e37, epochs=3, seed=1)
    swept = xt.sweep(*data, lr=[0.1, 1e37], seeds=[1], epochs=3)
    assert np.isfinite(swept["final_loss"][0]) and not np.isfinite(swept["final_loss"][1])
    assert swept["accuracy"][0] > 0.4 and np.isnan(swept["accuracy"][1])


def test_training_leaves_the_global_rng_alone(data):
    for engine in ("fast", "autograd"):
        torch.manual_seed(123)
        expected = torch.rand(3)
        torch.manual_seed(123)
        xt.train(*data, epochs=1, seed=1, engine=engine)
        xt.to_module(xt.train(*data, epochs=1, seed=1))
        assert torch.equal(torch.rand(3), expected), engine


def test_default_dtype_float64_changes_nothing(data):
    expected = xt.train(*data, epochs=3, seed=2)
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        for engine in ("fast", "autograd"):
            again = xt.train(*data, epochs=3, seed=2, engine=engine)
            for key in PARAM_NAMES:
                assert again["state"][key].dtype == np.float32
                np.testing.assert_allclose(again["state"][key], expected["state"][key], atol=1e-5)
        assert xt.make_data(10, seed=1)[0].dtype == np.float32
    finally:
        torch.set_default_dtype(before)


def test_init_continues_training_where_the_model_left_off(data):
    first = xt.train(*data, epochs=5, seed=1, hidden=3)
    more = xt.train(*data, epochs=4, seed=2, init=first)
    assert more["state"]["linear1.weight"].shape == (3, 2)
    assert more["loss"].shape == (9,)
    np.testing.assert_array_equal(more["loss"][:5], first["loss"])
    # The first new epoch starts from first's weights: its loss continues the curve.
    assert abs(more["loss"][5] - first["loss"][4]) < 0.1 * first["loss"][0]
    assert more["loss"][-1] < first["loss"][-1]
    ref = xt.train(*data, epochs=4, seed=2, init=first, engine="autograd")
    np.testing.assert_allclose(more["state"]["linear1.weight"], ref["state"]["linear1.weight"], atol=1e-4)
    with pytest.raises(ValueError, match=r"`X` must have shape \(n, 2\)"):
        xt.train(np.zeros((3, 3)), [0, 1, 0], init=first)


def test_a_step_too_large_for_memory_is_refused_up_front_with_the_figure():
    import time

    X = np.zeros((1_000_000, 2), dtype=np.float32)
    y = np.zeros(1_000_000, dtype=int)
    y[::2] = 1
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"`batch_size` 1,000,000 x `hidden` 4,096 needs about .* GiB per step"):
        xt.train(X, y, hidden=4096, batch_size=1_000_000, epochs=1)
    assert time.perf_counter() - start < 2


def test_inputs_that_would_change_silently_are_refused_or_named(data):
    # Issue 29: integers beyond 2^24 round in float32; a masked array's mask would be ignored.
    X, y = data
    big = np.column_stack([np.arange(y.size, dtype=np.int64) + 2**24 + 1, np.ones(y.size, dtype=np.int64)])
    with pytest.warns(UserWarning, match=r"`X` holds integers beyond 2\^24 \(16,777,216\), up to 16,779,716: "):
        xt.train(big, y, epochs=1, seed=1, scale=True)
    masked = np.ma.masked_array(X, mask=np.zeros_like(X, dtype=bool))
    with pytest.raises(TypeError, match=r"^`X` is a masked array: xortorch would ignore its mask"):
        xt.train(masked, y, epochs=1)
    with pytest.raises(TypeError, match=r"^`y` is a masked array"):
        xt.train(X, np.ma.masked_array(y), epochs=1)


def test_errors_name_the_argument_the_user_passed(data):
    with pytest.raises(TypeError, match=r"^`init` must be a dict with a 'state' entry"):
        xt.train(*data, init=[1, 2])
    with pytest.raises(ValueError, match=r"^`init` lacks the tensors"):
        xt.train(*data, init={"state": {}})
    with pytest.raises(ValueError, match=r"^`seeds` must be a whole number"):
        xt.sweep(*data, seeds=[1, -3], epochs=1)
