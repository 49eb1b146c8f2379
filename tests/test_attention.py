"""protviz.analysis attention, saliency and logos: weights, class profiles and filter logos."""

from __future__ import annotations

import numpy as np
import pytest

from protviz.analysis.attention import (
    attention_weights,
    class_profiles,
    residue_profiles,
    residue_scores,
)
from protviz.analysis.logos import (
    FilterMaxima,
    activation_window,
    filter_logo,
    filter_maxima,
    filter_specificity,
    information_heights,
    window_frequencies,
)
from protviz.analysis.residues import AttentionError, sample_per_class, seen_positions
from protviz.analysis.saliency import saliency
from protviz.core.dataset import Dataset
from protviz.io.builtin import MOTIF, motif_position_dataset
from protviz.model.architectures import attention_model
from protviz.model.encoding import encode_all, pad_batch, truncate
from protviz.model.saved import load_model_file
from protviz.report import figures as plots
from tests.conftest import DEMO_RUN, ROOT

SEQUENCES = ["MKVLAAGIVALLLAAGCSSA", "MKTAYIAK", "ACDEFGHIKLMNPQRSTVWYX" * 4]


@pytest.fixture(scope="module")
def demo_model():
    return load_model_file(ROOT / "models" / DEMO_RUN / "model.keras")


@pytest.fixture(scope="module")
def toy() -> Dataset:
    return motif_position_dataset(n_pairs=20)


def test_attention_weights_sum_to_one_over_real_residues(demo_model):
    weights = attention_weights(demo_model, SEQUENCES)
    assert [len(w) for w in weights] == [len(s) for s in SEQUENCES]
    for w in weights:
        assert w.sum() == pytest.approx(1.0, abs=1e-5)
        assert (w >= 0).all()


def test_attention_weights_are_zero_on_padding(demo_model):
    batch = pad_batch(encode_all(SEQUENCES))
    weights = np.asarray(attention_model(demo_model).predict(batch, verbose=0))
    assert (weights[batch == 0] == 0).all()
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-5)


