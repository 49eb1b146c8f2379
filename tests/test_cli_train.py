"""`python -m protviz train`, `evaluate` and `runs`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from protviz.cli import main
from protviz.core import store
from protviz.io.builtin import motif_position_dataset
from protviz.model import runs
from tests.conftest import ROOT

TINY = ["--embedding-dim", "4", "--units", "4", "--conv-filters", "2", "--conv-widths", "1,3"]


@pytest.fixture(scope="module")
def toy_fasta(tmp_path_factory):
    path = tmp_path_factory.mktemp("fasta") / "toy.fasta"
    path.write_text(motif_position_dataset(n_pairs=30).to_fasta())
    return path


def last_json(text: str) -> dict:
    return json.loads(text.strip().splitlines()[-1])


def test_train_json_contract(toy_fasta, tmp_path, capsys):
    args = ["train", str(toy_fasta), "--label-key", "label", "--arch", "bilstm", *TINY]
    status = main([*args, "--epochs", "1", "--seed", "3", "--home", str(tmp_path), "--json"])
    captured = capsys.readouterr()
    assert status == 0
    result = last_json(captured.out)
    assert result["arch"] == "bilstm"
    assert result["run_dir"] == str(tmp_path / result["run_id"])
    assert {"accuracy", "balanced_accuracy", "macro_f1", "mcc"} <= set(result["metrics"])
    low, high = result["metrics"]["intervals"]["accuracy"]
    assert low <= result["metrics"]["accuracy"] <= high
    assert set(result["baselines"]) == {"composition", "kmer"}
    for baseline in result["baselines"].values():
        assert {"accuracy", "balanced_accuracy", "macro_f1", "mcc"} <= set(baseline)
        assert baseline["n"] == result["split_sizes"]["test"]
        assert set(baseline["intervals"]) == {"accuracy", "balanced_accuracy", "macro_f1", "mcc"}
    assert result["stop_reason"] == "epoch_cap"
    assert result["parent"] is None
    assert result["train_seconds"] > 0
    assert result["sequences_per_second"] > 0
    assert "epoch 1/1" in captured.err
    record = runs.get_run(result["run_id"], tmp_path).record.to_dict()
    assert record["config"]["seed"] == 3
    assert record["config"]["embedding_dim"] == 4
    assert record["config"]["conv_widths"] == [1, 3]


def test_train_a_builtin_then_list_and_evaluate(toy_fasta, tmp_path, capsys):
    home = ["--home", str(tmp_path)]
    args = ["train", "--builtin", "motif", "--arch", "mean", *TINY, "--epochs", "1"]
    assert main([*args, "--name", "toy mean", *home, "--json"]) == 0
    run_id = last_json(capsys.readouterr().out)["run_id"]
    assert main(["runs", *home, "--json"]) == 0
    listed = last_json(capsys.readouterr().out)["runs"]
    assert [(r["run_id"], r["name"]) for r in listed] == [(run_id, "toy mean")]
    assert main(["evaluate", run_id, str(toy_fasta), "--label-key", "label", *home, "--json"]) == 0
    result = last_json(capsys.readouterr().out)
    assert result["metrics"]["scored"] == 60
    assert result["metrics"]["left_out"] == 0
    assert "accuracy" in result["metrics"]["intervals"]
    assert set(result["baselines"]) == {"composition", "kmer"}
    assert result["baselines"]["kmer"]["n"] == 60
    assert main(["evaluate", run_id, str(toy_fasta), "--label-key", "label", *home]) == 0
    assert "kmer baseline on the same sequences: accuracy" in capsys.readouterr().out


def test_continue_trains_a_child_run_on_the_same_data(tmp_path, capsys):
    home = ["--home", str(tmp_path)]
    args = ["train", "--builtin", "motif", "--arch", "mean", *TINY, "--epochs", "1"]
    assert main([*args, *home, "--json"]) == 0
    parent = last_json(capsys.readouterr().out)["run_id"]
    assert main(["train", "--continue", parent, "--epochs", "1", *home, "--json"]) == 0
    child = last_json(capsys.readouterr().out)
    assert child["parent"] == parent
    assert child["epochs_run"] == 2
    assert child["arch"] == "mean"
    assert main(["train", "--continue", parent, "--units", "8", *home]) == 2
    assert "--units" in capsys.readouterr().err


def test_evaluate_says_which_labels_the_run_does_not_know(toy_fasta, tmp_path, capsys):
    args = ["train", str(toy_fasta), "--label-key", "label", "--arch", "mean", *TINY]
    assert main([*args, "--epochs", "1", "--home", str(tmp_path), "--json"]) == 0
    run_id = last_json(capsys.readouterr().out)["run_id"]
    other = tmp_path / "other.fasta"
    other.write_text(
        ">a label=middle\nACDEFGHIK\n>b label=nuclear\nMKKRKV\n>c label=nuclear\nMKR\n"
    )
    args = ["evaluate", run_id, str(other), "--label-key", "label", "--home", str(tmp_path)]
    assert main([*args, "--json"]) == 0
    captured = capsys.readouterr()
    assert "'nuclear' (2)" in captured.err
    assert "not trained on" in captured.err
    assert last_json(captured.out)["metrics"]["unknown_labels"] == {"nuclear": 2}


@pytest.mark.parametrize(
    "args",
    [
        ["train", "--arch", "mean"],
        ["train", "--builtin", "nothing"],
        ["train", "--builtin", "motif", "--epochs", "0"],
        ["train", "--continue", "0123456789abcdef01234567"],
        ["evaluate", "../../etc", "x.fasta"],
        ["evaluate", "0123456789abcdef01234567", "x.fasta"],
    ],
)
def test_bad_input_exits_2_with_a_message(args, tmp_path, capsys):
    assert main([*args, "--home", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_a_killed_training_leaves_no_run_and_the_next_one_saves(tmp_path, capsys):
    command = [sys.executable, "-m", "protviz", "train", "--builtin", "motif", "--epochs", "50"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [*command, "--home", str(tmp_path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        for line in process.stderr:
            if line.startswith("epoch 1/50") or time.monotonic() > deadline:
                break
        assert process.poll() is None, "training ended before it could be killed"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    assert runs.list_runs(tmp_path) == []
    assert all(path.name.startswith(store.TEMP_PREFIX) for path in tmp_path.iterdir())
    args = ["train", "--builtin", "motif", "--arch", "mean", *TINY, "--epochs", "1"]
    assert main([*args, "--home", str(tmp_path), "--json"]) == 0
    run_id = last_json(capsys.readouterr().out)["run_id"]
    assert [run.run_id for run in runs.list_runs(tmp_path)] == [run_id]


def test_the_command_line_imports_tensorflow_only_in_handlers():
    code = (
        "import sys, protviz.cli, protviz.core.records, protviz.model.runs, protviz.model.jobs, "
        "protviz.model.splits, protviz.model.metrics; "
        "protviz.cli.build_parser(); "
        "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_a_metadata_split_and_the_shuffled_control_from_the_command_line(tmp_path, capsys):
    home = ["--home", str(tmp_path)]
    args = ["train", "--builtin", "motif", "--arch", "mean", "--epochs", "1", "--units", "4"]
    assert main([*args, "--split", "metadata", "--split-by", "pair", *home, "--json"]) == 0
    parent = last_json(capsys.readouterr().out)
    assert parent["split"]["kind"] == "metadata" and parent["split"]["column"] == "pair"
    assert parent["split_text"].startswith("metadata split by 'pair'")
    assert main(["train", "--shuffled-control", parent["run_id"], *home, "--json"]) == 0
    control = last_json(capsys.readouterr().out)
    assert control["control_of"] == parent["run_id"]
    assert control["split_sizes"] == parent["split_sizes"]
    assert main(["train", "--shuffled-control", parent["run_id"], "--units", "8", *home]) == 2
    assert "keeps the run's settings" in capsys.readouterr().err
    assert main([*args, "--split", "metadata", "--split-by", "year", *home]) == 2
    assert "no metadata column 'year'" in capsys.readouterr().err
