"""A run's scores with intervals, paired comparisons, and how pages and sentences show them."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from protviz.analysis.scores import (
    NETWORK,
    baseline_comparisons,
    run_scores,
    runs_comparison,
)
from protviz.core.config import TrainingConfig
from protviz.model import runs
from protviz.model.runs import RunInfo
from protviz.model.training import train
from protviz.report.sentences import (
    baseline_sentence,
    class_weighting_sentence,
    stop_sentence,
    stopping_plan,
)
from protviz.report.tables import compare_frame, runs_frame, scores_frame
from tests.generated import composition_dataset

DATASET = composition_dataset({"plain": 40, "lysine": 40, "leucine": 40}, seed=5)


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> RunInfo:
    home = tmp_path_factory.mktemp("scores")
    config = TrainingConfig.for_architecture("mean", epochs=3, units=8, embedding_dim=4)
    return train(DATASET, config, home=home, name="small mean").run


def test_scores_list_the_network_then_each_baseline_with_intervals(run):
    scores = run_scores(run)
    assert [entry.name for entry in scores] == [NETWORK, "composition", "kmer"]
    for entry in scores:
        assert entry.n == run.record.split_sizes["test"]
        for metric in ("accuracy", "balanced_accuracy", "macro_f1", "mcc"):
            estimate, low, high = entry.get(metric)
            assert low <= estimate <= high


def test_runs_saved_without_intervals_get_them_from_their_predictions(run):
    metrics = dataclasses.replace(run.record.metrics, intervals={})
    older = RunInfo(run.run_id, run.path, dataclasses.replace(run.record, metrics=metrics))
    assert run_scores(older)[0].scores == run_scores(run)[0].scores


def test_paired_comparisons_use_the_stored_intervals_resamples(run):
    predictions = runs.load_predictions(run.run_id, run.path.parent)
    comparisons = baseline_comparisons(predictions, "accuracy")
    assert set(comparisons) == {"composition", "kmer"}
    stored = {entry.name: entry for entry in run_scores(run)}
    for name, comparison in comparisons.items():
        assert comparison.first == stored[name].get("accuracy")
        assert comparison.second == stored[NETWORK].get("accuracy")
        assert comparison.n == len(predictions)


def test_two_runs_are_compared_on_the_test_sequences_they_share(run):
    predictions = runs.load_predictions(run.run_id, run.path.parent)
    same = runs_comparison(predictions, predictions.iloc[::-1])
    assert same.difference.estimate == 0 and same.within_noise
    assert runs_comparison(predictions, predictions.iloc[:5]) is None
    relabelled = predictions.assign(true_label="other")
    assert runs_comparison(predictions, relabelled) is None


def test_a_run_without_baselines_has_no_baseline_comparisons():
    frame = pd.DataFrame({"id": ["a"], "true_label": ["x"], "predicted_label": ["x"]})
    assert baseline_comparisons(frame) == {}


def test_tables_show_intervals_and_baselines(run):
    frame = scores_frame(run_scores(run))
    assert list(frame.index) == ["this network", "composition baseline", "1-3-mer baseline"]
    assert list(frame.columns)[:2] == ["test accuracy", "balanced accuracy"]
    assert all(" (" in cell and "-" in cell for cell in frame["test accuracy"])
    listed = runs_frame([run])
    assert listed.loc[0, "accuracy 95% CI"] and listed.loc[0, "macro F1 95% CI"]
    assert listed.loc[0, "1-3-mer baseline"] == run.record.baselines["kmer"].accuracy
    assert listed.loc[0, "stopped"].startswith("epoch cap")
    side_by_side = compare_frame([run, run])
    assert "1-3-mer baseline: test accuracy" in side_by_side.index
    assert side_by_side.loc["stopped"].iloc[0].startswith("epoch cap")


def test_sentences_say_how_training_stops_and_why_it_stopped(run):
    plan = stopping_plan(TrainingConfig.for_architecture("mean"))
    assert "has not improved for 6 epochs" in plan
    assert "after 100 epochs or after 30 minutes" in plan
    assert "halves whenever validation loss has not improved for 3 epochs" in plan
    record = dataclasses.replace(run.record, stop_reason="time_cap", still_improving=True)
    sentence = stop_sentence(record)
    assert "because it reached the time cap" in sentence
    assert "still improving" in sentence
    assert stop_sentence(dataclasses.replace(record, stop_reason=None)) is None
    weighted = dataclasses.replace(record, class_weighted=True, class_weighting_reason="why")
    assert class_weighting_sentence(weighted).startswith("Classes were weighted")


def test_a_baseline_sentence_names_the_baseline_and_the_verdict(run):
    predictions = runs.load_predictions(run.run_id, run.path.parent)
    sentence = baseline_sentence("kmer", baseline_comparisons(predictions)["kmer"])
    assert sentence.startswith("A bag of 1-3-mers")
    assert "this network" in sentence
    assert "noise" in sentence
