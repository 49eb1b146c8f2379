"""Simple baselines scored on the same split as a network: composition and k-mers.

A network's score means little alone. Two scikit-learn baselines, fitted on
the training sequences of the same split, say what simple features already
achieve:

- ``composition``: the frequencies of the 20 standard amino acids and ``X``
  in each sequence, standardised, then multinomial logistic regression. It
  sees no order at all: on the motif toy, whose classes have identical
  compositions, it cannot beat chance.
- ``kmer``: a bag of 1-, 2- and 3-mers weighted by TF-IDF
  (:class:`~sklearn.feature_extraction.text.TfidfVectorizer` with
  ``analyzer="char"``, ``sublinear_tf=True``, rows of unit length), then
  multinomial logistic regression. Over 21 letters there are at most 9,723
  such k-mers, so the whole vocabulary of the training sequences is kept.

Choices made without touching any test split: the regularisation ``C`` is
fixed (:data:`COMPOSITION_C`, :data:`KMER_C`, chosen once on the validation
splits of MultiLoc and SCL2205, see there), and classes are weighted ``balanced``
by the same rule as the network's (:func:`protviz.model.splits.class_weighting`:
by default when the largest training class holds more than 1.5 times the
sequences of the smallest; recorded in :attr:`Baseline.settings`).

A fitted :class:`Baseline` is plain arrays (vocabulary, IDF weights, scaler
mean and scale, coefficients, intercepts), so it predicts without the
scikit-learn estimator and is stored as JSON (``baselines.json`` in a run
folder, :func:`save_baselines` / :func:`load_baselines`), never pickled. The
arrays are stored at float32 precision, as base64 text of their little-endian
bytes (:func:`encode_array`): a k-mer baseline of 13 classes is 0.6 MB so, 1.4 MB
as decimal float32 numbers and 2.4 MB at full precision, and its probabilities
move by less than 1e-7.

:func:`protviz.model.training.train` fits both on every run's training sequences,
scores them on its test sequences (:func:`score_baselines`, with the same metrics
and intervals as the network) and saves them with the run.
"""

from __future__ import annotations

import base64
import json
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from scipy.special import softmax
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from protviz.core.alphabet import PROTEIN_ALPHABET, UNKNOWN
from protviz.core.errors import ProtvizError
from protviz.model.metrics import label_metrics
from protviz.model.runs import BASELINES_FILE, RunInfo
from protviz.model.splits import class_weighting

BASELINE_NAMES = ("composition", "kmer")
"""The baselines :func:`fit_baselines` fits, in display order."""

FILE_FORMAT = "protviz-baselines"
FILE_VERSION = 2
"""Version 2 stores arrays as float32 base64 (:func:`encode_array`); version 1 as lists."""
READABLE_VERSIONS = (1, 2)

COMPOSITION_C = 1.0
"""Inverse regularisation strength of the composition baseline (21 features: hardly matters)."""

KMER_C = 30.0
"""Inverse regularisation strength of the k-mer baseline.

TF-IDF rows have unit length, so the coefficients must be large and the
regularisation weak. Chosen on validation splits, never on test: MultiLoc's
(stratified, seed 0) favoured ``C=100`` (accuracy 0.784; 0.772 at 30, 0.752 at
10), SCL2205's official ``eval`` split ``C=10`` (0.440; 0.437 at 30, 0.424 at
100); 30 is within about a point of the best on both.
"""

KMER_VECTORIZER: dict[str, Any] = {
    "analyzer": "char",
    "ngram_range": (1, 3),
    "lowercase": False,
    "sublinear_tf": True,
    "norm": "l2",
    "smooth_idf": True,
}
"""Settings of the k-mer TF-IDF vectorizer (stored with every k-mer baseline)."""

SOLVER = "newton-cg"
"""Logistic-regression solver: a few Newton steps, several times faster than lbfgs here."""

TOLERANCE = 1e-3
"""Solver tolerance: half the time of the default 1e-4 on SCL2205, as accurate on validation."""

MAX_ITER = 200


class BaselineError(ProtvizError):
    """Baselines that cannot be fitted, or a baselines file that cannot be read."""


