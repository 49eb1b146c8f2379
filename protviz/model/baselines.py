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
splits of MultiLoc and SCL2205, see there), and classes are weighted ``balanced`` when
the largest training class holds more than :data:`IMBALANCE_RATIO` times the
sequences of the smallest (recorded in :attr:`Baseline.settings`).

A fitted :class:`Baseline` is plain arrays (vocabulary, IDF weights, scaler
mean and scale, coefficients, intercepts), so it predicts without the
scikit-learn estimator and is stored as JSON (``baselines.json`` in a run
folder, :func:`save_baselines` / :func:`load_baselines`), never pickled.
"""

from __future__ import annotations

import json
import time
import warnings
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
from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score, matthews_corrcoef
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from protviz.core.alphabet import PROTEIN_ALPHABET, UNKNOWN
from protviz.core.errors import ProtvizError

BASELINE_NAMES = ("composition", "kmer")
"""The baselines :func:`fit_baselines` fits, in display order."""

BASELINES_FILE = "baselines.json"
"""File name of the baselines in a run folder."""

FILE_FORMAT = "protviz-baselines"
FILE_VERSION = 1

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

IMBALANCE_RATIO = 1.5
"""Largest / smallest training class size above which classes are weighted ``balanced``."""

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
        """The baseline as JSON-ready data (lists and numbers at full precision)."""

        def listed(array: np.ndarray | None) -> list | None:
            return None if array is None else array.tolist()

        return {
            "name": self.name,
            "class_names": list(self.class_names),
            "features": list(self.features),
            "coef": listed(self.coef),
            "intercept": listed(self.intercept),
            "idf": listed(self.idf),
            "mean": listed(self.mean),
            "scale": listed(self.scale),
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
            return None if value is None else np.asarray(value, dtype=np.float64)

        try:
            baseline = cls(
                name=str(data["name"]),
                features=tuple(data["features"]),
                coef=np.asarray(data["coef"], dtype=np.float64),
                intercept=np.asarray(data["intercept"], dtype=np.float64),
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
    if baseline.name == "kmer" and "vectorizer" not in baseline.settings:
        problems.append("the vectorizer settings are missing")
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
    vectorizer_settings = dict(baseline.settings["vectorizer"])
    vectorizer_settings["ngram_range"] = tuple(vectorizer_settings["ngram_range"])
    vectorizer = TfidfVectorizer(**vectorizer_settings, vocabulary=list(baseline.features))
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


def _class_weighting(labels: Sequence[str]) -> tuple[str | None, str]:
    """``balanced`` or None, and the reason, from the training class sizes."""
    counts = Counter(labels).values()
    ratio = max(counts) / min(counts)
    if ratio > IMBALANCE_RATIO:
        return "balanced", f"largest/smallest training class = {ratio:.1f} > {IMBALANCE_RATIO}"
    return None, f"largest/smallest training class = {ratio:.1f} <= {IMBALANCE_RATIO}"


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
        settings["vectorizer"] = {
            **KMER_VECTORIZER,
            "ngram_range": list(KMER_VECTORIZER["ngram_range"]),
        }
    return settings


def fit_baseline(
    name: str,
    train_sequences: Sequence[str],
    train_labels: Sequence[str],
    class_names: Sequence[str],
    *,
    seed: int = 0,
) -> tuple[Baseline, Pipeline]:
    """Fit one baseline on training sequences.

    Args:
        name: ``composition`` or ``kmer``.
        train_sequences: Training sequences only, length ``n``.
        train_labels: Their labels, length ``n``, each one of ``class_names``.
        class_names: The run's classes; fixes the order of the probability
            columns (classes without training sequences are left out).
        seed: Random state of the classifier.

    Returns:
        The baseline as plain arrays, and the fitted scikit-learn pipeline.

    Raises:
        BaselineError: If the name is unknown, the lengths differ, a label is
            not a class name or fewer than 2 classes have training sequences.
    """
    classes = _training_classes(train_sequences, train_labels, class_names)
    class_weight, weighting_reason = _class_weighting(train_labels)
    pipeline = baseline_pipeline(name, class_weight=class_weight, seed=seed)
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
) -> Baselines:
    """Fit every baseline (:data:`BASELINE_NAMES`) on the training sequences of a split.

    Pass the training part only: nothing of the test sequences may reach the
    features (the k-mer vocabulary and IDF weights come from these sequences).

    Args:
        train_sequences: Training sequences, length ``n``.
        train_labels: Their labels, length ``n``.
        class_names: The run's classes, in order.
        seed: Random state of the classifiers.

    Returns:
        The fitted baselines by name.

    Raises:
        BaselineError: As :func:`fit_baseline`.
    """
    return {
        name: fit_baseline(name, train_sequences, train_labels, class_names, seed=seed)[0]
        for name in BASELINE_NAMES
    }


# --------------------------------------------------------------------------- scoring and files


def score_baselines(
    baselines: Baselines, test_sequences: Sequence[str], test_labels: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """Score each baseline on the test sequences.

    Macro F1 averages over the classes present in ``test_labels``, as the run
    metrics do. A test class a baseline never saw in training counts as wrong.

    Args:
        baselines: Fitted baselines by name.
        test_sequences: Test sequences, length ``n``.
        test_labels: Their true labels, length ``n``.

    Returns:
        Per baseline name: ``n``, ``accuracy``, ``balanced_accuracy``,
        ``macro_f1``, ``mcc`` and ``predicted`` (predicted label per test
        sequence, length ``n``, for paired comparisons).
    """
    truth = list(test_labels)
    present = sorted(set(truth))
    scores: dict[str, dict[str, Any]] = {}
    for name, baseline in baselines.items():
        predicted = baseline.predict(test_sequences)
        with warnings.catch_warnings():
            # Predicted classes absent from the test labels make scikit-learn warn.
            warnings.simplefilter("ignore")
            scores[name] = {
                "n": len(truth),
                "accuracy": float(accuracy_score(truth, predicted)),
                "balanced_accuracy": float(balanced_accuracy_score(truth, predicted)),
                "macro_f1": float(
                    f1_score(truth, predicted, labels=present, average="macro", zero_division=0)
                ),
                "mcc": float(matthews_corrcoef(truth, predicted)),
                "predicted": predicted,
            }
    return scores


def save_baselines(path: str | Path, baselines: Baselines) -> None:
    """Write baselines as JSON (e.g. ``<run folder>/baselines.json``).

    Args:
        path: The file to write.
        baselines: Fitted baselines by name.
    """
    data = {
        "format": FILE_FORMAT,
        "version": FILE_VERSION,
        "baselines": [baseline.to_json_dict() for baseline in baselines.values()],
    }
    Path(path).write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")


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
    if not isinstance(data, dict) or data.get("format") != FILE_FORMAT:
        raise BaselineError(f"{path} is not a protviz baselines file (format {FILE_FORMAT!r}).")
    if data.get("version") != FILE_VERSION:
        raise BaselineError(
            f"{path} has baselines file version {data.get('version')!r}; this protviz reads "
            f"version {FILE_VERSION}."
        )
    baselines = [Baseline.from_json_dict(item) for item in data.get("baselines", [])]
    return {baseline.name: baseline for baseline in baselines}
