"""The lecture's digit images (tinygrad4h03.data), checked against the slides and the book."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinygrad4h03 import data

# The slides' matrices in the order the seed text shows them, A … E, copied row by row.
SEED_MATRICES = {
    "A": ["01100", "00100", "00100", "00100", "01110"],
    "B": ["11111", "00001", "01111", "00001", "11111"],
    "C": ["11111", "10000", "11111", "00001", "11111"],
    "D": ["11111", "00001", "11111", "10000", "11111"],
    "E": ["10010", "10010", "11111", "00010", "00010"],
}
# A, B, C, D, E are the digits 1, 3, 5, 2, 4; in label order 1 … 5:
LECTURE_ORDER = ["A", "D", "B", "E", "C"]

# Kim, MATLAB Deep Learning, ch. 5 TestDeepReLU.m, X(:,:,1 … 5).
BOOK = [
    ["01100", "00100", "00100", "00100", "01110"],
    ["11110", "00001", "01110", "10000", "11111"],
    ["11110", "00001", "01110", "00001", "11110"],
    ["00010", "00110", "01010", "11111", "00010"],
    ["11111", "10000", "11110", "00001", "11110"],
]

# ch. 4 RealMultiClass.m: the contaminated images and the digit the book reports.
CONTAMINATED = [
    (["00110", "00110", "01010", "00010", "01110"], 4),
    (["11110", "00001", "01110", "10001", "11111"], 2),
    (["11110", "00001", "01110", "10001", "11110"], 3),
    (["01110", "01000", "01110", "00010", "01110"], 5),
    (["01111", "01000", "01110", "00010", "11110"], 5),
]

# The slide "unpack the image into one vector": the "1", column by column.
SLIDE_VECTOR_OF_ONE = "0000010001111110000100000"


def rows_of(x: np.ndarray) -> list[str]:
    """A row-major 25-vector back to five strings of 0/1."""
    return ["".join(str(int(p)) for p in row) for row in x.reshape(5, 5)]


def test_lecture_digits_are_the_slides_matrices_in_label_order() -> None:
    X, labels = data.lecture_digits()
    assert X.shape == (5, 25) and X.dtype == np.float64
    assert labels.dtype == np.int64 and labels.tolist() == [0, 1, 2, 3, 4]
    for k, letter in enumerate(LECTURE_ORDER):
        assert rows_of(X[k]) == SEED_MATRICES[letter], f"digit {k + 1} (matrix {letter})"


def test_column_major_one_is_the_slides_vector() -> None:
    X, _ = data.lecture_digits(order="F")
    assert "".join(str(int(p)) for p in X[0]) == SLIDE_VECTOR_OF_ONE
    # Row-major order would begin 0 1 1 0 0, as the first row of the "1".
    assert "".join(str(int(p)) for p in data.lecture_digits()[0][0][:5]) == "01100"


@pytest.mark.parametrize("variant", ["lecture", "book"])
def test_column_major_is_the_transposed_image(variant: str) -> None:
    C, labels_c = data.lecture_digits("C", variant)
    F, labels_f = data.lecture_digits("F", variant)
    assert np.array_equal(F, C.reshape(5, 5, 5).transpose(0, 2, 1).reshape(5, 25))
    assert np.array_equal(labels_c, labels_f)


def test_book_digits() -> None:
    X, labels = data.lecture_digits(variant="book")
    assert X.shape == (5, 25) and labels.tolist() == [0, 1, 2, 3, 4]
    assert [rows_of(x) for x in X] == BOOK


def test_book_and_lecture_differ_where_the_notes_say() -> None:
    # Identical "1"; the 2, 3 and 5 differ in 3, 3 and 2 pixels; the 4 is another drawing.
    lecture, _ = data.lecture_digits()
    book, _ = data.lecture_digits(variant="book")
    assert (lecture != book).sum(axis=1).tolist() == [0, 3, 3, 10, 2]


def test_contaminated_digits() -> None:
    X, labels = data.contaminated_digits()
    assert X.shape == (5, 25) and X.dtype == np.float64 and labels.dtype == np.int64
    assert [rows_of(x) for x in X] == [rows for rows, _ in CONTAMINATED]
    assert labels.tolist() == [digit - 1 for _, digit in CONTAMINATED] == [3, 1, 2, 4, 4]
    F, _ = data.contaminated_digits(order="F")
    assert np.array_equal(F, X.reshape(5, 5, 5).transpose(0, 2, 1).reshape(5, 25))


def test_digits_constant() -> None:
    assert data.DIGITS == (1, 2, 3, 4, 5)


def test_one_hot() -> None:
    assert np.array_equal(data.one_hot(np.arange(5)), np.eye(5))  # the book's D = eye(5)
    assert np.array_equal(data.one_hot(np.array([2, 0]), 4), [[0, 0, 1, 0], [1, 0, 0, 0]])
    assert data.one_hot(np.array([1]), 3).dtype == np.float64


def test_digit_picture() -> None:
    X, _ = data.lecture_digits()
    assert data.digit_picture(X[0]) == "·██··\n··█··\n··█··\n··█··\n·███·"
    F, _ = data.lecture_digits(order="F")
    for x, f in zip(X, F, strict=True):
        assert data.digit_picture(f, order="F") == data.digit_picture(x)
    assert data.digit_picture(X[3], on="#", off=".").splitlines()[2] == "#####"


# --- noisy copies ------------------------------------------------------------------------------


@given(n_copies=st.integers(0, 6), n_flips=st.integers(0, 25), seed=st.integers(0, 2**32 - 1))
def test_noisy_copies_flip_exactly_n_pixels(n_copies: int, n_flips: int, seed: int) -> None:
    X, labels = data.lecture_digits()
    Xn, yn = data.noisy_copies(X, labels, n_copies, n_flips, seed=seed)
    assert Xn.shape == (5 * n_copies, 25) and Xn.dtype == np.float64
    assert yn.tolist() == np.repeat(labels, n_copies).tolist()
    assert np.all((Xn == 0) | (Xn == 1))
    originals = np.repeat(X, n_copies, axis=0)  # the copies of image 0 come first
    assert np.all((Xn != originals).sum(axis=1) == n_flips)


def test_noisy_copies_default_to_one_flip() -> None:
    X, labels = data.lecture_digits()
    Xn, _ = data.noisy_copies(X, labels, 3, seed=0)
    assert np.all((Xn != np.repeat(X, 3, axis=0)).sum(axis=1) == 1)


def test_noisy_copies_are_reproducible_by_seed() -> None:
    X, labels = data.lecture_digits()
    first = data.noisy_copies(X, labels, 4, 2, seed=123)
    again = data.noisy_copies(X, labels, 4, 2, seed=123)
    other = data.noisy_copies(X, labels, 4, 2, seed=124)
    from_generator = data.noisy_copies(X, labels, 4, 2, seed=np.random.default_rng(123))
    assert np.array_equal(first[0], again[0]) and np.array_equal(first[1], again[1])
    assert np.array_equal(first[0], from_generator[0])
    assert not np.array_equal(first[0], other[0])


def test_noisy_copies_leave_the_input_alone() -> None:
    X, labels = data.lecture_digits()
    before = X.copy()
    data.noisy_copies(X, labels, 5, 3, seed=0)
    data.noisy_copies(X, labels, 5, flip_prob=0.5, seed=0)
    assert np.array_equal(X, before)


def test_noisy_copies_with_a_flip_probability() -> None:
    X, labels = data.lecture_digits()
    same, _ = data.noisy_copies(X, labels, 2, flip_prob=0.0, seed=0)
    inverted, _ = data.noisy_copies(X, labels, 2, flip_prob=1.0, seed=0)
    assert np.array_equal(same, np.repeat(X, 2, axis=0))
    assert np.array_equal(inverted, 1 - np.repeat(X, 2, axis=0))
    many, _ = data.noisy_copies(X, labels, 2000, flip_prob=0.1, seed=1)
    assert (many != np.repeat(X, 2000, axis=0)).mean() == pytest.approx(0.1, abs=0.005)


# --- bad arguments -------------------------------------------------------------------------------

X5, LABELS5 = data.lecture_digits()

BAD_CALLS = {
    "order": (lambda: data.lecture_digits(order="K"), r"order must be one of 'C', 'F'; got 'K'"),
    "variant": (lambda: data.lecture_digits(variant="kim"), r"variant must be one of 'lecture'"),
    "contaminated order": (lambda: data.contaminated_digits(order="c"), "order"),
    "picture order": (lambda: data.digit_picture(X5[0], order="A"), "order"),
    "picture size": (lambda: data.digit_picture(np.ones(24)), r"shape \(25,\).*\(24,\)"),
    "one_hot floats": (lambda: data.one_hot(np.array([0.0, 1.0])), "integer class indices"),
    "one_hot range": (lambda: data.one_hot(np.array([0, 5]), 5), r"0 … 4"),
    "one_hot negative": (lambda: data.one_hot(np.array([-1, 2])), "labels must lie"),
    "too many flips": (lambda: data.noisy_copies(X5, LABELS5, 1, 26), r"n_flips must be in 0 … 25"),
    "negative flips": (lambda: data.noisy_copies(X5, LABELS5, 1, -1), "n_flips"),
    "float flips": (lambda: data.noisy_copies(X5, LABELS5, 1, 0.5), "n_flips must be an integer"),
    "both": (lambda: data.noisy_copies(X5, LABELS5, 1, 2, flip_prob=0.1), "not both"),
    "probability": (lambda: data.noisy_copies(X5, LABELS5, 1, flip_prob=1.5), r"\[0, 1\]"),
    "copies": (lambda: data.noisy_copies(X5, LABELS5, -1), "n_copies"),
    "grey pixels": (lambda: data.noisy_copies(X5 * 0.5, LABELS5, 1), "0/1 pixels"),
    "1-D images": (lambda: data.noisy_copies(X5[0], LABELS5[:1], 1), "2-D"),
    "labels": (lambda: data.noisy_copies(X5, LABELS5[:4], 1), r"labels must have shape \(5,\)"),
}


@pytest.mark.parametrize("name", list(BAD_CALLS))
def test_bad_arguments_raise_value_error(name: str) -> None:
    call, message = BAD_CALLS[name]
    with pytest.raises(ValueError, match=message):
        call()


# --- IDX files (MNIST's format), written here byte by byte -------------------------------------

IDX_CODES = {"u1": 0x08, "i1": 0x09, ">i2": 0x0B, ">i4": 0x0C, ">f4": 0x0D, ">f8": 0x0E}


def idx_bytes(array: np.ndarray, code: int) -> bytes:
    """The IDX encoding, from the format's definition: 00 00 type ndim, big-endian sizes, data."""
    header = bytes([0, 0, code, array.ndim]) + b"".join(
        int(n).to_bytes(4, "big") for n in array.shape
    )
    return header + array.tobytes()


