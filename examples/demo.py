"""The README's demo: a worked example, then pictures of a graph and of training.

Run from the repository root::

    .venv/bin/python examples/demo.py            # writes into ./demo_output
    .venv/bin/python examples/demo.py --out pics --epochs 3

It prints a small worked example (an expression, ``backward()``, the gradients)
and writes into one folder:

* ``backprop.html``   the backward pass of that Scalar expression, step by step
                      (open it in a browser; Next / Previous or the arrow keys);
* ``scalar_graph.svg`` the same expression's graph with values and gradients;
* ``mlp_step.svg``    one training step of the digits MLP: every op, parameter,
                      shape and gradient, shaded by gradient magnitude, grouped by layer;
* ``losses.svg``      the MLP's training and validation curves;
* ``grad_flow.svg``   the gradient norm of each layer in that step.
"""
import argparse
import importlib.util
import pathlib
import sys
import time

import graphgrad as gg
from graphgrad import Scalar, nn, viz

HERE = pathlib.Path(__file__).resolve().parent


def worked_example(out):
    """micrograd's example on Scalars: print the gradients, write its page and graph."""
    print("Worked example (Scalars, as in micrograd):")
    a = Scalar(-4.0, label="a")
    b = Scalar(2.0, label="b")
    c = a + b
    c.label = "c = a + b"
    d = a * b + b ** 3
    d.label = "d = a*b + b**3"
    e = (d - c).relu() + (c * 2.0).tanh()
    e.label = "e = relu(d - c) + tanh(2c)"
    g = e / 2.0
    g.label = "g = e / 2"
    print("  a = -4, b = 2")
    print("  g = (relu(a*b + b**3 - (a + b)) + tanh(2 (a + b))) / 2")
    print(f"  g.data = {g.data:.6f}")
    # NOTE: the page replays backward itself, so build it before (or without) backward().
    viz.backprop_page(g, out / "backprop.html", title="Backprop through g = e / 2, step by step")
    g.backward()
    print("  g.backward()")
    print(f"  a.grad = dg/da = {a.grad:.6f}")
    print(f"  b.grad = dg/db = {b.grad:.6f}")
    viz.render_svg(g, out / "scalar_graph.svg")


def load_digits():
    """examples/digits.py, imported by path (examples/ is not a package)."""
    spec = importlib.util.spec_from_file_location("digits_example", HERE / "digits.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def digits_pictures(out, epochs):
    """Train the digits MLP briefly, then picture its curves and one training step."""
    digits = load_digits()
    gg.manual_seed(digits.SEED)
    train_data, val_data, _ = digits.load_data()
    model = digits.make_model()
    start = time.perf_counter()
    model, history = digits.train(model, train_data, val_data, epochs=epochs, progress=False)
    sizes = [p.shape[1] for n, p in model.named_parameters() if n.endswith("weight")] + [10]
    print(f"\nDigits MLP ({'-'.join(map(str, sizes))}, ReLU, dropout; scikit-learn's 8x8 digits):")
    print(f"  trained {len(history['train_loss'])} epochs in {time.perf_counter() - start:.1f} s, "
          f"validation accuracy {history['val_acc'][history['best_epoch'] - 1]:.1%}")
    viz.plot_losses(history, out / "losses.svg", title="Digits MLP: loss and accuracy per epoch")

    # One training step, pictured: which module made each op, and every gradient.
    x, y = train_data[0][:64], train_data[1][:64]
    model.train()
    with viz.trace_modules(model) as trace:
        loss = nn.CrossEntropyLoss()(model(gg.Tensor(x)), y)
    loss.label = "loss"
    viz.retain_grads(loss)  # keep intermediate gradients too, so the picture shows them
    model.zero_grad()
    loss.backward()
    start = time.perf_counter()
    graph = viz.draw_graph(loss, modules=trace)
    viz.render_svg(graph, out / "mlp_step.svg")
    print(f"  drew one training step ({graph.source.count('[label=')} nodes) in "
          f"{time.perf_counter() - start:.2f} s")
    viz.plot_grad_flow(model, out / "grad_flow.svg",
                       title="Digits MLP: gradient norm per layer (one step)")
    for layer, flag in viz.flag_layers(viz.grad_norms(model)).items():
        print(f"  layer {layer}: gradient {flag}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="demo_output", help="output folder (default: %(default)s)")
    parser.add_argument("--epochs", type=int, default=20,
                        help="digits MLP epochs (default: %(default)s)")
    args = parser.parse_args(argv)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    worked_example(out)
    digits_pictures(out, args.epochs)
    print(f"\nWrote into {out}/:")
    for path in sorted(out.iterdir()):
        print(f"  {path.name:18s} {path.stat().st_size:>9,d} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
