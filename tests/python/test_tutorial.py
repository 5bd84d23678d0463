"""The tutorial's deterministic reference outputs (see shared/seed)."""

import torch

import xortorch as xt


def test_simple_classifier_print_and_parameters():
    model = xt.SimpleClassifier(num_inputs=2, num_hidden=4, num_outputs=1)
    assert str(model) == (
        "SimpleClassifier(\n"
        "  (linear1): Linear(in_features=2, out_features=4, bias=True)\n"
        "  (act_fn): Tanh()\n"
        "  (linear2): Linear(in_features=4, out_features=1, bias=True)\n"
        ")"
    )
    shapes = {name: tuple(p.shape) for name, p in model.named_parameters()}
    assert shapes == {
        "linear1.weight": (4, 2),
        "linear1.bias": (4,),
        "linear2.weight": (1, 4),
        "linear2.bias": (1,),
    }


def test_tutorial_accuracy_is_100_percent():
    X, y = xt.make_data(2500, seed=42)
    model = xt.train(X, y, seed=42)
    X_test, y_test = xt.make_data(500, seed=43)
    assert f"{100.0 * xt.evaluate(model, X_test, y_test):4.2f}%" == "100.00%"


def test_info_reports_versions_and_devices():
    report = xt.info()
    assert report["xortorch"] == xt.__version__
    assert report["torch"] == torch.__version__
    assert report["cuda_available"] == torch.cuda.is_available()
    assert len(report["cuda_devices"]) == torch.cuda.device_count() * report["cuda_available"]


def test_python_and_r_package_versions_agree():
    from pathlib import Path

    description = (Path(__file__).parents[2] / "DESCRIPTION").read_text()
    version = next(line.split(":", 1)[1].strip() for line in description.splitlines() if line.startswith("Version:"))
    assert version == xt.__version__


def test_the_suite_imports_this_checkout():
    from pathlib import Path

    checkout = Path(__file__).resolve().parents[2]
    assert Path(xt.__file__).resolve().is_relative_to(checkout / "python")
