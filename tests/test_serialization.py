"""``tg.save`` / ``tg.load``: round trips (through files and through PyTorch), refusing to
unpickle, and atomic writes."""

from __future__ import annotations

import io
import os
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad4h03 as tg
from tinygrad4h03 import nn


def lecture_model() -> nn.Sequential:
    return nn.Sequential(nn.Linear(25, 20), nn.ReLU(), nn.Linear(20, 20), nn.ReLU(),
                         nn.Linear(20, 5), nn.Softmax(dim=-1))


def test_model_round_trip(tmp_path: Path) -> None:
    model, fresh = lecture_model(), lecture_model()
    path = tmp_path / "model.npz"
    tg.save(model.state_dict(), path)
    loaded = tg.load(path)
    assert list(loaded) == list(model.state_dict())
    for key, value in model.state_dict().items():
        assert loaded[key].dtype == value.dtype
        np.testing.assert_array_equal(loaded[key], value)
    fresh.load_state_dict(loaded)
    x = tg.randn(4, 25)
    np.testing.assert_array_equal(fresh(x).data, model(x).data)


@settings(max_examples=15)
@given(st.dictionaries(
    st.text("abcdefghij._0123456789", min_size=1, max_size=8).filter(lambda k: k != "file"),
    hnp.arrays(st.sampled_from([np.float32, np.float64, np.int64, np.bool_]),
               hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3)),
    max_size=5))
def test_any_flat_state_dict_round_trips(state: dict[str, np.ndarray]) -> None:
    buffer = io.BytesIO()
    tg.save(state, buffer)
    buffer.seek(0)
    loaded = tg.load(buffer)
    assert list(loaded) == list(state)
    for key, value in state.items():
        assert loaded[key].dtype == value.dtype and loaded[key].shape == value.shape
        np.testing.assert_array_equal(loaded[key], value)


def test_tensor_values_are_saved_as_arrays(tmp_path: Path) -> None:
    path = tmp_path / "tensors.npz"
    tg.save({"w": tg.ones(2, 3), "p": nn.Parameter(np.zeros(2)), "n": 3}, path)
    loaded = tg.load(path)
    assert loaded["w"].dtype == np.float32 and loaded["w"].shape == (2, 3)
    assert loaded["p"].dtype == np.float64 and int(loaded["n"]) == 3


def test_the_path_is_used_as_given(tmp_path: Path) -> None:
    path = tmp_path / "weights.bin"
    tg.save({"a": np.ones(1)}, str(path))
    assert sorted(os.listdir(tmp_path)) == ["weights.bin"]  # no ".npz" appended, no temporaries
    assert tg.load(path)["a"] == 1


# --------------------------------------------------------------------------- never unpickling


def test_an_object_array_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "crafted.npz"
    np.savez(path, weight=np.ones(2), evil=np.array([{"a": 1}, None], dtype=object))
    with pytest.raises(ValueError, match=r"entry 'evil' is an object array.*never unpickles"):
        tg.load(path)


def test_a_pickle_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps({"weight": np.ones(2)}))
    with pytest.raises(ValueError, match="pickled data"):
        tg.load(path)


def test_a_single_npy_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "array.npy"
    np.save(path, np.ones(3))
    with pytest.raises(ValueError, match=r"single \.npy array"):
        tg.load(path)


def test_a_torch_save_file_is_refused(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    path = tmp_path / "model.pt"
    torch.save({"weight": torch.ones(2)}, path)
    with pytest.raises(ValueError, match=r"torch\.load"):
        tg.load(path)


def test_saving_rejects_what_it_cannot_store(tmp_path: Path) -> None:
    path = tmp_path / "x.npz"
    with pytest.raises(TypeError, match=r"model.state_dict\(\)"):
        tg.save(lecture_model(), path)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected a state dict"):
        tg.save([np.ones(2)], path)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="keys must be strings"):
        tg.save({0: np.ones(2)}, path)  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="value for 'w' has dtype object"):
        tg.save({"w": np.array([None])}, path)
    with pytest.raises(ValueError, match="'file' cannot be used as a key"):
        tg.save({"file": np.ones(1)}, path)
    assert not path.exists()


# --------------------------------------------------------------------------- atomic writes


def test_a_crash_mid_write_leaves_the_old_file_intact(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "model.npz"
    old = {"weight": np.arange(6.0).reshape(2, 3)}
    tg.save(old, path)
    real_savez = np.savez

    def crash_after_writing_part(file: Any, **arrays: Any) -> None:
        real_savez(file, **arrays)
        file.truncate(file.tell() // 2)  # half an archive on disk, then the "crash"
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", crash_after_writing_part)
    with pytest.raises(OSError, match="disk full"):
        tg.save({"weight": np.zeros((2, 3)), "bias": np.zeros(2)}, path)
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["model.npz"]  # the temporary file is cleaned up
    np.testing.assert_array_equal(tg.load(path)["weight"], old["weight"])


def test_the_file_is_replaced_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    tg.save({"a": np.ones(1)}, path)
    before = os.stat(path).st_ino
    tg.save({"a": np.zeros(1)}, path)
    assert os.stat(path).st_ino != before  # a new file moved into place by os.replace
    assert tg.load(path)["a"] == 0


# --------------------------------------------------------------------------- PyTorch


def test_weights_move_to_pytorch_and_back_through_a_file(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    ours = lecture_model()
    theirs = torch.nn.Sequential(
        torch.nn.Linear(25, 20), torch.nn.ReLU(), torch.nn.Linear(20, 20), torch.nn.ReLU(),
        torch.nn.Linear(20, 5), torch.nn.Softmax(dim=-1))
    path = tmp_path / "model.npz"
    tg.save(ours.state_dict(), path)
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in tg.load(path).items()})
    x = np.random.default_rng(3).standard_normal((6, 25)).astype(np.float32)
    with torch.no_grad():
        expected = theirs(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(ours(tg.tensor(x)).data, expected, rtol=1e-6, atol=1e-7)

    back = lecture_model()
    tg.save(theirs.state_dict(), path)  # torch tensors are saved as their arrays
    back.load_state_dict(tg.load(path))
    np.testing.assert_array_equal(back(tg.tensor(x)).data, ours(tg.tensor(x)).data)
