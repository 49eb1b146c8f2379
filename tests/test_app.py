"""Headless AppTest runs of the app and the Data page."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, data_file

TIMEOUT = 60


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    return at


@pytest.fixture
def data_page(app: AppTest) -> AppTest:
    app.switch_page("pages/data.py").run()
    assert not app.exception
    return app


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def upload(at: AppTest, name: str, content: bytes | None = None) -> AppTest:
    at.radio(key="data_source").set_value("Upload FASTA").run()
    content = content if content is not None else data_file(name).read_bytes()
    at.file_uploader(key="fasta_upload").set_value((name, content, "text/plain")).run()
    assert not at.exception
    return at


def preview(at: AppTest):
    """The label preview table (the only frame with a 'header' column)."""
    return next(d.value for d in at.dataframe if "header" in d.value.columns)


def test_home_page_renders(app):
    assert app.title[0].value == "protviz"
    assert any("averag" in m.value for m in app.markdown)


def test_first_page_does_not_import_tensorflow():
    # The pages' own code; the server's background preload (tests/test_server_config.py)
    # is turned off here.
    code = (
        "import sys; from streamlit.testing.v1 import AppTest; "
        f"at = AppTest.from_file({str(ROOT / 'app.py')!r}, default_timeout=60).run(); "
        "assert not at.exception; at.switch_page('pages/data.py').run(); "
        "assert not at.exception; print('tensorflow' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        env={**os.environ, "PROTVIZ_PRELOAD": "0"},
    )
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_data_page_starts_with_the_builtin_toy(data_page):
    assert metrics(data_page)["Sequences"] == "1,000"
    assert metrics(data_page)["Classes"] == "2"


def test_builtin_scl2205_can_be_chosen(data_page):
    data_page.selectbox(key="builtin_key").set_value("scl2205").run()
    data_page.button(key="use_builtin").click().run()
    assert not data_page.exception
    assert metrics(data_page)["Sequences"] == "19,074"
    assert metrics(data_page)["Split train / valid / test"] == "15,183 / 1,260 / 2,631"


def test_upload_previews_and_uses_a_fasta(data_page):
    upload(data_page, "good.fasta")
    assert preview(data_page)["label"].tolist()[:3] == ["cytoplasmic"] * 3
    data_page.button(key="use_upload").click().run()
    assert not data_page.exception
    assert metrics(data_page)["Sequences"] == "9"
    assert metrics(data_page)["Classes"] == "3"


def test_changing_the_rule_changes_the_preview(data_page):
    upload(data_page, "tags.fasta")
    assert preview(data_page)["label"].tolist()[0] == "human"
    tag_input = next(t for t in data_page.text_input if t.key.startswith("key_"))
    tag_input.set_value("year").run()
    assert preview(data_page)["label"].tolist()[0] == "2001"


def test_bad_upload_shows_a_readable_error_and_keeps_the_dataset(data_page):
    upload(data_page, "nucleotide.fasta")
    assert any("nucleotide FASTA" in e.value for e in data_page.error)
    assert not data_page.exception
    assert metrics(data_page)["Sequences"] == "1,000"


def test_label_table_upload(data_page):
    upload(data_page, "ids_only.fasta")
    table = ("labels.csv", data_file("labels.csv").read_bytes(), "text/csv")
    data_page.file_uploader(key="table_upload").set_value(table).run()
    assert preview(data_page)["label"].tolist() == [
        "cytoplasmic",
        "nuclear",
        "nuclear",
        "cytoplasmic",
    ]
    data_page.button(key="use_upload").click().run()
    assert metrics(data_page)["Split train / valid / test"] == "2 / 1 / 1"


def test_labels_with_markup_are_shown_as_text(data_page):
    content = b">P1|<b>bold</b>\nMKTAYIAKQR\n>P2|*star*\nMKVLAAGIVG\n"
    upload(data_page, "markup.fasta", content)
    data_page.button(key="use_upload").click().run()
    assert not data_page.exception
    assert all("<b>" not in m.value or "\\<b\\>" in m.value for m in data_page.markdown)


@pytest.mark.parametrize(
    "page", ["pages/explore.py", "pages/matrix.py", "pages/attention.py", "pages/compare.py"]
)
def test_run_pages_with_an_empty_store_say_what_to_do(app, page):
    app.switch_page(page).run()
    assert not app.exception
    assert any("Train page" in info.value or "two runs" in info.value for info in app.info)


def imbalanced_fasta() -> bytes:
    """200 / 50 / 12 / 3 sequences of four hosts, labelled ``host=`` (a generated set)."""
    hosts = ["human"] * 200 + ["avian"] * 50 + ["swine"] * 12 + ["whale"] * 3
    rng = np.random.default_rng(0)
    letters = np.array(list("ACDEFGHIKLMNPQRSTVWY"))
    records = [
        f">P{i} host={host}\n{''.join(rng.choice(letters, 30))}" for i, host in enumerate(hosts)
    ]
    return ("\n".join(records) + "\n").encode()


def test_rare_classes_are_named_on_the_data_page(data_page):
    upload(data_page, "imbalanced.fasta", imbalanced_fasta())
    data_page.button(key="use_upload").click().run()
    assert not data_page.exception
    warnings = [w.value.replace("\\", "") for w in data_page.warning]  # as_text escapes Markdown
    warning = next(w for w in warnings if "test sequences" in w)
    assert "whale (1), swine (2)" in warning
    assert "unreliable" in warning


def test_after_an_upload_the_page_leads_with_the_new_data_set(data_page):
    upload(data_page, "good.fasta")
    data_page.button(key="use_upload").click().run()
    assert any(
        "Now working on 'good.fasta'" in s.value.replace("\\", "") for s in data_page.success
    )
    assert data_page.expander[0].label.startswith("Choose another data set")
    assert metrics(data_page)["Sequences"] == "9"
    data_page.switch_page("pages/train.py").run()
    caption = next(c.value for c in data_page.caption if "sequences, 3 classes" in c.value)
    assert "Upload your own" not in caption  # the upload was just made
