"""data.py: the lecture's five 5×5 digit images, the book's versions, noisy copies and helpers.

The ChE 4H03 slides show five binary 5×5 digits as matrices A … E, which in the order the
slides give them are the digits 1, 3, 5, 2, 4; the functions here return them in label order
1 … 5 with class indices 0 … 4 (label k is the digit k + 1). The same example, slightly
re-drawn, is P. Kim, *MATLAB Deep Learning* (Apress, 2017), ch. 5 (``TestDeepReLU.m``), whose
images are ``variant="book"``; ch. 4's ``RealMultiClass.m`` adds five contaminated test images
(`contaminated_digits`).

Images are unpacked into 25-vectors row by row (``order="C"``, the default) or column by
column (``order="F"``: MATLAB's ``reshape(X, 25, 1)``, the vector drawn on the lecture's
"unpack the image into one vector" slide). Targets are one-hot rows (`one_hot`), and
`noisy_copies` makes test sets with flipped pixels. For the book's convolutional network (ch. 6):
`small_digits` (scikit-learn's bundled 8×8 digits) and `load_mnist`, which reads MNIST's IDX files
(`read_idx`, gzipped or not). Plain NumPy; nothing else from the package.
"""

from __future__ import annotations

import gzip
import os
import zlib
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "DIGITS",
    "contaminated_digits",
    "digit_picture",
    "lecture_digits",
    "load_mnist",
    "noisy_copies",
    "one_hot",
    "read_idx",
    "small_digits",
]

DIGITS = (1, 2, 3, 4, 5)  # the digit drawn in class k is DIGITS[k]
"""The digit drawn in class k is ``DIGITS[k]``: class indices 0 … 4 are the digits 1 … 5."""
SIDE = 5  # images are SIDE × SIDE pixels
ORDERS = ("C", "F")
VARIANTS = ("lecture", "book")

# Rows top to bottom, in label order 1 … 5. The lecture's matrix letters are the order in
# which the slides show them (A, B, C, D, E = digits 1, 3, 5, 2, 4).
_LECTURE = (
    "01100 00100 00100 00100 01110",  # 1: matrix A
    "11111 00001 11111 10000 11111",  # 2: matrix D
    "11111 00001 01111 00001 11111",  # 3: matrix B
    "10010 10010 11111 00010 00010",  # 4: matrix E (open-top four)
    "11111 10000 11111 00001 11111",  # 5: matrix C
)

# The book's X(:,:,k) in TestDeepReLU.m (also TestDeepDropout.m and ch. 4's TestMultiClass.m).
_BOOK = (
    "01100 00100 00100 00100 01110",
    "11110 00001 01110 10000 11111",
    "11110 00001 01110 00001 11110",
    "00010 00110 01010 11111 00010",
    "11111 10000 11110 00001 11110",
)

# RealMultiClass.m's five contaminated images and the digit the book reports for each.
_CONTAMINATED = (
    ("00110 00110 01010 00010 01110", 4),  # "closer to a 4" although it looks like a 1
    ("11110 00001 01110 10001 11111", 2),
    ("11110 00001 01110 10001 11110", 3),
    ("01110 01000 01110 00010 01110", 5),  # the squeezed 5 (47 %, with 3 at 32 %)
    ("01111 01000 01110 00010 11110", 5),
)


def _check_choice(what: str, value: object, allowed: tuple[str, ...]) -> None:
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{what} must be one of {', '.join(map(repr, allowed))}; got {value!r}")


def _images(rows: tuple[str, ...], order: str) -> np.ndarray:
    """(n, 25) float64 from strings of five 5-character rows, unpacked in ``order``."""
    _check_choice("order", order, ORDERS)
    grids = np.array([[[int(c) for c in row] for row in image.split()] for image in rows])
    if order == "F":
        grids = grids.transpose(0, 2, 1)  # column by column: read each image's transpose
    return grids.reshape(len(rows), SIDE * SIDE).astype(np.float64)