def test_attention_weights_do_not_depend_on_the_batch(demo_model):
    together = attention_weights(demo_model, SEQUENCES)
    alone = [attention_weights(demo_model, [s])[0] for s in SEQUENCES]
    for a, b in zip(together, alone, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_saliency_has_one_value_per_residue_the_model_sees(demo_model):
    scores = saliency(demo_model, SEQUENCES, max_length=30)
    assert [len(s) for s in scores] == [min(len(s), 30) for s in SEQUENCES]
    assert all(np.isfinite(s).all() for s in scores)


def test_saliency_of_an_architecture_without_attention():
    import keras

    from protviz.model.architectures import build_model

    keras.utils.set_random_seed(0)
    model = build_model("bilstm", 3, embedding_dim=4, units=4)
    together = saliency(model, SEQUENCES)
    alone = [saliency(model, [s])[0] for s in SEQUENCES]
    assert [len(s) for s in together] == [len(s) for s in SEQUENCES]
    for a, b in zip(together, alone, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-5)


def test_saliency_finds_the_motif_in_middle_sequences(demo_model, toy):
    # The shipped run classifies the toy perfectly; for a 'middle' sequence the motif
    # in the middle is the evidence, and gets more saliency than any background stretch.
    rows = [i for i, label in enumerate(toy.labels) if label == "middle"][:8]
    scores = saliency(demo_model, [toy.sequences[i] for i in rows])
    for row, values in zip(rows, scores, strict=True):
        start = int(toy.metadata["motif_start"].iloc[row]) - 1
        on_motif = np.zeros(len(values), dtype=bool)
        on_motif[start : start + len(MOTIF)] = True
        magnitude = np.abs(values)
        assert magnitude[on_motif].mean() > magnitude[~on_motif].mean()


@pytest.mark.parametrize(("policy", "max_length"), [("ends", 7), ("ends", 8), ("start", 5)])
def test_seen_positions_match_the_truncation(policy, max_length):
    sequence = "ACDEFGHIKLMNPQ"
    positions = seen_positions(len(sequence), max_length, policy)
    assert "".join(sequence[p - 1] for p in positions) == truncate(sequence, max_length, policy)


def test_seen_positions_without_truncation():
    np.testing.assert_array_equal(seen_positions(5, None), [1, 2, 3, 4, 5])


def planted_weights(length: int, motif_start: int, motif_length: int = 8) -> np.ndarray:
    weights = np.full(length, 0.1)
    weights[motif_start : motif_start + motif_length] = 10.0
    return weights / weights.sum()


def test_class_profile_of_an_n_terminal_motif_peaks_at_the_start():
    rng = np.random.default_rng(0)
    lengths = rng.integers(60, 200, size=40).tolist()
    labels = ["signal"] * 20 + ["cytoplasm"] * 20
    weights = [
        planted_weights(n, 0) if label == "signal" else np.full(n, 1 / n)
        for n, label in zip(lengths, labels, strict=True)
    ]
    positions = [np.arange(1, n + 1) for n in lengths]
    profile = class_profiles(weights, positions, lengths, labels, ["signal", "cytoplasm"])
    assert profile.shape == (2, 50)
    signal = profile.loc["signal"].to_numpy()
    assert np.argmax(signal) < 3  # the first 6% of the sequence
    assert signal[:2].mean() > 5 * signal[10:].mean()
    np.testing.assert_allclose(profile.loc["cytoplasm"].to_numpy(), 1.0)  # uniform = 1


def test_class_profile_leaves_unseen_middles_empty():
    positions = [seen_positions(100, 20, "ends")]
    profile = class_profiles([np.full(20, 0.05)], positions, [100], ["a"], ["a"], bins=10)
    values = profile.loc["a"].to_numpy()
    assert np.isnan(values[2:8]).all()
    assert not np.isnan(values[[0, 9]]).any()


def fixed_distance_signal(from_end: bool = False) -> tuple[list, list, list, list]:
    """Weights of 40 sequences of 60 to 400 residues: 'signal' ones look at residues 20-27
    from one end, 'other' ones look everywhere alike."""
    rng = np.random.default_rng(1)
    lengths = rng.integers(60, 400, size=40).tolist()
    labels = ["signal", "other"] * 20
    weights = []
    for length, label in zip(lengths, labels, strict=True):
        start = length - 27 if from_end else 19
        weights.append(
            planted_weights(length, start) if label == "signal" else np.full(length, 1 / length)
        )
    positions = [np.arange(1, n + 1) for n in lengths]
    return weights, positions, lengths, labels


def test_residue_profile_keeps_a_fixed_distance_signal_sharp():
    weights, positions, lengths, labels = fixed_distance_signal()
    shared = (weights, positions, lengths, labels, ["signal", "other"])
    by_residue = residue_profiles(*shared, max_residue=100)
    assert list(by_residue.columns[:3]) == [1, 2, 3]  # residue numbers, 1-based
    signal = by_residue.loc["signal"].to_numpy()
    assert set(np.flatnonzero(signal > 5)) == set(range(19, 27))  # residues 20-27
    np.testing.assert_allclose(by_residue.loc["other"].to_numpy(), 1.0)
    # Relative bins smear the same signal over a range of positions.
    relative = class_profiles(*shared).loc["signal"].to_numpy()
    assert relative.max() < signal.max() / 2


def test_residue_profile_from_the_c_terminus():
    weights, positions, lengths, labels = fixed_distance_signal(from_end=True)
    profile = residue_profiles(
        weights, positions, lengths, labels, ["signal"], max_residue=60, from_end=True
    )
    assert set(np.flatnonzero(profile.loc["signal"].to_numpy() > 5)) == set(range(19, 27))


def test_residue_profile_leaves_out_residues_few_sequences_reach():
    weights = [np.full(n, 1 / n) for n in (10, 10, 30)]
    positions = [np.arange(1, n + 1) for n in (10, 10, 30)]
    profile = residue_profiles(
        weights, positions, [10, 10, 30], ["a"] * 3, ["a"], max_residue=30, min_sequences=2
    )
    values = profile.loc["a"].to_numpy()
    assert not np.isnan(values[:10]).any()
    assert np.isnan(values[10:]).all()  # only one sequence is longer than 10


def test_sample_per_class_caps_each_class():
    labels = ["a"] * 10 + ["b"] * 3
    rows, capped = sample_per_class(labels, 4, seed=0)
    assert capped
    assert sum(labels[i] == "a" for i in rows) == 4
    assert sum(labels[i] == "b" for i in rows) == 3
    assert sample_per_class(labels, 10)[1] is False


def test_residue_scores_of_a_truncated_sequence(demo_model, toy):
    scores = residue_scores(demo_model, toy, 0, ["middle", "terminal"], max_length=20)
    assert scores.kind == "attention"
    assert scores.truncated
    full = scores.full_scores()
    assert len(full) == len(toy.sequences[0])
    assert np.isnan(full).sum() == len(toy.sequences[0]) - 20
    assert "model saw only positions 1-10 and" in scores.truncation_note()
    csv_lines = scores.to_csv().splitlines()
    assert csv_lines[1] == "position,residue,seen,attention"
    assert len(csv_lines) == 2 + len(toy.sequences[0])


def test_residue_scores_outside_the_data_set_are_refused(demo_model, toy):
    with pytest.raises(AttentionError, match="outside"):
        residue_scores(demo_model, toy, len(toy), ["middle", "terminal"])


@pytest.mark.parametrize("width", [1, 3, 4, 5])
def test_activation_window_is_what_a_same_padded_convolution_reads(width):
    import keras

    sequence = "ACDEFGH"
    values = {letter: float(i + 1) for i, letter in enumerate(sequence)} | {"-": 0.0}
    convolution = keras.layers.Conv1D(1, width, padding="same", use_bias=False)
    convolution.build((None, None, 1))
    kernel = 10.0 ** np.arange(width)  # output = the window read as digits
    convolution.set_weights([kernel.reshape(width, 1, 1)])
    inputs = np.array([values[letter] for letter in sequence]).reshape(1, -1, 1)
    outputs = np.asarray(convolution(inputs))[0, :, 0]
    for position in range(len(sequence)):
        window = activation_window(sequence, position, width)
        assert outputs[position] == pytest.approx(
            sum(values[a] * k for a, k in zip(window, kernel, strict=True))
        )


def test_information_content_of_a_conserved_and_a_free_position():
    windows = ["".join(pair) for pair in zip("A" * 20, "ACDEFGHIKLMNPQRSTVWY", strict=True)]
    frequencies = window_frequencies(windows)
    heights = information_heights(frequencies)
    assert heights.loc[1, "A"] == pytest.approx(np.log2(20))
    assert heights.loc[2].sum() == pytest.approx(0.0, abs=1e-9)


def test_filter_logo_of_the_demo_run(demo_model, toy):
    maxima = filter_maxima(demo_model, toy, max_per_class=10)
    assert maxima.values.shape == (20, len(maxima.widths) * maxima.filters)
    width = maxima.widths[-1]
    logo = filter_logo(maxima, width, 0, top_k=5, kind="frequency")
    assert len(logo.windows) == 5
    assert set(logo.windows["class"]) <= {"terminal", "middle"}
    assert (logo.windows["start"] >= 1 - width // 2).all()
    assert all(len(w) == width for w in logo.windows["window"])
    assert logo.windows["activation"].is_monotonic_decreasing
    np.testing.assert_allclose(logo.frequencies.sum(axis=1), 1.0)
    figure = plots.logo_figure(logo.heights, "logo")
    assert figure.layout.barmode == "stack"
    with pytest.raises(AttentionError, match="No filter"):
        filter_logo(maxima, width, maxima.filters)


def synthetic_maxima(lengths: list[int], max_length: int | None = None) -> FilterMaxima:
    """Two filters of width 3: filter 0 fires in class 'a' only, filter 1 everywhere."""
    labels = ["a", "b"] * (len(lengths) // 2)
    values = np.array([[5.0 if label == "a" else 0.0, 1.0] for label in labels])
    values += np.random.default_rng(0).normal(0, 0.1, values.shape)
    return FilterMaxima(
        widths=(3,),
        filters=2,
        values=values.astype(np.float32),
        positions=np.full(values.shape, 2),
        sequences=["A" * min(n, max_length or n) for n in lengths],
        ids=[f"s{i}" for i in range(len(lengths))],
        labels=labels,
        lengths=np.array(lengths),
        max_length=max_length,
    )


def test_filters_are_ranked_by_how_class_specific_they_are():
    ranking = filter_specificity(synthetic_maxima([20] * 10))
    assert ranking["filter"].tolist() == [0, 1]
    assert ranking.loc[0, "strongest in"] == "a"
    assert ranking.loc[0, "F"] > 100 > ranking.loc[1, "F"]


def test_window_starts_are_residue_numbers_in_the_full_sequence():
    maxima = synthetic_maxima([100, 8], max_length=10)  # 'ends' keeps 1-5 and 96-100
    maxima.positions[0, 0] = 7  # the 8th residue the model saw: residue 98 of 100
    assert maxima.window_start(0, 0, 3) == 97
    maxima.positions[1, 0] = 0  # a width-3 window at the first residue hangs over the start
    assert maxima.window_start(1, 0, 3) == 0
    maxima.positions[1, 0] = 2
    assert maxima.window_start(1, 0, 3) == 2


def test_overlay_draws_rows_of_60_with_a_ruler():
    sequence = "ACDEFGHIKL" * 13  # 130 residues: 3 rows
    scores = np.linspace(0, 1, len(sequence))
    scores[100:] = np.nan  # not seen by the model
    heatmap = plots.residue_scores_figure(sequence, scores, "attention").data[0]
    assert np.asarray(heatmap.z).shape == (3, 60)
    assert "".join(np.asarray(heatmap.text).ravel()) == sequence
    figure = plots.residue_scores_figure(sequence, scores, "attention")
    assert list(figure.layout.yaxis.ticktext) == ["1", "61", "121"]
    assert "not seen by the model" in np.asarray(heatmap.customdata)[1, 50]
