"""Training speed: protviz's length-bucketed batches vs padding to the longest protein.

The baseline is the plain Keras recipe users write first: tokenise every
residue, pad every sequence to the longest one in the data set
(``keras.utils.pad_sequences``), and call ``model.fit`` on the NumPy arrays.
protviz feeds the same model the same residues (no truncation on either side)
in length-bucketed batches padded per batch (:mod:`protviz.model.encoding`).

Both sides use the same architecture, hyper-parameters, batch size, masking
and compile settings. protviz is timed on one full epoch over the whole data
set. Every padded-to-longest batch has the same shape and so the same cost,
so the baseline is timed on ``--naive-batches`` batches after one warm-up
batch, and its sequences per second is batch_size * batches / seconds.

Usage::

    python bench/bench_speed.py --output bench/results/speed.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

from protviz.io.fasta import read_labeled_fasta
from protviz.model.architectures import build_model
from protviz.model.batches import training_dataset
from protviz.model.encoding import bucket_batches, encode_all, padding_fraction
from protviz.model.training import compile_model, device_name, library_versions

ROOT = Path(__file__).resolve().parent.parent
MULTILOC = ROOT.parent / "shared" / "datasets" / "multiloc_hoglund2006_5959.fasta"


def build(arch: str, num_classes: int, args: argparse.Namespace):
    """The model both sides train: same architecture, sizes and seed."""
    import keras

    keras.utils.set_random_seed(args.seed)
    model = build_model(
        arch,
        num_classes,
        embedding_dim=args.embedding_dim,
        units=args.units,
        dropout=args.dropout,
        conv_filters=args.conv_filters,
    )
    compile_model(model, args.learning_rate)
    return model


def time_protviz(arch, tokens, label_ids, num_classes, args) -> dict:
    """One full epoch over all sequences with bucketed, per-batch-padded batches."""
    model = build(arch, num_classes, args)
    warmup = training_dataset(tokens[:64], label_ids[:64], batch_size=args.batch_size)
    model.fit(warmup, epochs=1, verbose=0, shuffle=False)
    data = training_dataset(tokens, label_ids, batch_size=args.batch_size, seed=args.seed)
    started = time.perf_counter()
    model.fit(data, epochs=1, verbose=0, shuffle=False)
    seconds = time.perf_counter() - started
    return {
        "sequences": len(tokens),
        "seconds": round(seconds, 2),
        "sequences_per_second": round(len(tokens) / seconds, 2),
    }


def time_naive(arch, tokens, label_ids, num_classes, args) -> dict:
    """Pad everything to the longest protein; time ``--naive-batches`` batches.

    One ``model.fit`` call runs a warm-up batch (tracing, first-call costs)
    and then ``--naive-batches`` batches; the clock runs from the end of the
    warm-up batch to the end of the last batch.
    """
    import keras

    padded = keras.utils.pad_sequences(tokens, padding="post", value=0, dtype="int32")
    order = np.random.default_rng(args.seed).permutation(len(tokens))
    model = build(arch, num_classes, args)
    size = args.batch_size
    chosen = order[: size * (1 + args.naive_batches)]
    batch_ends: list[float] = []
    timer = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: batch_ends.append(time.perf_counter())
    )
    model.fit(
        padded[chosen],
        label_ids[chosen],
        batch_size=size,
        epochs=1,
        shuffle=False,
        verbose=0,
        callbacks=[timer],
    )
    seconds = batch_ends[-1] - batch_ends[0]
    count = size * args.naive_batches
    return {
        "sequences": count,
        "padded_length": int(padded.shape[1]),
        "seconds": round(seconds, 2),
        "sequences_per_second": round(count / seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fasta", type=Path, default=MULTILOC, help="labeled FASTA (MultiLoc)")
    parser.add_argument("--archs", default="bilstm,conv_attention", help="comma-separated")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--naive-batches", type=int, default=10)
    parser.add_argument("--embedding-dim", type=int, default=10)
    parser.add_argument("--units", type=int, default=64)
    parser.add_argument("--conv-filters", type=int, default=20)
    parser.add_argument("--dropout", type=float, default=0.2)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path, help="write the results as JSON here")
    args = parser.parse_args()

    dataset, _ = read_labeled_fasta(args.fasta)
    classes = dataset.classes
    label_ids = np.array([classes.index(label) for label in dataset.labels], dtype=np.int32)
    tokens = encode_all(dataset.sequences)
    lengths = dataset.lengths
    plan = bucket_batches(lengths, args.batch_size, shuffle=True, seed=args.seed)
    results: dict = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "data": {"file": args.fasta.name, "sequences": len(dataset), "classes": len(classes)},
        "padding_wasted": {
            "pad_to_longest": round(1 - lengths.sum() / (len(lengths) * lengths.max()), 3),
            "bucketed": round(padding_fraction(lengths, plan), 3),
        },
        "settings": {k: v for k, v in vars(args).items() if k not in ("fasta", "output")},
        "device": device_name(),
        "cpu_count": os.cpu_count(),
        "machine": platform.platform(),
        "versions": library_versions(),
        "architectures": {},
    }
    for arch in args.archs.split(","):
        naive = time_naive(arch, tokens, label_ids, len(classes), args)
        print(json.dumps({arch: {"naive": naive}}), flush=True)
        bucketed = time_protviz(arch, tokens, label_ids, len(classes), args)
        ratio = bucketed["sequences_per_second"] / naive["sequences_per_second"]
        results["architectures"][arch] = {
            "naive_pad_to_longest": naive,
            "protviz_bucketed": bucketed,
            "speedup": round(ratio, 2),
        }
        print(json.dumps({arch: results["architectures"][arch]}), flush=True)
    text = json.dumps(results, indent=2)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