def lecture_digits(order: str = "C", variant: str = "lecture") -> tuple[np.ndarray, np.ndarray]:
    """The five training digits 1 … 5 as ``(X, labels)``: the inputs y^(0) of the lecture's network.

    Args:
        order: ``"C"`` unpacks each 5×5 image row by row; ``"F"`` column by column, as MATLAB's
            ``reshape(X, 25, 1)`` and the lecture's slide (the "1" becomes
            00000 10001 11111 00001 00000).
        variant: ``"lecture"`` for the slides' drawings, ``"book"`` for Kim's ch. 5 images
            (rounded 2, 3 and 5, closed 4).

    Returns:
        ``X``, float64 with values 0 and 1, row k the digit k + 1; and ``labels`` =
        ``[0, 1, 2, 3, 4]`` (int64), the class indices.

    Raises:
        ValueError: for an unknown ``order`` or ``variant``.

    Shapes:
        ``X`` is ``(5, 25)``, ``labels`` is ``(5,)``.

    Examples:
        >>> X, labels = lecture_digits()
        >>> X.shape, labels.tolist(), X[0, :5].tolist()   # the "1": its top row
        ((5, 25), [0, 1, 2, 3, 4], [0.0, 1.0, 1.0, 0.0, 0.0])
        >>> X_F, _ = lecture_digits(order="F")
        >>> X_F[0, :10].tolist()   # its first two columns
        [0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]
    """
    _check_choice("variant", variant, VARIANTS)
    X = _images(_LECTURE if variant == "lecture" else _BOOK, order)
    return X, np.arange(len(DIGITS), dtype=np.int64)


def contaminated_digits(order: str = "C") -> tuple[np.ndarray, np.ndarray]:
    """The book's five contaminated test images and the classes it reports for them.

    They are ch. 4's ``RealMultiClass.m`` images; ``labels`` holds the class index of the digit the
    book's trained 25-50-5 network chose: ``[3, 1, 2, 4, 4]`` for the digits 4, 2, 3, 5, 5.
    Image 4 is ambiguous (the book's own network gives it 47 %); treat these as a qualitative
    check, not ground truth.

    Args:
        order: how each image is unpacked, as in `lecture_digits`.

    Returns:
        ``X`` (float64, values 0 and 1) and ``labels`` (int64).

    Shapes:
        ``X`` is ``(5, 25)``, ``labels`` is ``(5,)``.

    Examples:
        >>> X, labels = contaminated_digits()
        >>> X.shape, labels.tolist()
        ((5, 25), [3, 1, 2, 4, 4])
    """
    X = _images(tuple(image for image, _ in _CONTAMINATED), order)
    labels = np.array([DIGITS.index(digit) for _, digit in _CONTAMINATED], dtype=np.int64)
    return X, labels


def one_hot(labels: np.ndarray, n_classes: int | None = None) -> np.ndarray:
    """Target vectors: row n is the unit vector e_{labels[n]}, the lecture's target y of sample n.

    The book's targets ``D = eye(5)`` are ``one_hot([0, 1, 2, 3, 4])``.

    Args:
        labels: 1-D integer class indices.
        n_classes: the length of each target; defaults to ``max(labels) + 1``.

    Returns:
        A float64 array of zeros with a 1 in column ``labels[n]`` of row n.

    Raises:
        ValueError: for labels that are not 1-D integers, or lie outside 0 … n_classes − 1.

    Shapes:
        ``labels`` ``(N,)`` in, ``(N, n_classes)`` out.

    Examples:
        >>> one_hot([2, 0]).tolist()
        [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
        >>> one_hot([1], n_classes=4).tolist()
        [[0.0, 1.0, 0.0, 0.0]]
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"labels must be a 1-D array of integer class indices, got {labels.dtype} "
            f"with shape {labels.shape}"
        )
    if n_classes is None:
        n_classes = int(labels.max()) + 1 if labels.size else 0
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(
            f"labels must lie in 0 … {n_classes - 1} for n_classes = {n_classes}; "
            f"got values from {labels.min()} to {labels.max()}"
        )
    return np.eye(n_classes)[labels]


def _check_count(what: str, value: object, low: int, high: int | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"{what} must be an integer, got {value!r}")
    if value < low or (high is not None and value > high):
        allowed = f">= {low}" if high is None else f"in {low} … {high}"
        raise ValueError(f"{what} must be {allowed}, got {value}")


def noisy_copies(
    X: np.ndarray,
    labels: np.ndarray,
    n_copies: int,
    n_flips: int | None = None,
    *,
    flip_prob: float | None = None,
    seed: int | np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Copies of binary images with some pixels flipped (0 ↔ 1), reproducible by ``seed``.

    Args:
        X: images with values 0 and 1, one per row, e.g. from `lecture_digits`.
        labels: their labels, copied alongside.
        n_copies: how many noisy copies of each image.
        n_flips: flip exactly this many distinct pixels in every copy (default 1, when
            ``flip_prob`` is not given).
        flip_prob: instead, flip every pixel independently with this probability.
        seed: an int or a ``numpy.random.Generator`` (``numpy.random.default_rng``).

    Returns:
        ``(Xn, yn)``: the copies (float64) and their labels; the copies of image 0 come first,
        then those of image 1, and so on.

    Raises:
        ValueError: for non-binary ``X``, mismatched ``labels``, a bad count, a ``flip_prob``
            outside [0, 1], or both ``n_flips`` and ``flip_prob``.

    Shapes:
        ``X`` ``(N, P)`` and ``labels`` ``(N,)`` in; ``Xn`` ``(N * n_copies, P)`` and ``yn``
        ``(N * n_copies,)`` out.

    Examples:
        >>> X, labels = lecture_digits()
        >>> Xn, yn = noisy_copies(X, labels, 3, n_flips=2, seed=0)
        >>> Xn.shape, yn[:6].tolist()
        ((15, 25), [0, 0, 0, 1, 1, 1])
        >>> (Xn != np.repeat(X, 3, axis=0)).sum(axis=1).tolist()   # two pixels differ per copy
        [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]
    """
    X, labels = np.asarray(X, dtype=np.float64), np.asarray(labels)
    if X.ndim != 2 or not np.all((X == 0) | (X == 1)):
        raise ValueError(f"X must be a 2-D array of 0/1 pixels (N, P), got shape {X.shape}")
    if labels.shape != X.shape[:1]:
        raise ValueError(f"labels must have shape ({X.shape[0]},) to match X, got {labels.shape}")
    _check_count("n_copies", n_copies, 0)
    rng = np.random.default_rng(seed)
    Xn = np.repeat(X, n_copies, axis=0)
    flips = _flip_mask(Xn.shape, n_flips, flip_prob, rng)
    Xn[flips] = 1.0 - Xn[flips]
    return Xn, np.repeat(labels, n_copies)


