"""``F.kl_div`` and ``nn.KLDivLoss`` against PyTorch: values and gradients for every reduction,
log-probability targets, zero targets (y ln y = 0) and float64 finite differences."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad4h03 as tg

LOGP = np.log(np.array([[0.2, 0.8], [0.6, 0.4], [0.1, 0.9]]))
TARGET = np.array([[0.0, 1.0], [0.5, 0.5], [0.3, 0.7]])


@pytest.mark.parametrize("reduction", ["mean", "batchmean", "sum", "none"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div_matches_pytorch(reduction: str, log_target: bool) -> None:
    torch = pytest.importorskip("torch")
    target = np.log(TARGET + 0.05) if log_target else TARGET
    x, t = tg.tensor(LOGP, requires_grad=True), tg.tensor(target, requires_grad=True)
    ours = tg.nn.KLDivLoss(reduction=reduction, log_target=log_target)(x, t)
    rx, rt = torch.tensor(LOGP, requires_grad=True), torch.tensor(target, requires_grad=True)
    theirs = torch.nn.KLDivLoss(reduction=reduction, log_target=log_target)(rx, rt)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-12)
    ours.sum().backward()
    theirs.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), rx.grad.numpy(), rtol=1e-12)
    # at a zero target PyTorch's gradient is NaN (y ln y has slope −inf there): compare elsewhere
    inside = target != 0
    np.testing.assert_allclose(t.grad.numpy()[inside], rt.grad.numpy()[inside], rtol=1e-12)


def test_kl_div_gradient_by_finite_differences() -> None:
    target = tg.tensor(TARGET)
    assert tg.gradcheck(
        lambda x: tg.nn.functional.kl_div(x, target, reduction="batchmean"),
        (tg.tensor(LOGP, requires_grad=True),),
    )


def test_kl_div_refuses_an_unknown_reduction() -> None:
    with pytest.raises(ValueError, match="batchmaen"):
        tg.nn.KLDivLoss(reduction="batchmaen")
    with pytest.raises(ValueError, match="kl_div"):
        tg.nn.functional.kl_div(tg.tensor(LOGP), tg.tensor(TARGET), reduction="avg")
