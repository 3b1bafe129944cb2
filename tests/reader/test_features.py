"""The feature reader's features and its shipped artefact (no model needed)."""

import json
import shutil

import numpy as np
import pytest

from assistant.reader.artefact import ReaderArtefactError
from assistant.reader.feature_model import (
    MANIFEST_FILE,
    WEIGHTS_DIR,
    WEIGHTS_FILE,
    FeatureModels,
    Mlp,
    load,
    save,
)
from assistant.reader.feature_reader import FeatureReader
from assistant.reader.features import (
    ANSWERABILITY_NAMES,
    FEATURE_NAMES,
    Candidate,
    QuestionView,
    pair_features,
    question_type,
    sentence_types,
)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("متى تأسست الشبكة؟", "when"),
        ("إيمتى انعملت القمة؟", "when"),  # Levantine
        ("شوكت صارت الورشة؟", "when"),  # Iraqi
        ("هو المجلس اتأسس سنة كام؟", "when"),  # Egyptian "which year", not a count
        ("When was the declaration signed?", "when"),
        ("كم عدد المدن الأعضاء؟", "count"),
        ("قديش مدينة بالشبكة؟", "count"),
        ("شحال من مدينة كاينة؟", "count"),  # Maghrebi
        ("How many cities joined?", "count"),
        ("من يدير الشبكة؟", "who"),
        ("مين اللي افتتح القمة؟", "who"),
        ("شكون هو العمدة؟", "who"),
        ("What is the name of the mayor?", "who"),
        ("وين انعقدت الورشة؟", "where"),
        ("فين اتعملت القمة؟", "where"),
        ("ليش أسسوا الشبكة؟", "why"),
        ("علاش كاين هاد المجلس؟", "why"),
        ("كيفاش كتخدم البلدية؟", "how"),
        ("شلون تتعامل المدن ويا الشباب؟", "how"),
        ("هل الانضمام مجاني؟", "yesno"),
        ("شو الهدف من الورشة؟", "what"),  # «الهدف من» would be "why" only if it came first
        (
            "ما العامل الذي يعرقل الخطط بحسب المتحدث القادم من سلوفاكيا؟",
            "what",
        ),  # «من» mid-sentence is no "who"
    ],
)
def test_question_types_read_msa_dialect_and_english_interrogatives(question, kind):
    assert question_type(question) == kind


def test_the_first_interrogative_decides():
    assert question_type("متى انتخبوا العمدة؟ وكم سنة بقي؟") == "when"
    assert question_type("كم سنة بقي العمدة؟ ومتى انتخب؟") == "count"


def test_sentence_types_find_dates_numbers_and_people():
    types = sentence_types("في الفترة من 3 إلى 5 ديسمبر 2024، قال الرئيس إن المدن تعمل من خلال الشبكة.")
    assert types["date"] and types["number"] and types["person"] and types["means"]
    plain = sentence_types("تعمل المدن معًا على الوقاية.")
    assert not plain["date"] and not plain["number"]


def _idf(term: str) -> float:
    return {"اطلق": 3.0, "شبك": 1.0}.get(term, 2.0)


def test_pair_features_gaps_matches_and_blind_questions():
    view = QuestionView.of("متى أطلقت الشبكة؟", _idf)
    candidates = [
        Candidate("أطلقت الشبكة في شهر أيلول 2015 في الأمم المتحدة.", 0.80, 0.82, 0, 0),
        Candidate("تضم الشبكة أكثر من مئة مدينة.", 0.85, 0.82, 0, 1),
    ]
    rows = pair_features(view, candidates)
    col = {name: i for i, name in enumerate(FEATURE_NAMES)}
    assert rows.shape == (2, len(FEATURE_NAMES))
    assert rows[0, col["match_when"]] == 1 and rows[1, col["match_when"]] == 0
    assert rows[1, col["cosine_gap"]] == 0 and rows[0, col["cosine_gap"]] < 0
    assert rows[0, col["overlap"]] > rows[1, col["overlap"]]
    assert rows[0, col["local_overlap"]] > rows[1, col["local_overlap"]]  # «أطلقت» tells them apart
    english = QuestionView.of("When was the network launched?", _idf)
    assert english.blind
    blind = pair_features(english, candidates)
    assert (blind[:, col["lexical_blind"]] == 1).all() and (blind[:, col["overlap"]] == 0).all()
    assert blind[0, col["match_when"]] == 1  # the type still counts