def _flip_mask(
    shape: tuple[int, int], n_flips: int | None, flip_prob: float | None, rng: np.random.Generator
) -> np.ndarray:
    """Boolean mask of the pixels to flip: n_flips distinct ones per row, or each with p."""
    if flip_prob is not None:
        if n_flips is not None:
            raise ValueError("give either n_flips or flip_prob, not both")
        if not 0.0 <= flip_prob <= 1.0:
            raise ValueError(f"flip_prob must be a probability in [0, 1], got {flip_prob!r}")
        return rng.random(shape) < flip_prob
    n_flips = 1 if n_flips is None else n_flips
    _check_count("n_flips", n_flips, 0, shape[1])
    # A random permutation of each row's pixel indices; its first n_flips entries are flipped.
    ranks = rng.random(shape).argsort(axis=1).argsort(axis=1)
    return ranks < n_flips


def digit_picture(x: np.ndarray, order: str = "C", on: str = "█", off: str = "·") -> str:
    """A 25-vector drawn as a 5×5 block picture for the terminal, one line per image row.

    Pixels above 0.5 are drawn as ``on``, the rest as ``off``.

    Args:
        x: one unpacked image.
        order: the order ``x`` was unpacked in (``"C"`` or ``"F"``, see `lecture_digits`).
        on: the character of a pixel > 0.5.
        off: the character of any other pixel.

    Returns:
        Five lines of five characters, joined by newlines.

    Shapes:
        ``x`` is ``(25,)``.

    Examples:
        >>> X, labels = lecture_digits()
        >>> print(digit_picture(X[0]))   # the lecture's "1"
        ·██··
        ··█··
        ··█··
        ··█··
        ·███·
    """
    _check_choice("order", order, ORDERS)
    x = np.asarray(x)
    if x.shape != (SIDE * SIDE,):
        raise ValueError(f"x must be one image of shape ({SIDE * SIDE},), got {x.shape}")
    grid = x.reshape(SIDE, SIDE, order="F" if order == "F" else "C")
    return "\n".join("".join(on if p > 0.5 else off for p in row) for row in grid)


# --- image data sets for the convolutional network: scikit-learn's 8×8 digits, MNIST's IDX files -

