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
