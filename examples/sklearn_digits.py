"""Handwritten digits with an MLP 64-64-10, trained the PyTorch way.

scikit-learn's bundled ``load_digits`` (1,797 images of 8×8 pixels, no download) is split
into a training set and a held-out test set with a fixed seed; a ``tg.nn.Sequential`` MLP is
trained with ``zero_grad / loss.backward() / step`` and a progress bar, and its accuracy on
the test set is printed. Needs the ``examples`` extra (scikit-learn)::

    pip install -e ".[examples]"
    python examples/sklearn_digits.py            # about 2 seconds, ~98% test accuracy
    python examples/sklearn_digits.py --save digits.npz
"""

from __future__ import annotations

import argparse

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from tqdm import tqdm

import tinygrad4h03 as tg
from tinygrad4h03 import nn


def load_data(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A stratified 75/25 split fixed by ``seed``, pixels standardised with the training
    set's statistics: ``(x_train, x_test, y_train, y_test)``, x as float32."""
    digits = load_digits()
    x_train, x_test, y_train, y_test = train_test_split(
        digits.data, digits.target, test_size=0.25, random_state=seed, stratify=digits.target
    )
    mean = x_train.mean(axis=0)
    scale = x_train.std(axis=0) + 0.1  # + 0.1: some border pixels are always 0
    x_train, x_test = (((x - mean) / scale).astype(np.float32) for x in (x_train, x_test))
    return x_train, x_test, y_train, y_test


def make_model() -> nn.Sequential:
    """64 pixels → 64 ReLU units → 10 class scores (logits; the softmax is in the loss)."""
    return nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))


def train(
    model: nn.Module,
    x: np.ndarray,
    y: np.ndarray,
    epochs: int,
    batch_size: int,
    lr: float,
    seed: int,
    progress: bool = True,
) -> None:
    """Mini-batch Adam on the cross-entropy (with label smoothing 0.1), in PyTorch's loop."""
    optimizer = tg.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
    order = np.random.default_rng(seed)
    bar = tqdm(range(epochs), desc="training", unit="epoch", disable=not progress)
    for _ in bar:
        for batch in np.array_split(order.permutation(len(x)), len(x) // batch_size):
            optimizer.zero_grad()
            loss = loss_fn(model(tg.tensor(x[batch])), y[batch])
            loss.backward()
            optimizer.step()
        bar.set_postfix(loss=f"{loss.item():.4f}")


def accuracy(model: nn.Module, x: np.ndarray, y: np.ndarray) -> float:
    """The fraction of images whose largest logit is the true digit."""
    with tg.no_grad():
        predictions = model(tg.tensor(x)).argmax(dim=1).numpy()
    return float((predictions == y).mean())


def main(argv: list[str] | None = None) -> float:
    parser = argparse.ArgumentParser(description="Train an MLP 64-64-10 on scikit-learn's digits.")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--save", metavar="PATH", help="save the trained state dict (.npz)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)

    tg.manual_seed(args.seed)
    x_train, x_test, y_train, y_test = load_data(args.seed)
    model = make_model()
    train(
        model,
        x_train,
        y_train,
        args.epochs,
        args.batch_size,
        args.lr,
        args.seed,
        progress=not args.quiet,
    )
    result = accuracy(model, x_test, y_test)
    print(f"test accuracy: {result:.2%} on {len(y_test)} held-out images")
    if args.save:
        tg.save(model.state_dict(), args.save)
        print(f"saved the weights to {args.save}")
    return result


if __name__ == "__main__":
    main()
