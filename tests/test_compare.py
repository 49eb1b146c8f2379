"""The order test, the comparison table on the motif toy, and the HTML report."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from html.parser import HTMLParser

import numpy as np
import pytest

from protviz.analysis.compare import (
    compare_runs,
    comparison_table,
    order_test,
    short_labels,
    shuffle_residues,
    summary_sentences,
)
from protviz.analysis.embeddings import averaged_embeddings, model_embeddings
from protviz.io.builtin import motif_position_dataset
from protviz.model import runs, saved
from protviz.model.readout import embedding_matrix
from protviz.report.compare import (
    PANEL_TITLE,
    baseline_sentences,
    comparison_frame,
    html_report,
    noise_sentences,
    small_multiples_figure,
)
from tests.conftest import copy_demo_run

TOY = motif_position_dataset()
RUN_IDS = ["demo-motif-mean", "demo-motif-conv-attention"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    home = tmp_path_factory.mktemp("compare_home")
    for run_id in RUN_IDS:
        copy_demo_run(home, run_id)
    return {
        run_id: (runs.get_run(run_id, home), saved.load_model(run_id, home)) for run_id in RUN_IDS
    }


@pytest.fixture(scope="module")
def comparison(demo):
    return compare_runs([demo[r] for r in RUN_IDS], TOY, max_sequences=400)


def test_shuffling_keeps_composition_and_changes_order():
    shuffled = shuffle_residues(TOY.sequences[:20], seed=1)
    for original, new in zip(TOY.sequences[:20], shuffled, strict=True):
        assert Counter(original) == Counter(new)
    assert shuffled != list(TOY.sequences[:20])


def test_mean_model_predictions_ignore_order(demo):
    _, model = demo["demo-motif-mean"]
    sequences = list(TOY.sequences[:100])
    before = model_embeddings(model, sequences, "probabilities")
    after = model_embeddings(model, shuffle_residues(sequences), "probabilities")
    np.testing.assert_allclose(before, after, atol=1e-5)


@pytest.mark.parametrize("run_id", RUN_IDS)
def test_every_runs_averaged_embedding_ignores_order(demo, run_id):
    _, model = demo[run_id]
    matrix = embedding_matrix(model)
    sequences = list(TOY.sequences[:100])
    np.testing.assert_allclose(
        averaged_embeddings(matrix, sequences),
        averaged_embeddings(matrix, shuffle_residues(sequences)),
        atol=1e-6,
    )


def test_order_test_of_the_mean_model_loses_nothing(demo):
    run, model = demo["demo-motif-mean"]
    result = order_test(model, run.record, TOY.sequences[:200], TOY.labels[:200])
    assert result.accuracy_drop == 0
    assert result.prediction_changes == 0
    assert result.learned_shift < 1e-5
    assert result.averaged_shift < 1e-5


def test_order_test_of_the_attention_model_loses_much(demo):
    run, model = demo["demo-motif-conv-attention"]
    result = order_test(model, run.record, TOY.sequences[:200], TOY.labels[:200])
    assert result.accuracy > 0.95
    assert result.accuracy_drop > 0.3
    assert result.learned_shift > 0.05
    assert result.averaged_shift < 1e-5


def test_comparison_table_has_the_known_answer(comparison):
    table = comparison_table(comparison).set_index("architecture")
    assert table.loc["mean", "test accuracy"] == pytest.approx(0.5)
    assert table.loc["conv_attention", "test accuracy"] > 0.95
    assert table.loc["conv_attention", "learned: 5-NN accuracy"] > 0.95
    # Pairs of shuffled twins sit on top of each other in every averaged embedding.
    assert table.loc["conv_attention", "averaged: 5-NN accuracy"] < 0.6
    assert table.loc["mean", "accuracy drop"] == 0
    assert table.loc["conv_attention", "accuracy drop"] > 0.3
    assert (table["averaged shift"] < 1e-5).all()
    assert set(table["parameters"]) == {
        comparison.runs[0].run.record.parameters,
        comparison.runs[1].run.record.parameters,
    }


def test_the_table_shows_intervals_and_one_row_per_baseline(comparison):
    table = comparison_frame(comparison)
    assert list(table.index) == [
        "Demo: mean (averaged embeddings) on the motif toy",
        "Demo: conv_attention on the motif toy",
        "composition baseline",
        "1-3-mer baseline",
    ]
    assert table.columns[table.columns.get_loc("test accuracy") + 1] == "test accuracy 95% CI"
    assert table.loc["1-3-mer baseline", "architecture"] == "baseline"
    assert table.loc["composition baseline", "test accuracy"] == pytest.approx(
        comparison.runs[0].run.record.baselines["composition"].accuracy
    )
    assert table["test accuracy 95% CI"].str.contains("-").all()


def test_runs_are_compared_on_their_shared_test_sequences(comparison):
    [sentence] = noise_sentences(comparison)
    # conv_attention (1.000) against mean (0.500) on the same 200 sequences.
    assert "on the same 200 test sequences" in sentence
    assert "beyond the noise" in sentence
    assert "conv_attention is better" in sentence
    assert len(baseline_sentences(comparison)) == 4


def test_summary_states_the_measured_numbers(comparison):
    sentences = summary_sentences(comparison)
    text = " ".join(sentences)
    conv = comparison.runs[1]
    assert f"a drop of {conv.order.accuracy_drop:.3f}" in text
    assert "cannot move at all" in text
    assert "not what order is worth on this data" in text
    assert "on the 200 test sequences the runs share" in text


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.tables = 0
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables += 1
        if tag not in {"meta", "br", "link", "img", "input", "hr"}:
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, f"unbalanced </{tag}>"
        self.open.pop()

    def handle_data(self, data):
        self.text.append(data)


def test_summary_uses_short_labels_and_says_no_drop(comparison):
    sentences = summary_sentences(comparison)
    # The runs differ in architecture, so the architecture names them.
    assert sentences[0].startswith("mean, order test: shuffling")
    assert sentences[1].startswith("conv_attention, order test: shuffling")
    assert "(no drop)" in sentences[0]  # the mean model cannot lose anything to shuffling
    assert "+0.000" not in " ".join(sentences)


def test_short_labels_tell_runs_of_one_architecture_apart(demo):
    mean = demo["demo-motif-mean"][0]
    twin = replace(mean, run_id="demo-motif-mean-twin")
    labels = short_labels([mean, twin, demo["demo-motif-conv-attention"][0]])
    assert labels["demo-motif-conv-attention"] == "conv_attention"
    assert labels[mean.run_id].startswith("mean (")
    assert len(set(labels.values())) == 3


def test_small_multiple_titles_are_short_with_the_full_name_in_hover(comparison):
    figure = small_multiples_figure(comparison, comparison.classes)
    titles = [annotation.text for annotation in figure.layout.annotations]
    assert titles[:2] == ["mean: averaged", "mean: learned"]
    assert all(len(title) <= PANEL_TITLE for title in titles)
    assert comparison.runs[0].run.name in figure.layout.annotations[0].hovertext


def test_html_report_is_valid_and_holds_every_table(comparison):
    figure = small_multiples_figure(comparison, ["middle", "terminal"])
    report = html_report(comparison, [figure], title="toy <comparison>")
    parser = _Collector()
    parser.feed(report)
    assert parser.open == []
    assert parser.tables == 1
    text = " ".join(parser.text)
    for column in comparison_table(comparison).columns:
        assert column in text
    for entry in comparison.runs:
        assert entry.run.name in text
    assert "toy <comparison>" in text  # escaped in the markup, intact as text
    assert "Plotly" in report  # the JavaScript is embedded: the file works offline
