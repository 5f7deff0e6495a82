"""random.py: ``tg.Generator`` and the package's global random stream, as ``torch.random``.

Every random function (``tg.randn``, ``tg.rand``, ``tg.randint``, dropout, the initialisers of
``tg.nn.init``, shuffling data loaders) draws from a ``Generator``: the one given as
``generator=``, or else the global one that ``tg.manual_seed`` seeds. A ``Generator`` *is* a
NumPy ``np.random.Generator`` (PCG64) with PyTorch's seeding methods, so code that wants a
NumPy generator accepts it as it is. As in PyTorch the global stream starts from a fixed seed
(67280421310721), so a program that never seeds still draws the same numbers each run. The
numbers differ from PyTorch's for the same seed (another algorithm).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .engine import state, watching

DEFAULT_SEED = 67280421310721  # PyTorch's default seed
_STATE_BYTES = 37  # PCG64: 16 (state) + 16 (increment) + 1 (has_uint32) + 4 (uinteger)


class Generator(np.random.Generator):
    """A random stream with PyTorch's interface: ``manual_seed``, ``seed``, ``get_state``...

    Pass one as ``generator=`` to any random function to draw from it instead of the global
    stream. It is also a NumPy ``np.random.Generator`` (``g.normal(size=3)`` works).

    Args:
        device: only ``"cpu"`` (or ``tg.device("cpu")``) is available.

    Examples:
        >>> g = tg.Generator().manual_seed(42)
        >>> a = tg.randn(3, generator=g)
        >>> _ = g.manual_seed(42)
        >>> tg.randn(3, generator=g).tolist() == a.tolist()
        True
        >>> g.initial_seed()
        42
    """

    def __init__(self, device: Any = "cpu") -> None:
        from .devices import available_device  # devices imports nothing random: no cycle

        self.device = available_device(device, "Generator")
        super().__init__(np.random.PCG64(DEFAULT_SEED))
        self._initial_seed = DEFAULT_SEED

    def __repr__(self) -> str:
        return f"<tinygrad4h03.Generator object, initial seed {self._initial_seed}>"

    def __reduce__(self) -> tuple[Any, ...]:
        # copies and pickles stay tg.Generators at the same position (NumPy's would not)
        return (_rebuilt, (_encode(dict(self.bit_generator.state)), self._initial_seed))

    def manual_seed(self, seed: Any) -> Generator:
        """Restart the stream from ``seed`` (an int; negative ones wrap to 64 bits); returns it.

        Examples:
            >>> g = tg.Generator()
            >>> g.manual_seed(0) is g
            True
        """
        value = _seed_value(seed)
        self.bit_generator.state = np.random.PCG64(value).state
        self._initial_seed = value
        return self

    def seed(self) -> int:
        """Seed the stream from the operating system's entropy and return that seed.

        Examples:
            >>> g = tg.Generator()
            >>> g.seed() == g.initial_seed()
            True
        """
        entropy = np.random.SeedSequence().entropy  # an int when drawn from the OS
        value = (entropy if isinstance(entropy, int) else 0) % 2**64
        self.manual_seed(value)
        return value

    def initial_seed(self) -> int:
        """The seed this stream last started from (``DEFAULT_SEED`` before any seeding).

        Examples:
            >>> tg.Generator().initial_seed()
            67280421310721
        """
        return self._initial_seed

    def get_state(self) -> Any:
        """The stream's position, a ``uint8`` tensor that ``set_state`` restores.

        Examples:
            >>> g = tg.Generator()
            >>> state = g.get_state()
            >>> first = g.random(2)
            >>> g.set_state(state).random(2).tolist() == first.tolist()
            True
        """
        from .tensor import tensor

        return tensor(_encode(dict(self.bit_generator.state)))

    def set_state(self, new_state: Any) -> Generator:
        """Go back to a position that ``get_state`` returned; returns the generator.

        Raises:
            TypeError: when ``new_state`` is not a tensor or array of ``uint8``.
            RuntimeError: when it has the wrong size.

        Examples:
            >>> g = tg.Generator()
            >>> g.set_state(g.get_state()) is g
            True
        """
        self.bit_generator.state = _decode(new_state)
        return self


def _rebuilt(state: np.ndarray, initial_seed: int) -> Generator:
    generator = Generator()
    generator.bit_generator.state = _decode(state)
    generator._initial_seed = initial_seed
    return generator


def _seed_value(seed: Any) -> int:
    try:
        value = int(seed)
    except (TypeError, ValueError):
        raise TypeError(f"manual_seed: the seed must be an int, got {seed!r}") from None
    if not -(2**63) <= value < 2**64:
        raise RuntimeError(
            f"manual_seed: the seed must be within [-0x8000_0000_0000_0000, "
            f"0xffff_ffff_ffff_ffff], got {value}"
        )
    return value % 2**64


def _encode(state: dict[str, Any]) -> np.ndarray:
    inner = state["state"]
    parts = [
        inner["state"].to_bytes(16, "little"),
        inner["inc"].to_bytes(16, "little"),
        int(state["has_uint32"]).to_bytes(1, "little"),
        int(state["uinteger"]).to_bytes(4, "little"),
    ]
    return np.frombuffer(b"".join(parts), dtype=np.uint8).copy()


def _decode(new_state: Any) -> dict[str, Any]:
    if not hasattr(type(new_state), "__array__"):
        raise TypeError(
            f"set_state: expected a uint8 tensor from get_state(), got {type(new_state).__name__}"
        )
    array = np.asarray(new_state)
    if array.dtype != np.uint8:
        raise TypeError(f"set_state: expected a uint8 tensor from get_state(), got {array.dtype}")
    if array.shape != (_STATE_BYTES,):
        raise RuntimeError(
            f"set_state: expected a state of {_STATE_BYTES} bytes, got shape {array.shape}"
        )
    raw = array.tobytes()
    return {
        "bit_generator": "PCG64",
        "state": {
            "state": int.from_bytes(raw[:16], "little"),
            "inc": int.from_bytes(raw[16:32], "little"),
        },
        "has_uint32": raw[32],
        "uinteger": int.from_bytes(raw[33:], "little"),
    }


default_generator = Generator()


def manual_seed(seed: Any) -> Generator:
    """Seed the global stream (``tg.randn``, weight initialisation, ...); returns it.

    Examples:
        >>> _ = tg.manual_seed(0); a = tg.randn(3)
        >>> _ = tg.manual_seed(0); b = tg.randn(3)
        >>> a.tolist() == b.tolist()
        True
    """
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the global stream from the operating system's entropy; returns the seed.

    Examples:
        >>> tg.seed() == tg.initial_seed()
        True
    """
    return default_generator.seed()


