"""Embeddings that need no run, in a real browser (one server, an empty run store).

The k-mer profile of a built-in data set is explored before any training; an HDF5 file in
the bio_embeddings layout is uploaded and matched by ID; bad files are refused with the
library's message and change nothing; a share link naming the uploaded file opens the same
view in a fresh browser context; and what the Export tab downloads reads back as the same
vectors.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import numpy as np
import pandas as pd
import pytest

from protviz.analysis.kmer import dataset_kmer_embeddings
from protviz.io.builtin import load_builtin
from protviz.io.embedding_files import list_embedding_files, load_embedding_file
from tests.bad_embeddings import UPLOAD_LIMIT_MB, bio_embeddings_bytes, write_bad_files
from tests.browser import (
    Server,
    chromium,
    fresh_page,
    no_traceback,
    serve_app,
    wait_for_plot_title,
)
from tests.test_bad_inputs import store_snapshot

pytestmark = pytest.mark.browser
pytest.importorskip("playwright.sync_api")

TIMEOUT_MS = 180_000
SHOWN_BAD_FILES = ("zip_archive.h5", "nan_value.csv", "nested_groups.h5", "over_the_limit.csv")
"""Bad files uploaded here (AppTest uploads every one)."""
POINTS = (
    "() => document.querySelector(\"[data-testid='stPlotlyChart'] .js-plotly-plot\")"
    "._fullData.filter(t => t.customdata && !['search matches', 'nearest neighbours',"
    " 'chosen sequence'].includes(t.name)).reduce((n, t) => n + t.x.length, 0)"
)
"""JavaScript: how many points the first scatter plot draws (legend entries, rings and star
left out)."""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, object]]:
    """One server with an empty run store (and a 1 MB upload limit), and one browser."""
    home = tmp_path_factory.mktemp("embeddings_home")
    limit = {"PROTVIZ_MAX_UPLOAD_MB": str(UPLOAD_LIMIT_MB)}
    with serve_app(home, env=limit) as server, chromium() as browser:
        yield server, browser


@pytest.fixture
def server(served) -> Server:
    return served[0]


@pytest.fixture
def browser(served):
    return served[1]


def new_page(browser):
    """A page in a fresh context that accepts downloads."""
    return fresh_page(browser, TIMEOUT_MS, accept_downloads=True)


def upload(page, path: Path) -> None:
    """Open the upload expander and upload ``path``."""
    page.get_by_text("Your own embeddings (ESM, ProtT5, ...): upload a file").click()
    uploader = page.locator("[data-testid='stFileUploader'] input[type='file']").first
    uploader.wait_for(state="attached")
    uploader.set_input_files(str(path))


def alert(page, text: str):
    found = page.locator("[data-testid='stAlert']").filter(has_text=text).first
    found.wait_for()
    return found


def motif_file(tmp_path: Path) -> tuple[Path, list[str]]:
    """A bio_embeddings HDF5 for the motif toy less its first 3 sequences, with 2 unknown
    IDs; datasets named by MD5-like keys, the ID in ``original_id``."""
    ids = [*load_builtin("motif").ids[3:], "Q99999", "P12345"]
    vectors = np.random.default_rng(1).normal(size=(len(ids), 8)).astype(np.float32)
    keys = [f"{index:032x}" for index in range(len(ids))]
    path = tmp_path / "esm2_reduced_embeddings_file.h5"
    path.write_bytes(bio_embeddings_bytes(keys, list(vectors), original_ids=ids))
    return path, ids


def download(page, button: str, folder: Path) -> Path:
    """Click an Export tab button and save what it downloads."""
    with page.expect_download() as waiting:
        page.get_by_role("button", name=button).click()
    target = folder / waiting.value.suggested_filename
    waiting.value.save_as(target)
    return target


def test_kmer_with_no_run_draws_every_sequence(browser, server):
    page = new_page(browser)
    page.goto(f"{server.url}/explore?dataset=motif&kind=kmer")
    wait_for_plot_title(page, "kmer embedding, PCA")
    assert page.evaluate(POINTS) == 1000
    page.get_by_text("No saved runs yet").wait_for()
    assert page.locator("[data-testid='stRadio']").first.inner_text().split() == [
        "Embedding",
        "kmer",
    ]
    no_traceback(page)


def test_an_uploaded_file_is_matched_and_its_link_reopens_it(browser, server, tmp_path):
    path, _ = motif_file(tmp_path)
    page = new_page(browser)
    page.goto(f"{server.url}/explore?dataset=motif")
    wait_for_plot_title(page, "kmer embedding")
    upload(page, path)
    alert(page, "997 of its 999 IDs matched a sequence, 997 of the 1,000 sequences")
    alert(page, "2 ID(s) of the file match no sequence")
    alert(page, "3 sequence(s) of the data set have no vector")
    name = f"{path.name} (8-d)"
    wait_for_plot_title(page, f"{name} embedding, PCA")
    page.wait_for_url("**emb=**")
    assert page.evaluate(POINTS) == 997
    (saved,) = list_embedding_files(server.home)
    page.get_by_role("button", name="Copy share link").click()
    code = page.locator("[data-testid='stPopoverBody'] [data-testid='stCode']").first
    link = code.inner_text().strip()
    page.keyboard.press("Escape")
    assert parse_qs(urlparse(link).query)["emb"] == [saved.ref]
    no_traceback(page)

    fresh = new_page(browser)  # a colleague: no session state
    fresh.goto(link)
    wait_for_plot_title(fresh, f"{name} embedding, PCA")
    assert fresh.evaluate(POINTS) == 997
    fresh.get_by_text("997 of the 1,000 sequences; only those are drawn").wait_for()
    no_traceback(fresh)


@pytest.mark.parametrize("name", SHOWN_BAD_FILES)
def test_a_bad_file_shows_its_message_and_changes_nothing(browser, server, tmp_path, name):
    files = write_bad_files(tmp_path, load_builtin("motif").ids)
    path = tmp_path / name
    page = new_page(browser)
    page.goto(f"{server.url}/explore?dataset=motif&kind=kmer")
    wait_for_plot_title(page, "kmer embedding")
    before = store_snapshot(server.home)
    upload(page, path)
    alert(page, files[path])
    assert store_snapshot(server.home) == before
    assert "emb=" not in page.url
    wait_for_plot_title(page, "kmer embedding")
    no_traceback(page)


def test_a_link_opens_the_export_tab(browser, server):
    page = new_page(browser)
    page.goto(f"{server.url}/explore?dataset=motif&kind=kmer&tab=export")
    wait_for_plot_title(page, "kmer embedding, PCA")
    page.get_by_role("button", name="Vectors (HDF5, bio_embeddings layout)").wait_for()
    assert page.locator("[role='tab'][aria-selected='true']").inner_text() == "Export"
    no_traceback(page)


def test_exports_read_back_as_the_same_vectors(browser, server, tmp_path):
    page = new_page(browser)
    page.goto(f"{server.url}/explore?dataset=motif&kind=kmer")
    wait_for_plot_title(page, "kmer embedding, PCA")
    # Clicked at once, as a hurried user would: the tab's buttons must not be ones of the
    # run before its click (their files are no longer served, so nothing would download).
    page.get_by_role("tab", name="Export").click()
    page.wait_for_url("**tab=export**")  # a share link would open this tab
    hdf5 = download(page, "Vectors (HDF5, bio_embeddings layout)", tmp_path)
    projector = download(page, "Projector files", tmp_path)
    coordinates = download(page, "Coordinates of this projection (.csv)", tmp_path)
    kmer = dataset_kmer_embeddings(load_builtin("motif"), home=server.home)

    with zipfile.ZipFile(projector) as archive:
        assert sorted(archive.namelist()) == [
            "metadata.tsv",
            "projector_config.json",
            "vectors.tsv",
        ]
        vectors = np.loadtxt(io.BytesIO(archive.read("vectors.tsv")), delimiter="\t")
        metadata = pd.read_csv(io.BytesIO(archive.read("metadata.tsv")), sep="\t")
    np.testing.assert_array_equal(vectors.astype(np.float32), kmer)
    assert metadata.columns.tolist()[:3] == ["ID", "label", "length"]
    table = pd.read_csv(coordinates)
    assert table.columns.tolist() == ["ID", "label", "x", "y"] and len(table) == 1000

    upload(page, hdf5)  # the HDF5 export is an embedding file protviz reads
    alert(page, "1,000 of its 1,000 IDs matched")
    page.wait_for_url("**emb=**")
    ref = parse_qs(urlparse(page.url).query)["emb"][0]
    np.testing.assert_array_equal(load_embedding_file(ref, server.home).vectors, kmer)
    no_traceback(page)
