"""The import rules of pyproject.toml ([tool.importlinter]) hold, and each of them can fail.

Run by hand with `.venv/bin/lint-imports` in the repo root. The layers are drawn in
docs/architecture.md: benchmarks -> api -> assistant -> embeddings, and inside assistant the data
flow (cli -> chat | staff | eval -> answer -> ingest | retrieval -> store -> embedding -> text ->
config | errors | types); no import cycles between the modules or packages of one package.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import REPO

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONFIG = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
CONTRACTS = {c["id"]: c["name"] for c in CONFIG["contracts"]}


def lint(root: Path) -> tuple[int, dict[str, str], str]:
    """(exit code, {contract id: "KEPT" | "BROKEN"}, output) of lint-imports over the tree at root."""
    done = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},  # the tree at root, not the installed packages
        capture_output=True,
        text=True,
        timeout=300,
    )
    verdicts = {}
    for contract_id, name in CONTRACTS.items():
        found = re.search(rf"^{re.escape(name)} (KEPT|BROKEN)$", done.stdout, re.M)
        assert found, f"no verdict for {name!r} in:\n{done.stdout}\n{done.stderr}"
        verdicts[contract_id] = found.group(1)
    return done.returncode, verdicts, done.stdout


def test_the_contracts_cover_the_rules_of_the_layout():
    assert set(CONFIG["root_packages"]) == {"benchmarks", "api", "assistant", "embeddings"}
    assert set(CONTRACTS) == {"top-layers", "library-without-web", "assistant-layers", "no-cycles"}


def test_the_code_keeps_every_import_rule():
    code, verdicts, output = lint(REPO)
    assert verdicts == dict.fromkeys(CONTRACTS, "KEPT"), output
    assert code == 0


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the four packages and pyproject.toml that a test may break."""
    for package in CONFIG["root_packages"]:
        shutil.copytree(
            REPO / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "static", "templates", "migrations"),
        )
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    return tmp_path


VIOLATIONS = {
    "the library imports the web layer": (
        "assistant/types.py",
        "import api.main",
        {"top-layers", "library-without-web", "assistant-layers"},  # api.main imports chat, far above types
    ),
    "the model builder imports the library": (
        "embeddings/build.py",
        "import assistant.config",
        {"top-layers"},
    ),
    "staff work reaches into chat": (
        "assistant/staff/review.py",
        "import assistant.chat.service",
        {"assistant-layers"},
    ),
    "the text utilities import the store": (
        "assistant/text/safety.py",
        "import assistant.store.models",
        {"assistant-layers", "no-cycles"},  # store -> embedding -> text -> store
    ),
    "streaming imports the service again, for type checking only": (
        "assistant/chat/streaming.py",
        "if TYPE_CHECKING:\n    from assistant.chat.service import Assistant",
        {"no-cycles"},  # service -> streaming -> service: the circle this layout broke
    ),
}


@pytest.mark.parametrize("case", list(VIOLATIONS), ids=list(VIOLATIONS))
def test_a_deliberate_violation_breaks_its_contract(tree: Path, case: str):
    path, line, broken = VIOLATIONS[case]
    target = tree / path
    text = target.read_text(encoding="utf-8")
    target.write_text(f"{text}\nfrom typing import TYPE_CHECKING\n{line}\n", encoding="utf-8")
    code, verdicts, output = lint(tree)
    assert {cid for cid, verdict in verdicts.items() if verdict == "BROKEN"} == broken, output
    assert code == 1
    assert f"{Path(path).stem} -> " in output  # the report names the import to remove
