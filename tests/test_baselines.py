"""Composition and k-mer baselines (protviz.model.baselines)."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest

from protviz.core.errors import ProtvizError
from protviz.core.records import HEADLINE_METRICS
from protviz.io.builtin import MOTIF, motif_position_dataset
from protviz.model.baselines import (
    BASELINE_NAMES,
    Baseline,
    BaselineError,
    amino_acid_frequencies,
    decode_array,
    encode_array,
    fit_baseline,
    fit_baselines,
    load_baselines,
    save_baselines,
    score_baselines,
)
from protviz.model.metrics import label_metrics
from tests.generated import enriched_set, random_sequences


def motif_present_set(count: int, seed: int) -> tuple[list[str], list[str]]:
    """Half the sequences carry the motif at a random place, half do not."""
    rng = np.random.default_rng(seed)
    sequences, labels = [], []
    for index, background in enumerate(random_sequences(count, seed)):
        if index % 2:
            start = int(rng.integers(0, len(background) + 1))
            sequences.append(background[:start] + MOTIF + background[start:])
            labels.append("motif")
        else:
            sequences.append(background)
            labels.append("none")
    return sequences, labels


CLASSES = ["plain", "lysine", "leucine"]


def test_frequencies_sum_to_one_and_count_odd_letters_as_x():
    frequencies = amino_acid_frequencies(["AAKX", "AB"])
    assert frequencies.shape == (2, 21)
    np.testing.assert_allclose(frequencies.sum(axis=1), 1.0)
    assert frequencies[1, -1] == 0.5  # 'B' counts as X


def test_kmer_vocabulary_comes_from_the_training_sequences_only():
    train, labels = enriched_set()
    train = [s.replace("W", "A") for s in train]
    baseline = fit_baselines(train, labels, CLASSES)["kmer"]
    assert "W" not in baseline.features
    assert "WWW" not in baseline.features
    assert baseline.predict_proba(["WWWWWWWWKKKK"]).shape == (1, 3)


@pytest.mark.parametrize("name", BASELINE_NAMES)
@pytest.mark.parametrize("class_count", [2, 3])
def test_arrays_reproduce_scikit_learn(name, class_count):
    sequences, labels = enriched_set()
    keep = [i for i, label in enumerate(labels) if label in CLASSES[:class_count]]
    train = [sequences[i] for i in keep]
    train_labels = [labels[i] for i in keep]
    baseline, pipeline = fit_baseline(name, train, train_labels, CLASSES[:class_count])
    test, _ = enriched_set(seed=7)
    order = [list(pipeline.classes_).index(c) for c in baseline.class_names]
    expected = pipeline.predict_proba(test)[:, order]
    np.testing.assert_allclose(baseline.predict_proba(test), expected, rtol=0, atol=1e-12)
    assert baseline.predict(test) == list(pipeline.predict(test))
    assert baseline.coef.shape == (class_count, len(baseline.features))


def test_same_seed_gives_the_same_baselines():
    sequences, labels = enriched_set()
    first = fit_baselines(sequences, labels, CLASSES, seed=3)
    second = fit_baselines(sequences, labels, CLASSES, seed=3)
    for name in BASELINE_NAMES:
        np.testing.assert_array_equal(first[name].coef, second[name].coef)
        np.testing.assert_array_equal(first[name].intercept, second[name].intercept)


def test_json_round_trip_keeps_probabilities_within_1e_6(tmp_path):
    sequences, labels = enriched_set()
    baselines = fit_baselines(sequences, labels, CLASSES)
    path = tmp_path / "baselines.json"
    save_baselines(path, baselines)
    loaded = load_baselines(path)
    test, _ = enriched_set(seed=7)
    for name in BASELINE_NAMES:
        np.testing.assert_allclose(
            loaded[name].predict_proba(test), baselines[name].predict_proba(test), atol=1e-6
        )
        assert loaded[name].predict(test) == baselines[name].predict(test)
        assert loaded[name].settings == baselines[name].settings
        np.testing.assert_array_equal(loaded[name].coef, baselines[name].coef.astype(np.float32))


def test_arrays_are_stored_at_float32_precision_and_lists_still_read():
    array = np.array([[0.1, -2.5, 1e-9], [3.0, 0.0, 7.25]])
    encoded = encode_array(array)
    assert encoded["shape"] == [2, 3]
    np.testing.assert_array_equal(decode_array(encoded), array.astype(np.float32))
    np.testing.assert_array_equal(decode_array(array.tolist()), array)


@pytest.mark.parametrize(
    "value", [{"dtype": "<f8", "shape": [1], "base64": "AAAA"}, {"dtype": "<f4", "shape": [3],
              "base64": "AAAA"}, "text"],
)  # fmt: skip
def test_an_unreadable_array_is_an_error(value):
    with pytest.raises(BaselineError):
        decode_array(value)


def test_a_stored_vectorizer_other_than_protvizs_is_refused():
    sequences, labels = enriched_set()
    data = fit_baselines(sequences, labels, CLASSES)["kmer"].to_json_dict()
    data["settings"]["vectorizer"]["token_pattern"] = "(a+)+$"
    with pytest.raises(BaselineError, match="vectorizer"):
        Baseline.from_json_dict(data)


def test_the_file_is_json_and_loading_uses_no_pickle(tmp_path, monkeypatch):
    sequences, labels = enriched_set()
    path = tmp_path / "baselines.json"
    save_baselines(path, fit_baselines(sequences, labels, CLASSES))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [item["name"] for item in data["baselines"]] == list(BASELINE_NAMES)

    def refuse(*args, **kwargs):
        raise AssertionError("pickle used")

    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pickle, "loads", refuse)
    monkeypatch.setattr(np, "load", refuse)
    assert set(load_baselines(path)) == set(BASELINE_NAMES)


def test_a_run_without_baselines_loads_none(tmp_path):
    assert load_baselines(tmp_path / "baselines.json") is None


@pytest.mark.parametrize(
    "content", ["not json", '{"format": "other"}', '{"format": "protviz-baselines"}']
)
def test_a_foreign_or_broken_file_is_an_error(tmp_path, content):
    path = tmp_path / "baselines.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BaselineError):
        load_baselines(path)


def test_malformed_arrays_are_an_error():
    sequences, labels = enriched_set()
    data = fit_baselines(sequences, labels, CLASSES)["composition"].to_json_dict()
    data["coef"] = decode_array(data["coef"])[:2].tolist()
    with pytest.raises(BaselineError, match="coef has shape"):
        Baseline.from_json_dict(data)


def test_composition_baseline_is_at_chance_on_the_motif_toy():
    dataset = motif_position_dataset(200, seed=1)
    # Whole pairs go to one side: the two members of a pair have the same composition.
    pair = dataset.metadata["pair"].to_numpy()
    train, test = np.flatnonzero(pair < 150), np.flatnonzero(pair >= 150)
    sequences, labels = np.array(dataset.sequences), np.array(dataset.labels)
    baseline = fit_baselines(list(sequences[train]), list(labels[train]), dataset.classes)
    scores = score_baselines(baseline, list(sequences[test]), list(labels[test]))
    assert scores["composition"].metrics["accuracy"] == 0.5


def test_kmer_baseline_finds_a_motif_that_is_present_or_absent():
    train, train_labels = motif_present_set(400, seed=0)
    test, test_labels = motif_present_set(200, seed=1)
    baselines = fit_baselines(train, train_labels, ["none", "motif"])
    scores = score_baselines(baselines, test, test_labels)
    assert scores["kmer"].metrics["accuracy"] > 0.9


def test_scores_hold_every_metric_and_the_predictions():
    sequences, labels = enriched_set()
    test, test_labels = enriched_set(seed=7)
    scores = score_baselines(fit_baselines(sequences, labels, CLASSES), test, test_labels)
    for name in BASELINE_NAMES:
        metrics = scores[name].metrics
        assert set(HEADLINE_METRICS) | {"n", "per_class", "intervals"} <= set(metrics)
        assert len(scores[name].predicted) == len(test) == metrics["n"]
        assert metrics["accuracy"] > 0.8
        low, high = metrics["intervals"]["accuracy"]
        assert low <= metrics["accuracy"] <= high


def test_scores_use_the_network_metrics():
    sequences, labels = enriched_set()
    test, test_labels = enriched_set(seed=7)
    baseline = fit_baselines(sequences, labels, CLASSES)["composition"]
    scores = score_baselines({"composition": baseline}, test, test_labels, CLASSES)
    index = {name: i for i, name in enumerate(CLASSES)}
    expected = label_metrics(
        np.array([index[label] for label in test_labels]),
        np.array([index[label] for label in baseline.predict(test)]),
        CLASSES,
    )
    assert scores["composition"].metrics == expected


def test_imbalanced_classes_are_weighted_and_the_record_says_so():
    sequences, labels = enriched_set()
    balanced = fit_baselines(sequences, labels, CLASSES)["kmer"]
    assert balanced.settings["class_weight"] is None
    imbalanced = fit_baselines(sequences[20:], labels[20:], CLASSES)["kmer"]
    assert imbalanced.settings["class_weight"] == "balanced"
    assert "3.0 times" in imbalanced.settings["class_weight_reason"]
    assert "(> 1.5)" in imbalanced.settings["class_weight_reason"]


def test_baselines_follow_a_class_weighting_set_by_hand():
    sequences, labels = enriched_set()
    forced = fit_baselines(sequences, labels, CLASSES, class_weights=True)["kmer"]
    assert forced.settings["class_weight"] == "balanced"
    refused = fit_baselines(sequences[20:], labels[20:], CLASSES, class_weights=False)["kmer"]
    assert refused.settings["class_weight"] is None


def test_a_class_without_training_sequences_is_left_out():
    sequences, labels = enriched_set()
    baseline = fit_baselines(sequences, labels, [*CLASSES, "nuclear"])["composition"]
    assert baseline.class_names == tuple(CLASSES)


@pytest.mark.parametrize(
    ("labels", "message"),
    [(["plain", "cytoplasm"], "not among the class names"), (["plain", "plain"], "at least 2")],
)
def test_bad_training_labels_are_a_protviz_error(labels, message):
    with pytest.raises(BaselineError, match=message) as caught:
        fit_baselines(["ACDE", "KLMN"], labels, CLASSES)
    assert isinstance(caught.value, ProtvizError)