def _tiny_models(manifest=None) -> FeatureModels:
    rng = np.random.default_rng(0)
    n, m = len(FEATURE_NAMES), len(ANSWERABILITY_NAMES)
    relevance = Mlp(
        np.zeros(n, np.float32),
        np.ones(n, np.float32),
        [
            (rng.normal(size=(n, 4)).astype(np.float32), np.zeros(4, np.float32)),
            (rng.normal(size=(4, 1)).astype(np.float32), np.zeros(1, np.float32)),
        ],
    )
    answer = Mlp(
        np.zeros(m, np.float32),
        np.ones(m, np.float32),
        [(rng.normal(size=(m, 1)).astype(np.float32), np.zeros(1, np.float32))],
    )
    return FeatureModels(relevance, answer, manifest or {"thresholds": {"answerability": 0.1}})


def test_weights_round_trip_and_score_like_before(tmp_path):
    models = _tiny_models()
    save(models, tmp_path)
    again = load(tmp_path)
    x = np.random.default_rng(1).normal(size=(5, len(FEATURE_NAMES))).astype(np.float32)
    assert np.allclose(models.relevance.probabilities(x), again.relevance.probabilities(x))
    assert again.thresholds == {"answerability": 0.1}


def test_a_damaged_weights_file_is_refused_with_what_to_do(tmp_path):
    save(_tiny_models(), tmp_path)
    path = tmp_path / WEIGHTS_FILE
    data = bytearray(path.read_bytes())
    data[100] = ord("7") if data[100] != ord("7") else ord("8")
    path.write_bytes(bytes(data))
    with pytest.raises(ReaderArtefactError) as caught:
        load(tmp_path)
    message = str(caught.value)
    assert (
        "do not match their manifest" in message
        and "git checkout" in message
        and "ASSISTANT_READER=off" in message
    )


def test_a_missing_or_unreadable_manifest_is_refused(tmp_path):
    save(_tiny_models(), tmp_path)
    (tmp_path / MANIFEST_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(ReaderArtefactError, match="not valid JSON"):
        load(tmp_path)
    (tmp_path / MANIFEST_FILE).unlink()
    with pytest.raises(ReaderArtefactError, match="is missing"):
        load(tmp_path)


def test_weights_for_other_features_are_refused(tmp_path):
    save(_tiny_models(), tmp_path)
    raw = json.loads((tmp_path / WEIGHTS_FILE).read_text(encoding="utf-8"))
    raw["features"] = raw["features"][:-1]
    data = json.dumps(raw).encode("utf-8")
    (tmp_path / WEIGHTS_FILE).write_bytes(data)
    manifest = json.loads((tmp_path / MANIFEST_FILE).read_text(encoding="utf-8"))
    import hashlib

    manifest["sha256"] = hashlib.sha256(data).hexdigest()
    (tmp_path / MANIFEST_FILE).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ReaderArtefactError, match="trained for other features"):
        load(tmp_path)


def test_the_shipped_reader_loads_and_records_its_data_and_thresholds(tmp_path):
    reader = FeatureReader.load()
    manifest = reader.models.manifest
    assert set(manifest["sources"]) == {"aaqad", "arabic_squad", "arcd"}
    assert "TyDi QA" in manifest["never_used"] and "ARCD-test" in manifest["never_used"]
    assert {"answerability", "support_floor", "confident"} <= set(reader.thresholds)
    assert (WEIGHTS_DIR / WEIGHTS_FILE).stat().st_size < 200_000
    # a copy with one byte changed is refused
    shutil.copytree(WEIGHTS_DIR, tmp_path / "w")
    path = tmp_path / "w" / WEIGHTS_FILE
    path.write_bytes(path.read_bytes().replace(b"0", b"1", 1))
    with pytest.raises(ReaderArtefactError):
        FeatureReader.load(tmp_path / "w")


def test_the_shipped_reader_prefers_the_sentence_that_answers():
    reader = FeatureReader.load()
    candidates = [
        Candidate("تضم الشبكة اليوم أكثر من مئة مدينة من كل مناطق العالم.", 0.84, 0.84, 0, 1),
        Candidate("أطلقت الشبكة في الأمم المتحدة في شهر أيلول/سبتمبر 2015.", 0.82, 0.84, 0, 0),
        Candidate("تعمل الشبكة مع رؤساء البلديات على الوقاية من التطرف.", 0.83, 0.80, 1, 0),
    ]
    reading = reader.read("متى أطلقت الشبكة؟", candidates, _idf, lambda t: True)
    assert int(np.argmax(reading.relevance)) == 1
    assert reading.kind == "when" and 0.0 <= reading.answerability <= 1.0
