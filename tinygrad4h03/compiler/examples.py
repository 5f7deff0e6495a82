"""The lecture's network through ``tg.compile``: the code ``docs/compile.md`` shows.

``lecture_code()`` builds the lecture's 25-20-20-20-5 ReLU network with softmax and
cross-entropy, compiles its one-sample SGD step and returns the replay's source, the
machine-derived twin of the hand-written delta rule in ``tinygrad4h03/deltarule.py``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["lecture_code"]


def lecture_code() -> str:
    """The replay of the lecture network's one-sample training step, as Python source.

    Returns:
        The body of ``step.code`` (without the ``def`` line, whose keyword defaults only
        bind the buffers): the forward pass, the backward pass (``dv3`` is ∂E/∂v³, the
        lecture's −δ³) and the update W ← W − α ∂E/∂W.

    Examples:
        >>> code = lecture_code()
        >>> "y1 = np.maximum(v1, k_0)" in code, "weight0 -= lr * dweight0" in code
        (True, True)
    """
    import tinygrad4h03 as tg

    step = _lecture_step(tg)
    x, labels = tg.data.lecture_digits()
    for sample, label in zip(x, labels, strict=True):
        step(tg.tensor(sample), tg.tensor(label))
    return step.code.split("\n", 1)[1]


def _lecture_step(tg: Any) -> Any:
    tg.manual_seed(0)
    model = tg.nn.Sequential(
        tg.nn.Linear(25, 20), tg.nn.ReLU(),
        tg.nn.Linear(20, 20), tg.nn.ReLU(),
        tg.nn.Linear(20, 20), tg.nn.ReLU(),
        tg.nn.Linear(20, 5),
    ).double()  # fmt: skip
    opt = tg.optim.SGD(model.parameters(), lr=0.01)

    @tg.compile
    def train_step(x: Any, y: Any) -> Any:
        opt.zero_grad()
        loss = tg.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return train_step
