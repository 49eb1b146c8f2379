"""Time the Data page's upload path on a (large, gzipped) FASTA, step by step.

    python bench/bench_upload.py /tmp/big-50k.fasta.gz [--profile]

Steps as the page runs them: parse and clean (``parse_fasta``), suggest a label rule,
preview it, build the data set (``dataset_from_parsed``: labels, split, content hash),
save it in a temporary store. ``--profile`` prints the 25 costliest functions.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from protviz.io.datastore import save_dataset
from protviz.io.fasta import Limits, dataset_from_parsed, parse_fasta, preview_labels


def upload_steps(data: bytes, name: str, home: str) -> dict[str, float]:
    """Run each step once; seconds per step."""
    times = {}
    limits = Limits(max_upload_bytes=2**31, max_sequences=10**7)
    started = time.perf_counter()
    parsed = parse_fasta(data, filename=name, limits=limits)
    times["parse and clean"] = time.perf_counter() - started
    started = time.perf_counter()
    rule = parsed.suggest_rule()
    preview_labels(parsed, rule)
    times["suggest and preview the rule"] = time.perf_counter() - started
    started = time.perf_counter()
    dataset, _ = dataset_from_parsed(parsed, rule, name=name)
    times["build the data set"] = time.perf_counter() - started
    started = time.perf_counter()
    save_dataset(dataset, home)
    times["save"] = time.perf_counter() - started
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fasta", type=Path)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    data = args.fasta.read_bytes()
    with tempfile.TemporaryDirectory() as home:
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        times = upload_steps(data, args.fasta.name, home)
        if profiler:
            profiler.disable()
    for step, seconds in times.items():
        print(f"{step:32s} {seconds:7.2f} s")
    print(f"{'total':32s} {sum(times.values()):7.2f} s")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    main()