def initial_seed() -> int:
    """The seed the global stream last started from.

    Examples:
        >>> _ = tg.manual_seed(3); tg.initial_seed()
        3
    """
    return default_generator.initial_seed()


def get_rng_state() -> Any:
    """The global stream's position, a ``uint8`` tensor for ``set_rng_state``.

    Examples:
        >>> state = tg.get_rng_state()
        >>> a = tg.rand(2)
        >>> tg.set_rng_state(state)
        >>> tg.rand(2).tolist() == a.tolist()
        True
    """
    return default_generator.get_state()


def set_rng_state(new_state: Any) -> None:
    """Move the global stream back to a position from ``get_rng_state``.

    Examples:
        >>> tg.set_rng_state(tg.get_rng_state())
    """
    default_generator.set_state(new_state)


def resolve(generator: Any, op: str) -> np.random.Generator:
    """The NumPy generator to draw from: ``generator``, or the global stream when ``None``.

    Accepts a ``tg.Generator`` or any ``np.random.Generator``.

    Raises:
        TypeError: naming ``op`` for anything else.

    Examples:
        >>> resolve(None, "randn") is tg.random.default_generator
        True
    """
    if generator is None:
        generator = default_generator
    elif not isinstance(generator, np.random.Generator):
        raise TypeError(
            f"{op}: generator must be a tg.Generator (or np.random.Generator), "
            f"got {type(generator).__name__}"
        )
    if not watching or state.tracer is None:
        return generator
    # tg.compile records the draws (the generator it hands back replays them)
    return state.tracer.generator(generator, op)