_IDX_DTYPES: dict[int, np.dtype[Any]] = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_GZIP_MAGIC = b"\x1f\x8b"


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """One IDX file (MNIST's format), plain or gzipped, as a NumPy array.

    The format: two zero bytes, a type code (0x08 unsigned byte, 0x09 signed byte, 0x0B int16,
    0x0C int32, 0x0D float32, 0x0E float64), the number of dimensions d, then d big-endian
    32-bit sizes and the data, big-endian, row-major. A gzipped file is recognised by its first
    two bytes, whatever its name.

    Args:
        path: the file.

    Returns:
        The array, in native byte order, of the shape the header declares.

    Raises:
        FileNotFoundError: when the file does not exist.
        ValueError: when it is not an IDX file, or is shorter or longer than its header says;
            the message names the file.

    Examples:
        >>> import tempfile, os
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = os.path.join(folder, "tiny-idx1-ubyte")
        ...     _ = open(path, "wb").write(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]))
        ...     read_idx(path).tolist()
        [7, 2, 1]
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"IDX file {str(path)!r} does not exist")
    raw = path.read_bytes()
    if raw[:2] == _GZIP_MAGIC:
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as error:
            raise ValueError(f"IDX file {str(path)!r} is a corrupt gzip file ({error})") from None
    return _parse_idx(raw, str(path))


def _parse_idx(raw: bytes, name: str) -> np.ndarray:
    if len(raw) < 4 or raw[:2] != b"\x00\x00" or raw[2] not in _IDX_DTYPES:
        raise ValueError(f"{name!r} is not an IDX file (its header does not start 00 00 <type>)")
    dtype, ndim = _IDX_DTYPES[raw[2]], raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"IDX file {name!r} is truncated inside its header")
    shape = tuple(int(n) for n in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) != expected:
        raise ValueError(
            f"IDX file {name!r} holds {len(raw)} bytes but its header {shape} of {dtype.name} "
            f"needs {expected}: the file is truncated or corrupt"
        )
    return np.frombuffer(raw, dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


_MNIST_NAMES = {
    ("train", "images"): "train-images",
    ("train", "labels"): "train-labels",
    ("test", "images"): "t10k-images",
    ("test", "labels"): "t10k-labels",
}


def _mnist_file(folder: Path, split: str, what: str) -> Path:
    """The file of one of the four: ``t10k-images-idx3-ubyte`` or ``t10k-images.idx3-ubyte``
    (the book's spelling), with or without ``.gz``."""
    stem, rank = _MNIST_NAMES[split, what], 3 if what == "images" else 1
    names = [f"{stem}{sep}idx{rank}-ubyte{gz}" for sep in ("-", ".") for gz in ("", ".gz")]
    for name in names:
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(f"MNIST file {str(folder / names[0])!r} (or .gz) does not exist")


def load_mnist(
    folder: str | os.PathLike[str], split: str = "train"
) -> tuple[np.ndarray, np.ndarray]:
    """MNIST's images and labels from the IDX files in ``folder`` (plain or gzipped).

    Args:
        folder: the folder holding ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
            ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte`` (``.gz`` or not; the
            book's ``t10k-images.idx3-ubyte`` spelling works too).
        split: ``"train"`` (60,000 images) or ``"test"`` (10,000).

    Returns:
        ``(images, labels)``: images scaled to [0, 1] as float64 with one channel, and the
        digits 0 … 9 as int64.

    Raises:
        FileNotFoundError: for a missing file (named).
        ValueError: for a corrupt file, or images and labels that do not match.

    Shapes:
        ``images`` is ``(N, 1, 28, 28)``, ``labels`` ``(N,)``.

    Examples:
        >>> load_mnist("nowhere")
        Traceback (most recent call last):
        FileNotFoundError: MNIST file 'nowhere/train-images-idx3-ubyte' (or .gz) does not exist
    """
    _check_choice("split", split, ("train", "test"))
    folder = Path(folder)
    images = read_idx(_mnist_file(folder, split, "images"))
    labels = read_idx(_mnist_file(folder, split, "labels"))
    if images.ndim != 3 or labels.shape != images.shape[:1]:
        raise ValueError(
            f"MNIST {split} files in {str(folder)!r} do not match: images {images.shape}, "
            f"labels {labels.shape} (expected (N, H, W) and (N,))"
        )
    return (images / 255.0)[:, None].astype(np.float64), labels.astype(np.int64)


def small_digits(
    test_fraction: float = 0.2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """scikit-learn's bundled 8×8 digits (1,797 images, no download), split for training.

    Args:
        test_fraction: the share of the images held out for testing, in (0, 1).
        seed: the seed of the shuffle before the split.

    Returns:
        ``(X_train, y_train, X_test, y_test)``: images scaled to [0, 1] (the originals are
        0 … 16) with one channel, and the digits 0 … 9.

    Raises:
        ImportError: when scikit-learn is not installed (the ``examples`` extra).

    Shapes:
        ``X_*`` is ``(N, 1, 8, 8)``, ``y_*`` ``(N,)``.

    Examples:
        >>> X_train, y_train, X_test, y_test = small_digits()
        >>> X_train.shape, X_test.shape, float(X_train.max())
        ((1438, 1, 8, 8), (359, 1, 8, 8), 1.0)
    """
    from sklearn.datasets import load_digits

    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must lie in (0, 1), got {test_fraction!r}")
    digits = load_digits()
    order = np.random.default_rng(seed).permutation(len(digits.target))
    X = (digits.images[order] / 16.0)[:, None].astype(np.float64)
    y = digits.target[order].astype(np.int64)
    n_test = round(len(y) * test_fraction)
    return X[n_test:], y[n_test:], X[:n_test], y[:n_test]
