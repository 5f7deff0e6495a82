"""``tg.save`` / ``tg.load``: round trips of state dicts and nested checkpoints (through files,
``.safetensors`` and PyTorch), keys that must survive, refusing to unpickle, damaged files
refused before allocating, and atomic writes that keep the file's mode and follow links."""

from __future__ import annotations

import io
import os
import pickle
import stat
import sys
import tracemalloc
import zipfile
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
    return nn.Sequential(
        nn.Linear(25, 20),
        nn.ReLU(),
        nn.Linear(20, 20),
        nn.ReLU(),
        nn.Linear(20, 5),
        nn.Softmax(dim=-1),
    )


def same(a: Any, b: Any) -> bool:
    """Equal values of exactly the same types (tensors and arrays: dtype, shape, entries)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, tg.Tensor | np.ndarray):
        a_array, b_array = np.asarray(a), np.asarray(b)
        return (
            a_array.dtype == b_array.dtype
            and a_array.shape == b_array.shape
            and np.array_equal(a_array, b_array, equal_nan=a_array.dtype.kind == "f")
        )
    if isinstance(a, np.generic):
        return a.dtype == b.dtype and (a == b or (a != a and b != b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and a != a:
        return b != b
    return bool(a == b)


def round_trip(obj: Any) -> Any:
    buffer = io.BytesIO()
    tg.save(obj, buffer)
    buffer.seek(0)
    return tg.load(buffer)


# --------------------------------------------------------------------------- round trips


def test_model_round_trip(tmp_path: Path) -> None:
    model, fresh = lecture_model(), lecture_model()
    path = tmp_path / "model.pth"
    tg.save(model.state_dict(), path)
    loaded = tg.load(path)
    assert list(loaded) == list(model.state_dict())
    for key, value in model.state_dict().items():
        assert same(loaded[key], value)  # tensors as tensors (arrays as arrays)
    fresh.load_state_dict(loaded)
    x = tg.randn(4, 25)
    np.testing.assert_array_equal(fresh(x).numpy(), model(x).numpy())


ARRAYS = hnp.arrays(
    st.sampled_from([np.float32, np.float64, np.int64, np.uint8, np.bool_]),
    hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3),
)


@settings(max_examples=25)
@given(
    st.dictionaries(
        st.text(max_size=8)
        | st.sampled_from(
            [
                "a",
                "a.npy",
                "file",
                "allow_pickle",
                "__tinygrad4h03__",
                "entry0",
                "x\x00y",
                "",
                "tensor",
            ]
        ),
        ARRAYS,
        max_size=6,
    )
)
def test_every_key_of_a_flat_state_dict_round_trips(state: dict[str, np.ndarray]) -> None:
    tensors = {key: tg.tensor(array) for key, array in state.items()}
    assert same(round_trip(tensors), tensors)
    assert same(round_trip(state), state)  # arrays stay arrays


def test_keys_that_np_savez_would_confuse_keep_their_values() -> None:
    a, b = tg.ones(2), tg.zeros(3)
    loaded = round_trip({"a": a, "a.npy": b, "x\x00y": a, "x": b})
    assert list(loaded) == ["a", "a.npy", "x\x00y", "x"]
    assert loaded["a"].shape == (2,) and loaded["a.npy"].shape == (3,)
    assert loaded["x\x00y"].shape == (2,) and loaded["x"].shape == (3,)


JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True)
    | st.text(max_size=5)
)
KEYS = st.text(max_size=4) | st.integers(-3, 3) | st.booleans() | st.none()
VALUES = st.recursive(
    JSON_LEAVES
    | ARRAYS
    | ARRAYS.map(lambda a: tg.tensor(a))
    | st.sampled_from([np.float32(1.5), np.int64(-2), np.bool_(True)]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.tuples(inner, inner)
        | st.dictionaries(KEYS, inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=40)
@given(VALUES)
def test_any_nested_checkpoint_round_trips_with_its_types(obj: Any) -> None:
    assert same(round_trip(obj), obj)


def test_a_checkpoint_of_model_and_optimiser_resumes_training(tmp_path: Path) -> None:
    tg.manual_seed(0)
    X, y = tg.randn(8, 25), tg.tensor([0, 1, 2, 3, 4, 0, 1, 2])

    def step(model: nn.Module, opt: tg.optim.Optimizer) -> None:
        opt.zero_grad()
        nn.functional.cross_entropy(model(X), y).backward()
        opt.step()

    model = lecture_model()
    opt = tg.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(3):
        step(model, opt)
    path = tmp_path / "checkpoint.pth"
    tg.save(
        {
            "model": model.state_dict(),
            "optimizer": opt.state_dict(),
            "epoch": 3,
            "losses": [0.5, 0.25],
            "note": "adam",
            "best": None,
        },
        path,
    )
    checkpoint = tg.load(path, weights_only=True)
    assert checkpoint["epoch"] == 3 and checkpoint["losses"] == [0.5, 0.25]
    assert checkpoint["note"] == "adam" and checkpoint["best"] is None
    assert list(checkpoint["optimizer"]["state"]) == [0, 1, 2, 3, 4, 5]  # int keys stay ints
    assert checkpoint["optimizer"]["param_groups"][0]["betas"] == (0.9, 0.999)

    resumed = lecture_model()
    resumed.load_state_dict(checkpoint["model"])
    resumed_opt = tg.optim.Adam(resumed.parameters(), lr=0.5)
    resumed_opt.load_state_dict(checkpoint["optimizer"])
    step(model, opt)
    step(resumed, resumed_opt)
    for ours, theirs in zip(model.parameters(), resumed.parameters()):
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_tensors_parameters_and_shared_tensors_come_back_as_they_were() -> None:
    weight, plain = nn.Parameter(tg.ones(2, 2)), tg.arange(3)
    loaded = round_trip(
        {
            "w": weight,
            "again": weight,
            "plain": plain,
            "array": np.ones(2),
            "scalar": np.float32(2.0),
            "grad": tg.ones(2, requires_grad=True),
        }
    )
    assert isinstance(loaded["w"], nn.Parameter) and loaded["w"].requires_grad
    assert loaded["again"] is loaded["w"]  # one tensor saved twice is one tensor loaded
    assert type(loaded["plain"]) is tg.Tensor and loaded["plain"].dtype == np.int64
    assert type(loaded["array"]) is np.ndarray and type(loaded["scalar"]) is np.float32
    assert loaded["grad"].requires_grad and loaded["grad"].is_leaf


def test_np_load_reads_a_saved_state_dict_and_tg_load_reads_np_savez(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    state = lecture_model().state_dict()
    tg.save(state, path)
    with np.load(path) as archive:
        np.testing.assert_array_equal(archive["0.weight"], np.asarray(state["0.weight"]))
    np.savez(tmp_path / "plain.npz", w=np.ones((2, 2), np.float32), names=np.array(["a", "b"]))
    loaded = tg.load(tmp_path / "plain.npz")
    assert type(loaded["w"]) is tg.Tensor and loaded["w"].shape == (2, 2)
    assert type(loaded["names"]) is np.ndarray and loaded["names"].tolist() == ["a", "b"]


def test_a_compressed_archive_loads_and_its_tensors_are_writable(tmp_path: Path) -> None:
    path = tmp_path / "compressed.npz"
    np.savez_compressed(path, zeros=np.zeros(10**6), ramp=np.arange(5.0))  # ~1000:1 deflate
    loaded = tg.load(path)
    assert loaded["zeros"].shape == (10**6,) and not loaded["zeros"].numpy().any()
    loaded["ramp"] += 1  # a fresh tensor of its own, not a read-only view of the file
    assert loaded["ramp"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_a_file_object_is_read_from_where_it_stands() -> None:
    buffer = io.BytesIO()
    buffer.write(b"prefix")
    tg.save({"w": tg.ones(3)}, buffer)
    buffer.seek(len(b"prefix"))
    assert tg.load(buffer, map_location="cpu")["w"].tolist() == [1.0, 1.0, 1.0]


def test_the_path_is_used_as_given(tmp_path: Path) -> None:
    path = tmp_path / "weights.bin"
    tg.save({"a": np.ones(1)}, str(path))
    assert sorted(os.listdir(tmp_path)) == ["weights.bin"]  # no ".npz" appended, no temporaries
    assert tg.load(path)["a"] == 1


# --------------------------------------------------------------------------- what cannot be saved


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        (lecture_model(), r"model.state_dict\(\)"),
        ({"w": np.array([None])}, r"obj\['w'\] has dtype object"),
        ({"layer": {"ids": {1, 2}}}, r"obj\['layer'\]\['ids'\], a set"),
        ({(1, 2): 3}, r"key \(1, 2\) .* keys must be str"),
        ([1, b"bytes"], r"obj\[1\], a bytes"),
    ],
)
def test_what_cannot_be_stored_is_refused_naming_where(
    obj: Any, message: str, tmp_path: Path
) -> None:
    path = tmp_path / "x.pth"
    with pytest.raises(TypeError, match=message):
        tg.save(obj, path)
    assert not path.exists()


def test_a_container_holding_itself_is_refused() -> None:
    loop: dict[str, Any] = {"w": tg.ones(1)}
    loop["self"] = loop
    with pytest.raises(ValueError, match=r"obj\['self'\] contains itself"):
        tg.save(loop, io.BytesIO())


# --------------------------------------------------------------------------- never unpickling


def test_an_object_array_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "crafted.npz"
    np.savez(path, weight=np.ones(2), evil=np.array([{"a": 1}, None], dtype=object))
    with pytest.raises(ValueError, match=r"entry 'evil' is an object array.*never unpickles"):
        tg.load(path)


def test_a_pickle_is_refused_even_with_weights_only_false(tmp_path: Path) -> None:
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps({"weight": np.ones(2)}))
    with pytest.raises(ValueError, match=r"model\.pkl.*pickled data"):
        tg.load(path, weights_only=False)


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


# --------------------------------------------------------------------------- damaged files


def test_a_text_file_is_called_a_text_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.pth"
    path.write_text("epoch 3: loss 0.25\n")
    with pytest.raises(ValueError, match=r"notes\.pth' is a text file"):
        tg.load(path)


def test_an_empty_file_is_called_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.pth"
    path.write_bytes(b"")
    with pytest.raises(ValueError, match=r"empty\.pth' is empty"):
        tg.load(path)


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_a_truncated_file_is_refused_naming_it(tmp_path: Path, keep: float) -> None:
    path = tmp_path / "cut.pth"
    tg.save({"w": tg.ones(100), "b": tg.zeros(10)}, path)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(ValueError, match=r"cut\.pth' is (damaged|truncated)"):
        tg.load(path)


def test_a_corrupted_entry_fails_its_checksum(tmp_path: Path) -> None:
    path = tmp_path / "flipped.pth"
    tg.save({"w": tg.ones(100)}, path)
    data = bytearray(path.read_bytes())
    data[300] ^= 0xFF  # inside the array's bytes
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"flipped\.pth' is damaged"):
        tg.load(path)


def npy_header(shape: tuple[int, ...], dtype: str = "<f8") -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buffer, {"descr": dtype, "fortran_order": False, "shape": shape}
    )
    return buffer.getvalue()


def crafted_archive(path: Path, header: bytes, payload: bytes) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("w.npy", header + payload)


def test_an_entry_shorter_than_its_header_is_called_damaged(tmp_path: Path) -> None:
    path = tmp_path / "short.npz"
    crafted_archive(path, npy_header((10,)), np.ones(1).tobytes())
    with pytest.raises(
        ValueError,
        match=r"short\.npz' is damaged: entry 'w' declares shape "
        r"\(10,\) of float64 \(80 bytes\) but holds 8 bytes",
    ):
        tg.load(path)


def test_a_tiny_file_declaring_a_huge_array_is_refused_without_allocating(tmp_path: Path) -> None:
    path = tmp_path / "bomb.npz"
    crafted_archive(path, npy_header((10**9,)), b"\x00" * 8)
    assert path.stat().st_size < 300
    tracemalloc.start()
    try:
        with pytest.raises(
            ValueError,
            match=r"declares shape \(1000000000,\) of float64 "
            r"\(7.45 GiB\) but holds 8 bytes",
        ):
            tg.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2**20


def test_an_entry_longer_than_its_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.npz"
    crafted_archive(path, npy_header((1,)), np.ones(2).tobytes())
    with pytest.raises(
        ValueError, match="declares shape \\(1,\\) of float64 \\(8 bytes\\) but holds 16 bytes"
    ):
        tg.load(path)


def test_a_damaged_structure_entry_is_named(tmp_path: Path) -> None:
    path = tmp_path / "structure.npz"
    np.savez(
        path,
        w=np.ones(2),
        __tinygrad4h03__=np.frombuffer(b'{"format": 1, "root": {"tensor": "nowhere"}}', np.uint8),
    )
    with pytest.raises(ValueError, match=r"structure\.npz' is damaged: .*missing entry 'nowhere'"):
        tg.load(path)


# --------------------------------------------------------------------------- atomic writes


def test_a_crash_mid_write_leaves_the_old_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
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


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_a_private_checkpoint_stays_private(tmp_path: Path) -> None:
    path = tmp_path / "private.pth"
    tg.save({"a": tg.ones(1)}, path)
    os.chmod(path, 0o600)
    tg.save({"a": tg.zeros(1)}, path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert tg.load(path)["a"].tolist() == [0.0]


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges")
def test_saving_through_a_symlink_writes_its_target(tmp_path: Path) -> None:
    target, link = tmp_path / "runs" / "best.pth", tmp_path / "latest.pth"
    target.parent.mkdir()
    tg.save({"a": tg.ones(1)}, target)
    link.symlink_to(target)
    tg.save({"a": tg.zeros(1)}, link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert tg.load(target)["a"].tolist() == [0.0]
    assert sorted(os.listdir(target.parent)) == ["best.pth"]


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="root may write read-only files"
)
def test_a_read_only_file_is_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "frozen.pth"
    tg.save({"a": tg.ones(1)}, path)
    os.chmod(path, 0o444)
    with pytest.raises(PermissionError, match="not writable"):
        tg.save({"a": tg.zeros(1)}, path)
    assert tg.load(path)["a"].tolist() == [1.0]


def test_a_missing_directory_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"no such directory .*missing"):
        tg.save({"a": tg.ones(1)}, tmp_path / "missing" / "model.pth")


# --------------------------------------------------------------------------- safetensors


def test_safetensors_round_trip(tmp_path: Path) -> None:
    pytest.importorskip("safetensors")
    path = tmp_path / "model.safetensors"
    state = {
        "w": tg.randn(3, 2),
        "steps": tg.tensor([1, 2]),
        "mask": np.array([True, False]),
        "half": tg.ones(2, dtype=tg.float16),
    }
    tg.save(state, path)
    loaded = tg.load(path)
    assert sorted(loaded) == sorted(state)
    for key, value in state.items():
        assert same(loaded[key], tg.tensor(np.asarray(value)))


def test_safetensors_refuses_what_it_cannot_hold(tmp_path: Path) -> None:
    pytest.importorskip("safetensors")
    path = tmp_path / "model.safetensors"
    with pytest.raises(TypeError, match="flat dict of name → tensor"):
        tg.save([tg.ones(1)], path)
    with pytest.raises(TypeError, match="value for 'epoch' is a int"):
        tg.save({"w": tg.ones(1), "epoch": 3}, path)
    assert not path.exists()
    path.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json at all")
    with pytest.raises(ValueError, match=r"model\.safetensors' is not a readable safetensors"):
        tg.load(path)


def test_a_bfloat16_safetensors_file_is_refused_naming_the_dtype(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    safetensors_torch = pytest.importorskip("safetensors.torch")
    path = tmp_path / "bf16.safetensors"
    safetensors_torch.save_file({"w": torch.ones(2, dtype=torch.bfloat16)}, str(path))
    with pytest.raises(ValueError, match=r"bf16\.safetensors' holds BF16 tensors"):
        tg.load(path)


def test_without_the_safetensors_package_the_error_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "safetensors", None)
    monkeypatch.setitem(sys.modules, "safetensors.numpy", None)
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'tinygrad4h03\[safetensors\]'"):
        tg.save({"w": tg.ones(1)}, tmp_path / "w.safetensors")


def test_a_torch_model_saved_with_safetensors_loads_into_the_same_tg_model(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    safetensors_torch = pytest.importorskip("safetensors.torch")
    theirs = torch.nn.Sequential(
        torch.nn.Linear(25, 20),
        torch.nn.ReLU(),
        torch.nn.Linear(20, 20),
        torch.nn.ReLU(),
        torch.nn.Linear(20, 5),
        torch.nn.Softmax(dim=-1),
    )
    path = tmp_path / "torch_model.safetensors"
    safetensors_torch.save_file(theirs.state_dict(), str(path))
    ours = lecture_model()
    ours.load_state_dict(tg.load(path))
    x = np.random.default_rng(3).standard_normal((6, 25)).astype(np.float32)
    with torch.no_grad():
        expected = theirs(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(ours(tg.tensor(x)).numpy(), expected, rtol=1e-6, atol=1e-7)

    trained = lecture_model()  # and back: a tg model's file read by safetensors.torch
    tg.save(trained.state_dict(), path)
    theirs.load_state_dict(safetensors_torch.load_file(str(path)))
    with torch.no_grad():
        np.testing.assert_allclose(
            theirs(torch.from_numpy(x)).numpy(), trained(tg.tensor(x)).numpy(), rtol=1e-6, atol=1e-7
        )


# --------------------------------------------------------------------------- PyTorch


def test_weights_move_to_pytorch_and_back_through_a_file(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    ours = lecture_model()
    theirs = torch.nn.Sequential(
        torch.nn.Linear(25, 20),
        torch.nn.ReLU(),
        torch.nn.Linear(20, 20),
        torch.nn.ReLU(),
        torch.nn.Linear(20, 5),
        torch.nn.Softmax(dim=-1),
    )
    path = tmp_path / "model.pth"
    tg.save(ours.state_dict(), path)
    theirs.load_state_dict({k: torch.from_numpy(np.asarray(v)) for k, v in tg.load(path).items()})
    x = np.random.default_rng(3).standard_normal((6, 25)).astype(np.float32)
    with torch.no_grad():
        expected = theirs(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(ours(tg.tensor(x)).numpy(), expected, rtol=1e-6, atol=1e-7)

    back = lecture_model()
    tg.save({"model": theirs.state_dict()}, path)  # torch tensors are saved as tensors
    loaded = tg.load(path)["model"]
    assert all(type(v) is tg.Tensor for v in loaded.values())
    back.load_state_dict(loaded)
    np.testing.assert_array_equal(back(tg.tensor(x)).numpy(), ours(tg.tensor(x)).numpy())
