"""Turn sequences into token ids and length-bucketed, per-batch-padded batches.

Token id 0 is padding; ids 1..21 are the letters of
:data:`protviz.core.alphabet.PROTEIN_ALPHABET` in order (20 standard amino acids,
then ``X``). Very long proteins are truncated by keeping their N- and
C-terminal halves (where most sorting signals sit), or only the N-terminus.

Batches group proteins of similar length (length buckets) and are padded to
the longest protein *in the batch*, not in the data set: on MultiLoc, padding
to the longest protein wastes 91% of the work. This module plans such batches
(:func:`bucket_batches`, :func:`pad_batch`); :mod:`protviz.model.batches` turns
the plans into ``tf.data`` pipelines. This module does not import TensorFlow,
so tokens, truncation and batching plans are usable from pages that must open fast.

Typical use::

    tokens = encode_all(dataset.sequences, max_length=1000)
    batch = pad_batch(tokens[:8])  # (8, longest of the eight) int32
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from protviz.core.alphabet import PROTEIN_ALPHABET
from protviz.core.errors import ProtvizError
from protviz.core.truncation import Truncation, truncation_problem

PAD_ID = 0
"""Token id of padding (masked by the models)."""

TOKEN_IDS: dict[str, int] = {letter: index + 1 for index, letter in enumerate(PROTEIN_ALPHABET)}
"""Token id of every alphabet letter (1-based; 0 is padding)."""

VOCAB_SIZE = len(PROTEIN_ALPHABET) + 1
"""Number of token ids including padding (22)."""

DEFAULT_BATCHES_PER_BUCKET = 4
"""Batches per length bucket: larger buckets shuffle more, smaller ones pad less."""

_LOOKUP = np.zeros(256, dtype=np.int32)
for _letter, _token in TOKEN_IDS.items():
    _LOOKUP[ord(_letter)] = _token


class EncodingError(ProtvizError):
    """A sequence or encoding option that cannot be encoded, with the fix in words."""


def truncate(sequence: str, max_length: int | None, policy: Truncation = "ends") -> str:
    """Shorten a sequence to at most ``max_length`` residues.

    Args:
        sequence: A cleaned protein sequence.
        max_length: Most residues to keep; None keeps everything.
        policy: ``ends`` keeps the first ``ceil(max_length / 2)`` and the last
            ``floor(max_length / 2)`` residues; ``start`` keeps the first
            ``max_length`` residues.

    Returns:
        The sequence itself when short enough, else the truncated sequence.

    Raises:
        EncodingError: If ``max_length`` is below 1 or ``policy`` is unknown.
    """
    check_truncation(max_length, policy)
    if max_length is None or len(sequence) <= max_length:
        return sequence
    if policy == "start":
        return sequence[:max_length]
    head = (max_length + 1) // 2
    tail = max_length - head
    return sequence[:head] + (sequence[-tail:] if tail else "")


def check_truncation(max_length: int | None, policy: str) -> None:
    """Validate truncation options.

    Args:
        max_length: Most residues to keep, or None.
        policy: A name in :data:`protviz.core.truncation.TRUNCATION_POLICIES`.

    Raises:
        EncodingError: If either is invalid.
    """
    problem = truncation_problem(max_length, policy)
    if problem is not None:
        raise EncodingError(problem)


def encode(sequence: str, max_length: int | None = None, policy: Truncation = "ends") -> np.ndarray:
    """Encode one sequence as token ids, truncating it first.

    Args:
        sequence: A cleaned protein sequence over ``PROTEIN_ALPHABET``.
        max_length: Most residues to keep (see :func:`truncate`); None keeps all.
        policy: Truncation policy.

    Returns:
        Token ids, shape ``(min(len(sequence), max_length),)``, dtype int32.

    Raises:
        EncodingError: If the sequence is empty or holds a letter outside the alphabet.
    """
    sequence = truncate(sequence, max_length, policy)
    if not sequence:
        raise EncodingError("Cannot encode an empty sequence; remove it from the data set.")
    raw = np.frombuffer(sequence.encode("ascii", errors="replace"), dtype=np.uint8)
    tokens = _LOOKUP[raw]
    if not tokens.all():
        bad = sorted({sequence[i] for i in np.flatnonzero(tokens == 0)})
        raise EncodingError(
            f"Sequence {sequence[:20]!r}... holds letters outside the protein alphabet: "
            f"{', '.join(bad)}. Read it with protviz.io.fasta.read_labeled_fasta, which cleans "
            "sequences, or map such letters to X."
        )
    return tokens


def encode_all(
    sequences: Sequence[str], max_length: int | None = None, policy: Truncation = "ends"
) -> list[np.ndarray]:
    """Encode many sequences (see :func:`encode`).

    Args:
        sequences: Cleaned protein sequences.
        max_length: Most residues per sequence; None keeps all.
        policy: Truncation policy.

    Returns:
        One int32 array of token ids per sequence, each of shape ``(length,)``.
    """
    check_truncation(max_length, policy)
    return [encode(sequence, max_length, policy) for sequence in sequences]


def pad_batch(tokens: Sequence[np.ndarray]) -> np.ndarray:
    """Right-pad token arrays with :data:`PAD_ID` to the longest one among them.

    Args:
        tokens: Token arrays, each of shape ``(length_i,)``.

    Returns:
        Int32 array of shape ``(len(tokens), max(length_i))``.
    """
    longest = max(len(t) for t in tokens)
    batch = np.full((len(tokens), longest), PAD_ID, dtype=np.int32)
    for row, token_ids in enumerate(tokens):
        batch[row, : len(token_ids)] = token_ids
    return batch


def bucket_batches(
    lengths: Sequence[int] | np.ndarray,
    batch_size: int,
    *,
    shuffle: bool = False,
    seed: int | Sequence[int] = 0,
    batches_per_bucket: int = DEFAULT_BATCHES_PER_BUCKET,
) -> list[np.ndarray]:
    """Plan batches of similar-length sequences.

    Sequences are sorted by length and cut into buckets of
    ``batch_size * batches_per_bucket`` consecutive sequences. Without
    shuffling, batches are consecutive runs of the length order (least
    padding; used for inference). With shuffling, each bucket's members are
    shuffled before being cut into batches, and the batches are then shuffled,
    so every epoch sees different batches in a different order while each
    batch still spans a narrow range of lengths.

    Args:
        lengths: Length of each sequence, shape ``(n,)``.
        batch_size: Most sequences per batch.
        shuffle: Whether to shuffle within buckets and the batch order.
        seed: Seed (or seed sequence, e.g. ``[seed, epoch]``) for shuffling.
        batches_per_bucket: Bucket size in batches.

    Returns:
        A list of index arrays into ``lengths``; every index appears exactly once.

    Raises:
        EncodingError: If ``batch_size`` or ``batches_per_bucket`` is below 1.
    """
    if batch_size < 1 or batches_per_bucket < 1:
        raise EncodingError(
            f"batch_size and batches_per_bucket must be at least 1; got {batch_size} and "
            f"{batches_per_bucket}."
        )
    lengths = np.asarray(lengths)
    order = np.argsort(lengths, kind="stable")
    if not shuffle:
        return [order[start : start + batch_size] for start in range(0, len(order), batch_size)]
    rng = np.random.default_rng(seed)
    bucket_size = batch_size * batches_per_bucket
    batches: list[np.ndarray] = []
    for start in range(0, len(order), bucket_size):
        bucket = rng.permutation(order[start : start + bucket_size])
        batches.extend(bucket[i : i + batch_size] for i in range(0, len(bucket), batch_size))
    return [batches[i] for i in rng.permutation(len(batches))]


def padding_fraction(lengths: Sequence[int] | np.ndarray, batches: Sequence[np.ndarray]) -> float:
    """Fraction of the padded positions in a batching plan that are padding.

    Args:
        lengths: Length of each sequence, shape ``(n,)``.
        batches: Index arrays, as from :func:`bucket_batches`.

    Returns:
        Padding positions divided by all positions, between 0 and 1.
    """
    lengths = np.asarray(lengths)
    padded = sum(int(lengths[b].max()) * len(b) for b in batches)
    return 1.0 - float(lengths.sum()) / padded if padded else 0.0