def amino_acid_frequencies(sequences: Sequence[str]) -> np.ndarray:
    """Fraction of each letter of the protein alphabet in each sequence.

    Letters outside :data:`~protviz.core.alphabet.PROTEIN_ALPHABET` count as ``X``.

    Args:
        sequences: Cleaned protein sequences, length ``n``.

    Returns:
        Frequencies, shape ``(n, 21)``, columns in alphabet order; an empty
        sequence gives a row of zeros.
    """
    width = len(PROTEIN_ALPHABET)
    lookup = np.full(256, PROTEIN_ALPHABET.index(UNKNOWN), dtype=np.int64)
    lookup[np.frombuffer(PROTEIN_ALPHABET.encode("ascii"), dtype=np.uint8)] = np.arange(width)
    lengths = np.array([len(sequence) for sequence in sequences], dtype=np.int64)
    letters = np.frombuffer("".join(sequences).encode("ascii", errors="replace"), dtype=np.uint8)
    rows = np.repeat(np.arange(len(lengths)), lengths)
    counts = np.bincount(rows * width + lookup[letters], minlength=len(lengths) * width)
    return counts.reshape(len(lengths), width) / np.maximum(lengths, 1)[:, None]


# --------------------------------------------------------------------------- arrays as JSON


def encode_array(array: np.ndarray) -> dict[str, Any]:
    """An array as JSON-ready data at float32 precision.

    Args:
        array: Any shape.

    Returns:
        ``{"dtype": "<f4", "shape": [...], "base64": "..."}``: the little-endian
        float32 bytes, base64-encoded.
    """
    data = np.ascontiguousarray(array, dtype="<f4")
    return {
        "dtype": "<f4",
        "shape": list(data.shape),
        "base64": base64.b64encode(data.tobytes()).decode("ascii"),
    }


def decode_array(value: Any) -> np.ndarray:
    """Read an array written by :func:`encode_array`, or a plain (nested) list of numbers.

    Args:
        value: The JSON value.

    Returns:
        The array as float64.

    Raises:
        BaselineError: If the value is neither, or its bytes do not fit its shape.
    """
    if isinstance(value, list):
        return np.asarray(value, dtype=np.float64)
    if not isinstance(value, dict) or value.get("dtype") != "<f4":
        raise BaselineError("A stored array is neither a list of numbers nor float32 base64.")
    try:
        data = np.frombuffer(base64.b64decode(value["base64"], validate=True), dtype="<f4")
        return data.reshape([int(size) for size in value["shape"]]).astype(np.float64)
    except (KeyError, TypeError, ValueError) as error:
        raise BaselineError(f"A stored float32 array cannot be read: {error}") from None


# --------------------------------------------------------------------------- the fitted model


