"""Run folders the store cannot read: listed by runs.problem_folders, warned about on Models."""

from __future__ import annotations

import json
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from protviz.core import store
from protviz.model import runs
from tests.conftest import ROOT, copy_demo_run

GOOD = "demo-motif-mean"
BAD = "0123456789abcdef01234567"


def broken_folder(home: Path, run_id: str, record: str | None, model: bool = True) -> None:
    """A run-like folder with ``record`` as its run.json (None: no run.json)."""
    folder = home / run_id
    folder.mkdir(parents=True)
    if record is not None:
        (folder / runs.RECORD_FILE).write_text(record, encoding="utf-8")
    if model:
        (folder / runs.MODEL_FILE).write_bytes(b"PK\x03\x04")


def test_problem_folders_names_each_unreadable_run_folder(tmp_path):
    copy_demo_run(tmp_path, GOOD)
    broken_folder(tmp_path, "a" * 24, None)
    broken_folder(tmp_path, "b" * 24, "{not json")
    broken_folder(tmp_path, "c" * 24, "[1, 2]")
    broken_folder(tmp_path, "d" * 24, json.dumps({"name": "no model"}), model=False)
    broken_folder(tmp_path, "e" * 24, None)
    (tmp_path / ("e" * 24) / runs.RECORD_FILE).mkdir()  # run.json is a folder
    problems = dict(runs.problem_folders(tmp_path))
    assert list(problems) == ["a" * 24, "b" * 24, "c" * 24, "d" * 24, "e" * 24]
    assert problems["a" * 24] == "run.json is missing"
    assert problems["b" * 24].startswith("run.json is not valid JSON (")
    assert problems["c" * 24] == "run.json is not a JSON object"
    assert problems["d" * 24] == "model.keras is missing"
    assert problems["e" * 24].startswith("run.json cannot be read (")


def test_problem_folders_names_a_record_that_is_not_a_usable_run(tmp_path):
    copy_demo_run(tmp_path, GOOD)
    record = json.loads((tmp_path / GOOD / runs.RECORD_FILE).read_text(encoding="utf-8"))
    del record["dataset"]
    broken_folder(tmp_path, BAD, json.dumps(record))
    problems = dict(runs.problem_folders(tmp_path))
    assert list(problems) == [BAD]
    assert "'dataset'" in problems[BAD]
    assert [run.run_id for run in runs.list_runs(tmp_path)] == [GOOD]


def test_problem_folders_ignores_good_runs_temporaries_and_other_names(tmp_path):
    copy_demo_run(tmp_path, GOOD)
    (tmp_path / f"{store.TEMP_PREFIX}0a1b2c").mkdir()
    (tmp_path / "notes").mkdir()
    (tmp_path / "README.md").write_text("not a run", encoding="utf-8")
    assert runs.problem_folders(tmp_path) == []


def test_problem_folders_of_a_missing_store_is_empty(tmp_path):
    assert runs.problem_folders(tmp_path / "absent") == []


def test_list_runs_still_skips_the_problem_folders(tmp_path):
    copy_demo_run(tmp_path, GOOD)
    broken_folder(tmp_path, BAD, "{not json")
    assert [run.run_id for run in runs.list_runs(tmp_path)] == [GOOD]


def test_models_page_lists_the_good_run_and_warns_about_the_bad_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("PROTVIZ_HOME", str(tmp_path))
    copy_demo_run(tmp_path, GOOD)
    broken_folder(tmp_path, BAD, "{not json")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/models.py").run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "architecture" in d.value.columns)
    assert len(table) == 1
    assert at.selectbox(key="current_run_select").options == [
        f"{runs.get_run(GOOD).name}  [{GOOD}]"
    ]
    assert len(at.warning) == 1
    warning = re.sub(r"\\(.)", r"\1", at.warning[0].value)
    assert f"{BAD}: run.json is not valid JSON" in warning
    assert GOOD not in warning
