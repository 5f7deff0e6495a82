"""``tg.nn.utils``: gradient clipping and parameters as one vector, against PyTorch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad4h03 as tg
from tinygrad4h03 import nn
from tinygrad4h03.nn.utils import (
    clip_grad_norm_,
    clip_grad_value_,
    parameters_to_vector,
    vector_to_parameters,
)


def _models_with_gradients(scale: float, seed: int) -> tuple[nn.Module, Any]:
    """The same small model here and in PyTorch, with the same gradients (one without)."""
    torch = pytest.importorskip("torch")
    torch.manual_seed(seed)
    theirs = torch.nn.Sequential(
        torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2), torch.nn.Linear(2, 2)
    )
    ours = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2), nn.Linear(2, 2))
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(seed).standard_normal((5, 3)).astype(np.float32) * scale
    (ours[:3](tg.tensor(x)) ** 2).sum().backward()  # the last layer gets no gradient
    (theirs[:3](torch.from_numpy(x)) ** 2).sum().backward()
    return ours, theirs


@settings(max_examples=20)
@given(
    max_norm=st.sampled_from([0.01, 0.5, 1.0, 100.0]),
    norm_type=st.sampled_from([1.0, 2.0, 3.5, float("inf")]),
    scale=st.sampled_from([0.1, 1.0, 10.0]),
    seed=st.integers(0, 1000),
)
def test_clip_grad_norm_matches_pytorch(
    max_norm: float, norm_type: float, scale: float, seed: int
) -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = _models_with_gradients(scale, seed)
    total = clip_grad_norm_(ours.parameters(), max_norm, norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs.parameters(), max_norm, norm_type)
    assert isinstance(total, tg.Tensor) and total.shape == () and total.dtype == np.float32
    np.testing.assert_allclose(total.item(), expected.item(), rtol=1e-4)
    for p, q in zip(ours.parameters(), theirs.parameters(), strict=True):
        assert (p.grad is None) == (q.grad is None)
        if p.grad is not None:
            reference = q.grad.numpy()  # float32 gradients: compare on their own scale
            atol = 1e-5 * np.abs(reference).max()
            np.testing.assert_allclose(p.grad.numpy(), reference, rtol=1e-4, atol=atol)


def test_clip_grad_norm_by_hand() -> None:
    w = tg.tensor([0.0, 0.0], requires_grad=True)
    v = tg.tensor([0.0], requires_grad=True)
    ((w * tg.tensor([3.0, 0.0])).sum() + (v * 4.0).sum()).backward()
    total = tg.nn.utils.clip_grad_norm_([w, v], max_norm=2.5)
    assert total.item() == pytest.approx(5.0)
    np.testing.assert_allclose(w.grad.numpy(), [1.5, 0.0], rtol=1e-5)  # halved
    np.testing.assert_allclose(v.grad.numpy(), [2.0], rtol=1e-5)
    # below the limit nothing changes (up to the 1e-6 in the denominator)
    clip_grad_norm_(w, max_norm=10.0)
    np.testing.assert_allclose(w.grad.numpy(), [1.5, 0.0], rtol=1e-5)


def test_clip_grad_norm_without_gradients_and_non_finite() -> None:
    p = tg.tensor([1.0], requires_grad=True)
    assert clip_grad_norm_([p], 1.0).item() == 0.0
    p.grad = tg.tensor([np.inf])
    with pytest.raises(RuntimeError, match="non-finite"):
        clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
    assert np.isinf(clip_grad_norm_([p], 1.0).item())


def test_clip_grad_value_matches_pytorch() -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = _models_with_gradients(5.0, 3)
    assert clip_grad_value_(ours.parameters(), 0.3) is None
    torch.nn.utils.clip_grad_value_(theirs.parameters(), 0.3)
    for p, q in zip(ours.parameters(), theirs.parameters(), strict=True):
        if p.grad is not None:
            np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-4, atol=1e-6)
            assert np.abs(p.grad.numpy()).max() <= 0.3


def test_parameters_to_vector_and_back() -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = _models_with_gradients(1.0, 4)
    vector = parameters_to_vector(ours.parameters())
    np.testing.assert_array_equal(
        vector.numpy(), torch.nn.utils.parameters_to_vector(theirs.parameters()).detach()
    )
    assert vector.requires_grad  # differentiable, as PyTorch's
    vector_to_parameters(tg.arange(float(vector.shape[0])), ours.parameters())
    assert ours[0].weight.numpy()[0].tolist() == [0.0, 1.0, 2.0]
    assert ours[3].bias.numpy().tolist() == [vector.shape[0] - 2.0, vector.shape[0] - 1.0]
    with pytest.raises(ValueError, match="vector"):
        vector_to_parameters(tg.zeros(3), ours.parameters())