@dataclass(frozen=True, eq=False)
class Baseline:
    """A fitted baseline as plain arrays: features, scaling, linear model, softmax.

    Attributes:
        name: ``composition`` or ``kmer``.
        features: Feature names, length ``n_features``: the 21 letters, or the
            k-mer vocabulary in column order.
        coef: Coefficients, shape ``(n_classes, n_features)``. With two classes
            the first row is zeros (scikit-learn's binary model is the second).
        intercept: Intercepts, shape ``(n_classes,)``.
        class_names: The classes seen in training, in the caller's order.
        idf: IDF weight per k-mer, shape ``(n_features,)`` (``kmer`` only).
        mean: Scaler mean per feature, shape ``(n_features,)`` (``composition`` only).
        scale: Scaler standard deviation per feature (``composition`` only).
        settings: How it was fitted: ``C``, ``class_weight`` (``balanced`` or
            None) and why, vectorizer settings, solver, iterations, training
            size and class counts, seed, fit seconds, scikit-learn version.
    """

    name: str
    features: tuple[str, ...]
    coef: np.ndarray
    intercept: np.ndarray
    class_names: tuple[str, ...]
    idf: np.ndarray | None = None
    mean: np.ndarray | None = None
    scale: np.ndarray | None = None
    settings: dict[str, Any] = field(default_factory=dict)

    def transform(self, sequences: Sequence[str]) -> Any:
        """Features of ``sequences`` as the linear model sees them.

        Returns:
            Shape ``(n, n_features)``: dense for ``composition``, sparse for ``kmer``.
        """
        matrix = _FEATURIZERS[self.name](self, sequences)
        if self.mean is not None:
            matrix = (matrix - self.mean) / self.scale
        return matrix

    def decision_function(self, sequences: Sequence[str]) -> np.ndarray:
        """Linear scores, shape ``(n, n_classes)``."""
        return np.asarray(self.transform(sequences) @ self.coef.T) + self.intercept

    def predict_proba(self, sequences: Sequence[str]) -> np.ndarray:
        """Class probabilities, shape ``(n, n_classes)``, columns in :attr:`class_names` order."""
        return softmax(self.decision_function(sequences), axis=1)

    def predict(self, sequences: Sequence[str]) -> list[str]:
        """The most probable class of each sequence, length ``n``."""
        return [self.class_names[i] for i in self.decision_function(sequences).argmax(axis=1)]

    def to_json_dict(self) -> dict[str, Any]:
        """The baseline as JSON-ready data (arrays at float32 precision: :func:`encode_array`)."""

        def encoded(array: np.ndarray | None) -> dict[str, Any] | None:
            return None if array is None else encode_array(array)

        return {
            "name": self.name,
            "class_names": list(self.class_names),
            "features": list(self.features),
            "coef": encoded(self.coef),
            "intercept": encoded(self.intercept),
            "idf": encoded(self.idf),
            "mean": encoded(self.mean),
            "scale": encoded(self.scale),
            "settings": self.settings,
        }

    @classmethod
    def from_json_dict(cls, data: dict[str, Any]) -> Baseline:
        """Rebuild a baseline from :meth:`to_json_dict` output.

        Raises:
            BaselineError: If the name is unknown or the array shapes disagree.
        """

        def array(key: str) -> np.ndarray | None:
            value = data.get(key)
            return None if value is None else decode_array(value)

        try:
            baseline = cls(
                name=str(data["name"]),
                features=tuple(data["features"]),
                coef=decode_array(data["coef"]),
                intercept=decode_array(data["intercept"]),
                class_names=tuple(data["class_names"]),
                idf=array("idf"),
                mean=array("mean"),
                scale=array("scale"),
                settings=dict(data.get("settings") or {}),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise BaselineError(f"A stored baseline is incomplete or malformed: {error}") from None
        _check_shapes(baseline)
        return baseline


Baselines = dict[str, Baseline]
"""Fitted baselines by name (:data:`BASELINE_NAMES`)."""


def _check_shapes(baseline: Baseline) -> None:
    """Raise :class:`BaselineError` unless the arrays of ``baseline`` fit together."""
    n_classes, n_features = len(baseline.class_names), len(baseline.features)
    problems = []
    required = _REQUIRED_ARRAYS.get(baseline.name)
    if required is None:
        problems.append(f"unknown name {baseline.name!r}")
    else:
        problems += [f"{key} is missing" for key in required if getattr(baseline, key) is None]
    if baseline.name == "kmer" and baseline.settings.get("vectorizer") != _stored_vectorizer():
        problems.append(f"the vectorizer settings are not protviz's ({_stored_vectorizer()})")
    if len(set(baseline.features)) != n_features or len(set(baseline.class_names)) != n_classes:
        problems.append("a feature or class is listed twice")
    if baseline.coef.shape != (n_classes, n_features):
        problems.append(f"coef has shape {baseline.coef.shape}, not {(n_classes, n_features)}")
    if baseline.intercept.shape != (n_classes,):
        problems.append(f"intercept has shape {baseline.intercept.shape}, not {(n_classes,)}")
    for name in ("idf", "mean", "scale"):
        value = getattr(baseline, name)
        if value is not None and value.shape != (n_features,):
            problems.append(f"{name} has shape {value.shape}, not {(n_features,)}")
    if problems:
        raise BaselineError(f"A stored baseline is malformed: {'; '.join(problems)}.")


def _composition_features(baseline: Baseline, sequences: Sequence[str]) -> np.ndarray:
    return amino_acid_frequencies(sequences)


def _kmer_features(baseline: Baseline, sequences: Sequence[str]) -> Any:
    # The stored settings were checked to equal KMER_VECTORIZER (_check_shapes).
    vectorizer = TfidfVectorizer(**KMER_VECTORIZER, vocabulary=list(baseline.features))
    vectorizer.idf_ = baseline.idf
    return vectorizer.transform(list(sequences))


_FEATURIZERS: dict[str, Callable[[Baseline, Sequence[str]], Any]] = {
    "composition": _composition_features,
    "kmer": _kmer_features,
}
"""Baseline name -> features of sequences before scaling, from the stored arrays."""

_REQUIRED_ARRAYS = {"composition": ("mean", "scale"), "kmer": ("idf",)}
"""Baseline name -> the optional arrays it needs."""


# --------------------------------------------------------------------------- fitting


def _classifier(c: float, class_weight: str | None, seed: int) -> LogisticRegression:
    return LogisticRegression(
        C=c,
        class_weight=class_weight,
        solver=SOLVER,
        tol=TOLERANCE,
        max_iter=MAX_ITER,
        random_state=seed,
    )


def baseline_pipeline(name: str, *, class_weight: str | None = None, seed: int = 0) -> Pipeline:
    """The unfitted scikit-learn pipeline of a baseline.

    Args:
        name: ``composition`` or ``kmer``.
        class_weight: ``balanced`` or None.
        seed: Random state of the classifier.

    Returns:
        A pipeline from a list of sequences to class probabilities.

    Raises:
        BaselineError: If the name is unknown.
    """
    if name == "composition":
        return Pipeline(
            [
                ("features", FunctionTransformer(amino_acid_frequencies)),
                ("scale", StandardScaler()),
                ("classify", _classifier(COMPOSITION_C, class_weight, seed)),
            ]
        )
    if name == "kmer":
        return Pipeline(
            [
                ("features", TfidfVectorizer(**KMER_VECTORIZER)),
                ("classify", _classifier(KMER_C, class_weight, seed)),
            ]
        )
    raise BaselineError(f"Unknown baseline {name!r}; choose one of {', '.join(BASELINE_NAMES)}.")


def _training_classes(
    sequences: Sequence[str], labels: Sequence[str], class_names: Sequence[str]
) -> tuple[str, ...]:
    """The classes present in ``labels``, in ``class_names`` order; checks the training data."""
    if len(sequences) != len(labels):
        raise BaselineError(
            f"Need one label per training sequence; got {len(sequences)} sequences "
            f"and {len(labels)} labels."
        )
    counts = Counter(labels)
    unknown = sorted(set(counts) - set(class_names))
    if unknown:
        raise BaselineError(
            f"Training labels {', '.join(map(repr, unknown[:5]))} are not among the class "
            f"names ({', '.join(class_names)})."
        )
    present = tuple(name for name in class_names if name in counts)
    if len(present) < 2:
        raise BaselineError(
            f"Baselines need training sequences of at least 2 classes; got {len(present)}."
        )
    return present


def _per_class(classifier: LogisticRegression, classes: Sequence[str]) -> tuple[np.ndarray, ...]:
    """Coefficients ``(n_classes, n_features)`` and intercepts in ``classes`` order."""
    coef, intercept = classifier.coef_, classifier.intercept_
    if len(classifier.classes_) == 2:
        # The binary model scores the second class against a score of 0 for the first.
        coef = np.vstack([np.zeros_like(coef), coef])
        intercept = np.concatenate([np.zeros_like(intercept), intercept])
    order = [list(classifier.classes_).index(name) for name in classes]
    return np.ascontiguousarray(coef[order]), intercept[order].copy()


def _feature_arrays(name: str, pipeline: Pipeline) -> dict[str, Any]:
    """Feature names and scaling arrays of a fitted pipeline."""
    if name == "composition":
        scaler = pipeline.named_steps["scale"]
        return {
            "features": tuple(PROTEIN_ALPHABET),
            "mean": scaler.mean_.copy(),
            "scale": scaler.scale_.copy(),
        }
    vectorizer = pipeline.named_steps["features"]
    return {
        "features": tuple(str(k) for k in vectorizer.get_feature_names_out()),
        "idf": vectorizer.idf_.copy(),
    }


def _settings(
    name: str,
    classifier: LogisticRegression,
    train_labels: Sequence[str],
    classes: Sequence[str],
    seed: int,
) -> dict[str, Any]:
    """What :attr:`Baseline.settings` records about a fitted classifier (JSON-ready)."""
    counts = Counter(train_labels)
    settings = {
        "C": classifier.C,
        "class_weight": classifier.class_weight,
        "solver": SOLVER,
        "tol": TOLERANCE,
        "iterations": int(np.max(classifier.n_iter_)),
        "max_iter": MAX_ITER,
        "seed": seed,
        "n_train": len(train_labels),
        "train_class_counts": {label: counts[label] for label in classes},
        "sklearn_version": sklearn.__version__,
    }
    if name == "kmer":
        settings["vectorizer"] = _stored_vectorizer()
    return settings


def _stored_vectorizer() -> dict[str, Any]:
    """:data:`KMER_VECTORIZER` as a baselines file stores it (JSON-ready)."""
    return {**KMER_VECTORIZER, "ngram_range": list(KMER_VECTORIZER["ngram_range"])}


def fit_baseline(
    name: str,
    train_sequences: Sequence[str],
    train_labels: Sequence[str],
    class_names: Sequence[str],
    *,
    seed: int = 0,
    class_weights: bool | None = None,
) -> tuple[Baseline, Pipeline]:
    """Fit one baseline on training sequences.

    Args:
        name: ``composition`` or ``kmer``.
        train_sequences: Training sequences only, length ``n``.
        train_labels: Their labels, length ``n``, each one of ``class_names``.
        class_names: The run's classes; fixes the order of the probability
            columns (classes without training sequences are left out).
        seed: Random state of the classifier.
        class_weights: Weight classes ``balanced``: True, False, or None
            (automatic, as the run's network; see
            :func:`protviz.model.splits.class_weighting`).

    Returns:
        The baseline as plain arrays, and the fitted scikit-learn pipeline.

    Raises:
        BaselineError: If the name is unknown, the lengths differ, a label is
            not a class name or fewer than 2 classes have training sequences.
    """
    classes = _training_classes(train_sequences, train_labels, class_names)
    weighted, weighting_reason = class_weighting(train_labels, class_weights)
    pipeline = baseline_pipeline(name, class_weight="balanced" if weighted else None, seed=seed)
    started = time.perf_counter()
    pipeline.fit(list(train_sequences), list(train_labels))
    fit_seconds = time.perf_counter() - started
    classifier = pipeline.named_steps["classify"]
    coef, intercept = _per_class(classifier, classes)
    settings = {
        **_settings(name, classifier, train_labels, classes, seed),
        "class_weight_reason": weighting_reason,
        "fit_seconds": round(fit_seconds, 3),
    }
    baseline = Baseline(
        name=name,
        coef=coef,
        intercept=intercept,
        class_names=classes,
        settings=settings,
        **_feature_arrays(name, pipeline),
    )
    return baseline, pipeline


def fit_baselines(
    train_sequences: Sequence[str],
    train_labels: Sequence[str],
    class_names: Sequence[str],
    *,
    seed: int = 0,
    class_weights: bool | None = None,
) -> Baselines:
    """Fit every baseline (:data:`BASELINE_NAMES`) on the training sequences of a split.

    Pass the training part only: nothing of the test sequences may reach the
    features (the k-mer vocabulary and IDF weights come from these sequences).

    Args:
        train_sequences: Training sequences, length ``n``.
        train_labels: Their labels, length ``n``.
        class_names: The run's classes, in order.
        seed: Random state of the classifiers.
        class_weights: As :func:`fit_baseline`.

    Returns:
        The fitted baselines by name.

    Raises:
        BaselineError: As :func:`fit_baseline`.
    """
    options = {"seed": seed, "class_weights": class_weights}
    return {
        name: fit_baseline(name, train_sequences, train_labels, class_names, **options)[0]
        for name in BASELINE_NAMES
    }


# --------------------------------------------------------------------------- scoring and files


@dataclass(frozen=True)
class BaselineScores:
    """One baseline scored on test sequences.

    Attributes:
        metrics: :func:`~protviz.model.metrics.label_metrics` output (headline
            metrics with intervals, per-class scores, confusion matrix).
        predicted: Predicted label per test sequence, length ``n`` (for paired
            comparisons; stored in ``predictions.csv``).
    """

    metrics: dict[str, Any]
    predicted: list[str]


def score_baselines(
    baselines: Baselines,
    test_sequences: Sequence[str],
    test_labels: Sequence[str],
    class_names: Sequence[str] | None = None,
) -> dict[str, BaselineScores]:
    """Score each baseline on the test sequences, as the network is scored.

    A test class a baseline never saw in training counts as wrong.

    Args:
        baselines: Fitted baselines by name.
        test_sequences: Test sequences, length ``n``.
        test_labels: Their true labels, length ``n``.
        class_names: The run's classes (default: those of the baselines and the
            test labels, sorted); every test label must be one of them.

    Returns:
        Per baseline name, its metrics and predictions.

    Raises:
        BaselineError: If a test label is not one of ``class_names``.
    """
    if class_names is None:
        seen = set(test_labels).union(*(b.class_names for b in baselines.values()))
        class_names = sorted(seen)
    index = {name: i for i, name in enumerate(class_names)}
    unknown = sorted(set(test_labels) - set(index))
    if unknown:
        raise BaselineError(
            f"Test labels {', '.join(map(repr, unknown[:5]))} are not among the class names."
        )
    truth = np.array([index[label] for label in test_labels], dtype=np.int64)
    scores = {}
    for name, baseline in baselines.items():
        predicted = baseline.predict(test_sequences) if len(test_sequences) else []
        predicted_ids = np.array([index[label] for label in predicted], dtype=np.int64)
        scores[name] = BaselineScores(label_metrics(truth, predicted_ids, class_names), predicted)
    return scores


def baselines_json(baselines: Baselines) -> str:
    """The text of a baselines file (what :func:`save_baselines` writes).

    Args:
        baselines: Fitted baselines by name.

    Returns:
        Compact JSON, one line.
    """
    data = {
        "format": FILE_FORMAT,
        "version": FILE_VERSION,
        "baselines": [baseline.to_json_dict() for baseline in baselines.values()],
    }
    return json.dumps(data, separators=(",", ":")) + "\n"


def save_baselines(path: str | Path, baselines: Baselines) -> None:
    """Write baselines as JSON (e.g. ``<run folder>/baselines.json``).

    Args:
        path: The file to write.
        baselines: Fitted baselines by name.
    """
    Path(path).write_text(baselines_json(baselines), encoding="utf-8")


def load_baselines(path: str | Path) -> Baselines | None:
    """Read baselines written by :func:`save_baselines` (JSON only, never pickle).

    Args:
        path: The file, e.g. ``<run folder>/baselines.json``.

    Returns:
        The baselines by name, or None when the file does not exist (a run
        saved without baselines).

    Raises:
        BaselineError: If the file is not a protviz baselines file.
    """
    path = Path(path)
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BaselineError(f"{path} cannot be read as JSON: {error}") from None
    return baselines_from_json(data, str(path))


def baselines_from_json(data: Any, source: str) -> Baselines:
    """Baselines from the parsed JSON of a baselines file (JSON only, never pickle).

    Args:
        data: The parsed JSON.
        source: The file's name, for messages.

    Returns:
        The baselines by name.

    Raises:
        BaselineError: If it is not a protviz baselines file this version reads.
    """
    if not isinstance(data, dict) or data.get("format") != FILE_FORMAT:
        raise BaselineError(f"{source} is not a protviz baselines file (format {FILE_FORMAT!r}).")
    if data.get("version") not in READABLE_VERSIONS:
        raise BaselineError(
            f"{source} has baselines file version {data.get('version')!r}; this protviz reads "
            f"versions {', '.join(map(str, READABLE_VERSIONS))}."
        )
    items = data.get("baselines", [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise BaselineError(f"{source}: 'baselines' must be a list of objects.")
    baselines = [Baseline.from_json_dict(item) for item in items]
    return {baseline.name: baseline for baseline in baselines}


def run_baselines(run: RunInfo) -> Baselines | None:
    """The baselines saved with a run, or None for a run saved without them.

    Raises:
        BaselineError: If the run's ``baselines.json`` cannot be read.
    """
    return load_baselines(run.path / BASELINES_FILE)