@given(
    dtype=st.sampled_from(sorted(IDX_CODES)),
    shape=st.lists(st.integers(0, 4), min_size=1, max_size=3),
    gzipped=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_read_idx_round_trips_every_type(dtype, shape, gzipped, seed, tmp_path_factory) -> None:
    import gzip

    rng = np.random.default_rng(seed)
    array = (
        (rng.uniform(-100, 100, shape)).astype(dtype)
        if "f" in dtype
        else rng.integers(0 if dtype == "u1" else -100, 100, shape).astype(dtype)
    )
    raw = idx_bytes(array, IDX_CODES[dtype])
    path = tmp_path_factory.mktemp("idx") / "file-idx"
    path.write_bytes(gzip.compress(raw) if gzipped else raw)
    read = data.read_idx(path)
    assert read.shape == tuple(shape) and read.dtype.isnative
    assert np.array_equal(read, array)


def test_read_idx_refuses_broken_files_naming_them(tmp_path) -> None:
    good = idx_bytes(np.arange(6, dtype=np.uint8).reshape(2, 3), 0x08)
    cases = {
        "truncated": (good[:-1], "truncated or corrupt"),
        "too-long": (good + b"\0", "truncated or corrupt"),
        "text": (b"hello, world", "is not an IDX file"),
        "empty": (b"", "is not an IDX file"),
        "short-header": (good[:6], "truncated inside its header"),
        "bad-gzip": (b"\x1f\x8b" + b"garbage", "corrupt gzip"),
    }
    for name, (raw, words) in cases.items():
        (tmp_path / name).write_bytes(raw)
        with pytest.raises(ValueError, match=words) as error:
            data.read_idx(tmp_path / name)
        assert name in str(error.value) and "\n" not in str(error.value)
    with pytest.raises(FileNotFoundError, match="missing-idx"):
        data.read_idx(tmp_path / "missing-idx")


def write_mnist(folder, n: int, gzipped: bool, book_names: bool = False) -> tuple:
    import gzip

    rng = np.random.default_rng(n)
    sets = {}
    for split, stem in (("train", "train"), ("test", "t10k")):
        images = rng.integers(0, 256, (n, 28, 28)).astype(np.uint8)
        labels = rng.integers(0, 10, n).astype(np.uint8)
        sets[split] = images, labels
        sep = "." if book_names else "-"
        for what, array, rank in (("images", images, 3), ("labels", labels, 1)):
            raw = idx_bytes(array, 0x08)
            name = f"{stem}-{what}{sep}idx{rank}-ubyte" + (".gz" if gzipped else "")
            (folder / name).write_bytes(gzip.compress(raw) if gzipped else raw)
    return sets


@pytest.mark.parametrize(("gzipped", "book_names"), [(False, False), (True, False), (True, True)])
def test_load_mnist_reads_the_four_files(tmp_path, gzipped: bool, book_names: bool) -> None:
    sets = write_mnist(tmp_path, 7, gzipped, book_names)
    for split in ("train", "test"):
        images, labels = data.load_mnist(tmp_path, split)
        assert images.shape == (7, 1, 28, 28) and images.dtype == np.float64
        assert np.array_equal(images[:, 0] * 255, sets[split][0])  # scaled to [0, 1]
        assert labels.dtype == np.int64 and np.array_equal(labels, sets[split][1])


def test_load_mnist_names_a_missing_file_and_mismatched_files(tmp_path) -> None:
    write_mnist(tmp_path, 3, gzipped=False)
    (tmp_path / "t10k-labels-idx1-ubyte").unlink()
    with pytest.raises(FileNotFoundError, match="t10k-labels-idx1-ubyte"):
        data.load_mnist(tmp_path, "test")
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(idx_bytes(np.zeros(2, np.uint8), 0x08))
    with pytest.raises(ValueError, match="do not match"):
        data.load_mnist(tmp_path, "test")


def test_small_digits_is_sklearns_split_reproducibly() -> None:
    datasets = pytest.importorskip("sklearn.datasets")
    X_train, _, X_test, y_test = data.small_digits(test_fraction=0.25, seed=3)
    assert len(X_train) + len(X_test) == 1797 and len(X_test) == round(1797 * 0.25)
    assert X_train.shape[1:] == (1, 8, 8) and X_train.min() >= 0.0 and X_train.max() == 1.0
    digits = datasets.load_digits()
    # every image is one of sklearn's, with its label, scaled by 1/16
    first = np.flatnonzero((digits.images == X_test[0, 0] * 16).all(axis=(1, 2)))
    assert y_test[0] in digits.target[first]
    again = data.small_digits(test_fraction=0.25, seed=3)
    assert np.array_equal(again[0], X_train) and np.array_equal(again[3], y_test)
