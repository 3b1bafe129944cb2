"""Report and staff pages read right (issue 15): lower-is-better metrics coloured the right way,
whole legends, translated metric names and error texts, dates isolated LTR with their time zone,
each text marked with its own language, scrollable tables reachable by keyboard. TestClient,
fake embedder, SQLite."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.staff import charts
from tests.staff.helpers import ADMIN, sign_in
from tests.staff.world import build_world


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return build_world(tmp_path_factory.mktemp("report-world"))


@pytest.fixture
def client(world):
    with TestClient(create_app(assistant=world.assistant)) as client:
        client.token = sign_in(client, ADMIN)
        yield client


def fill_of(svg: str, metric: str, tag: str = "t") -> str:
    found = re.search(rf'<rect[^>]*fill="(#[0-9a-f]{{6}})"[^>]*><title>{tag} · {re.escape(metric)}:', svg)
    assert found, (metric, svg[:300])
    return found.group(1)


def test_heat_table_colours_lower_is_better_metrics_the_right_way():
    svg = str(
        charts.heat_table(
            {"t": {"false_refusals": 0.0, "hit@5": 1.0, "refusal_accuracy": 0.0, "rows": 3}},
            title="by tag",
            lower_is_better={"false_refusals"},
        )
    )
    green, red = charts._heat(1.0), charts._heat(0.0)
    assert fill_of(svg, "false_refusals") == green  # no false refusals: good
    assert fill_of(svg, "hit@5") == green
    assert fill_of(svg, "refusal_accuracy") == red
    worse = str(
        charts.heat_table({"t": {"false_refusals": 1.0}}, title="x", lower_is_better={"false_refusals"})
    )
    assert fill_of(worse, "false_refusals") == red


def test_legends_show_whole_series_names_and_explain_lower_is_better():
    names = ["this run: first run with a rather long descriptive label", "previous run: 2026-12-02 09:30"]
    svg = str(
        charts.bar_chart(
            ["hit@5", "false_refusals"],
            [(names[0], {"hit@5": 0.5, "false_refusals": 0.1}), (names[1], {"hit@5": 0.4})],
            title="metrics",
            labels={"hit@5": "Hit at 5", "false_refusals": "False refusals"},
            lower_is_better={"false_refusals"},
            lower_note="↓ lower is better",
        )
    )
    for name in names:
        assert f">{name}</text>" in svg
    assert "↓ lower is better" in svg and "False refusals ↓" in svg


def test_heat_table_leaves_room_for_long_column_heads():
    svg = str(
        charts.heat_table(
            {"t": {"citation_precision": 0.5}}, title="x", labels={"citation_precision": "x" * 26}
        )
    )
    height_head = int(re.search(r'<text x="[\d.]+" y="(\d+)" font-size="11"', svg).group(1))
    assert height_head >= 26 * 6.6 * 0.71  # the slanted head fits above the cells


def test_arabic_report_names_metrics_in_arabic_and_marks_lower_is_better(client, world):
    page = client.get(f"/staff/runs/{world.run_ids[1]}?lang=ar").text
    assert "الرفض الخاطئ" in page and "دقة الاستشهاد" in page
    row = re.search(r'<tr data-metric="false_refusals" data-lower-is-better="true">.*?</tr>', page, re.S)
    assert row and "الأقل أفضل" in row.group(0)
    assert "↓ القيمة الأقل أفضل" in page  # in the chart's legend
    english = client.get(f"/staff/runs/{world.run_ids[1]}?lang=en").text
    assert "False refusals" in english and "lower is better" in english


def test_store_errors_are_translated_on_arabic_pages_and_marked_english_otherwise(client, world):
    data = {"name": "تجربة التقرير", "csrf_token": client.token}
    arabic = client.post("/staff/datasets?lang=ar", data=data)
    assert arabic.status_code == 422
    assert re.search(
        r'<p class="error"[^>]*lang="ar" dir="rtl">توجد مجموعة بالاسم «تجربة التقرير» من قبل.</p>',
        arabic.text,
    )
    english = client.post("/staff/datasets?lang=en", data=data)
    assert re.search(r'<p class="error"[^>]*lang="en" dir="ltr">A dataset named', english.text)
    queue = client.get("/staff/review?lang=ar&date_from=2030-01-01&date_to=2020-01-01")
    assert "تاريخ البداية بعد تاريخ النهاية." in queue.text


def test_dates_name_their_time_zone_and_are_isolated_left_to_right(client):
    page = client.get("/staff/review?lang=ar&status=all").text
    times = re.findall(r'<time datetime="([^"]+)" dir="ltr">([^<]+)</time>', page)
    assert times
    for stamp, shown in times:
        assert stamp.endswith("+00:00") and shown.endswith(" UTC")
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", shown)


def test_each_text_carries_its_own_language_on_the_english_pages(client):
    page = client.get("/staff/review?lang=en&status=all").text
    assert re.search(r'lang="ar">أين عُقدت القمة العالمية الخامسة؟<', page)
    assert re.search(r'lang="en">Where was the fifth global summit held\?<', page)
    assert '<html lang="en" dir="ltr">' in page


def test_scrollable_tables_and_charts_are_keyboard_reachable_regions(client, world):
    for path in (
        "/staff/review?status=all",
        f"/staff/datasets/{world.dataset_id}",
        f"/staff/runs/{world.run_ids[1]}",
    ):
        page = client.get(path).text
        boxes = re.findall(r'<(?:div|figure) class="(?:table-wrap|chart-box)"[^>]*>', page)
        assert boxes, path
        for box in boxes:
            assert 'tabindex="0"' in box and 'role="region"' in box and "aria-label=" in box, box
