"""The live time-left estimate, with made-up clocks, and the stages training reports."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from protviz.core.config import ARCHITECTURE_NAMES, TrainingConfig
from protviz.core.dataset import Dataset
from protviz.core.records import RunRecord
from protviz.model.progress import PREPARATION_STEPS, Progress, progress_line
from protviz.model.timing import (
    SHIPPED_SOURCE,
    Speed,
    TimeLeft,
    choose_speed,
    estimate_training_time,
    run_speed,
    shipped_speeds,
    training_residues,
)
from protviz.report.sentences import training_time_sentence
from tests.conftest import ROOT


def run_epoch(
    clock: TimeLeft,
    epoch: int,
    start: float,
    batch_seconds: float,
    validation_seconds: float = 0.0,
    *,
    first_batch_extra: float = 0.0,
) -> float:
    """Feed one epoch of ``clock.batches`` batches starting at ``start``; return its end."""
    clock.epoch_begin(epoch, clock.batches, start)
    now = start + first_batch_extra
    for batch in range(1, clock.batches + 1):
        now += batch_seconds
        clock.batch_end(batch, now)
    if clock.validates:
        clock.validation_begin(now)
        now += validation_seconds
        clock.validation_end(now)
    clock.epoch_end(now)
    return now


def new_clock(epochs: int = 10, batches: int = 10, **options) -> TimeLeft:
    clock = TimeLeft(epochs, 100.0, **options)
    clock.batches = batches
    return clock


def test_estimating_until_the_first_epoch_ends():
    clock = new_clock()
    clock.epoch_begin(1, 10, 100.0)
    for batch in range(1, 10):
        clock.batch_end(batch, 100.0 + batch)
        assert clock.estimate(100.0 + batch).seconds is None


def test_start_up_before_fitting_is_not_counted():
    # Fitting starts at 100 s on the clock; the first epoch begins 500 s later (that
    # wait must not matter), 10 batches of 2 s each.
    clock = new_clock(epochs=5)
    end = run_epoch(clock, 1, 600.0, 2.0)
    assert clock.estimate(end).seconds == pytest.approx(4 * 10 * 2.0)


def test_the_first_epochs_graph_building_is_left_out_once_a_later_epoch_is_measured():
    clock = new_clock(epochs=10)
    end = run_epoch(clock, 1, 100.0, 1.0, first_batch_extra=30.0)  # tracing: +30 s
    first = clock.estimate(end).seconds
    assert first == pytest.approx(9 * 40.0)  # 4 s a batch: an over-estimate, until epoch 2
    end = run_epoch(clock, 2, end, 1.0)
    assert clock.batch_seconds() == pytest.approx(1.0)
    assert clock.estimate(end).seconds == pytest.approx(8 * 10 * 1.0)


def test_an_epoch_in_progress_gives_the_rate_after_a_quarter_of_it():
    clock = new_clock(epochs=3)
    end = run_epoch(clock, 1, 100.0, 1.0, first_batch_extra=40.0)  # 5 s per batch, on average
    clock.epoch_begin(2, 10, end)
    clock.batch_end(1, end + 1.0)
    assert clock.batch_seconds() == pytest.approx(5.0)  # one batch is not enough
    clock.batch_end(2, end + 2.0)
    clock.batch_end(3, end + 3.0)
    assert clock.batch_seconds() == pytest.approx(1.0)
    assert clock.estimate(end + 3.0).seconds == pytest.approx(7 * 1.0 + 10 * 1.0)


def test_validation_passes_are_counted():
    clock = new_clock(epochs=4, validates=True)
    end = run_epoch(clock, 1, 100.0, 1.0, validation_seconds=6.0)
    assert clock.estimate(end).seconds == pytest.approx(3 * (10 * 1.0 + 6.0))
    clock.epoch_begin(2, 10, end)
    clock.batch_end(5, end + 5.0)
    assert clock.estimate(end + 5.0).seconds == pytest.approx(5 + 6 + 2 * 16)
    clock.batch_end(10, end + 10.0)
    clock.validation_begin(end + 10.0)  # this epoch's validation is under way: not added again
    assert clock.estimate(end + 10.0).seconds == pytest.approx(2 * 16)


def test_early_stopping_makes_it_an_upper_bound():
    clock = new_clock(epochs=4, validates=True, early_stopping=True)
    end = run_epoch(clock, 1, 100.0, 1.0, validation_seconds=1.0)
    assert clock.estimate(end).kind == "upper_bound"
    for epoch in (2, 3, 4):
        end = run_epoch(clock, epoch, end, 1.0, validation_seconds=1.0)
    assert clock.estimate(end).seconds == 0.0
    assert clock.estimate(end).kind == ""  # nothing is left to stop early


def test_the_time_cap_follows_its_rule_and_bounds_the_estimate():
    # 10 s epochs, a 45 s cap: after the epoch ending at 10 s, epochs end at 20, 30 and 40 s;
    # the one that would end at 50 s is not started (40 + 10 > 45).
    clock = new_clock(epochs=100, time_budget_seconds=45.0)
    end = run_epoch(clock, 1, 100.0, 1.0)
    estimate = clock.estimate(end)
    assert estimate.kind == "time_cap"
    assert estimate.seconds == pytest.approx(30.0)
    assert estimate.seconds <= 45.0 - (end - 100.0)


def test_the_estimate_never_exceeds_the_time_left_under_the_cap():
    clock = new_clock(epochs=100, time_budget_seconds=35.0)
    end = run_epoch(clock, 1, 100.0, 2.0)  # a 20 s epoch, ending 20 s after the start
    clock.epoch_begin(2, 10, end)
    clock.batch_end(3, end + 6.0)  # 14 s of this epoch are left, past the cap at 35 s
    estimate = clock.estimate(end + 6.0)
    assert estimate.seconds == pytest.approx(35.0 - 26.0)
    assert estimate.kind == "time_cap"


def test_an_epoch_cap_before_the_time_cap_is_a_plain_estimate():
    clock = new_clock(epochs=3, time_budget_seconds=3600.0)
    end = run_epoch(clock, 1, 100.0, 1.0)
    assert clock.estimate(end).seconds == pytest.approx(20.0)
    assert clock.estimate(end).kind == ""


def test_a_continued_run_counts_only_its_own_epochs():
    clock = new_clock(epochs=12, first_epoch=10)
    end = run_epoch(clock, 11, 100.0, 1.0)
    assert clock.estimate(end).seconds == pytest.approx(10.0)


# --------------------------------------------------------------------------- progress


def test_progress_reads_the_json_of_earlier_versions():
    old = {
        "phase": "train", "epoch": 2, "epochs": 5, "batch": 3, "batches": 10, "loss": 0.5,
        "metrics": {"accuracy": 0.7}, "elapsed_seconds": 12.0, "eta_seconds": 40.0,
        "history": [{"epoch": 1, "loss": 0.6}],
    }  # fmt: skip
    progress = Progress.from_dict(json.loads(json.dumps(old)))
    assert (progress.step, progress.eta_kind) == ("", "")
    assert progress.history == ({"epoch": 1, "loss": 0.6},)
    with pytest.raises(KeyError):
        Progress.from_dict({k: v for k, v in old.items() if k != "epoch"})


def test_a_preparation_step_round_trips_and_reads_as_a_line():
    progress = Progress.between_batches("prepare", PREPARATION_STEPS[3], 4.0)
    again = Progress.from_dict(json.loads(json.dumps(progress.to_dict())))
    assert again == progress
    assert again.fraction == 0.0
    assert progress_line(again) == f"preparing: {PREPARATION_STEPS[3]}"


def test_an_upper_bound_reads_as_at_most():
    progress = Progress(
        phase="train", epoch=2, epochs=5, batch=3, batches=10, loss=0.5, metrics={},
        elapsed_seconds=12.0, eta_seconds=90.0, eta_kind="upper_bound",
    )  # fmt: skip
    assert "ETA at most 1m30s" in progress_line(progress)


# --------------------------------------------------------------------------- before training


def speed(arch="bilstm", rate=1000.0, parameters=10_000, source="run 'a'") -> Speed:
    return Speed(arch, rate, parameters, "CPU (2 cores, x86_64)", source)


def test_a_saved_run_of_the_same_architecture_is_scaled_by_residues_and_parameters():
    config = TrainingConfig(arch="bilstm", epochs=10, time_budget_seconds=None)
    estimate = estimate_training_time(config, 20_000, 50_000, [speed(), speed(arch="lstm")])
    assert estimate.speed == speed()
    assert estimate.epoch_seconds == pytest.approx(50_000 / 1000.0 * 2)
    assert (estimate.epochs, estimate.seconds, estimate.capped_by_time) == (10, 1000.0, False)


def test_the_mean_model_is_not_scaled_by_its_parameters():
    config = TrainingConfig(arch="mean", epochs=2, time_budget_seconds=None)
    estimate = estimate_training_time(config, 5_000, 10_000, [speed("mean", 500.0, 600)])
    assert estimate.epoch_seconds == pytest.approx(20.0)


def test_the_time_cap_bounds_the_estimate():
    config = TrainingConfig(arch="bilstm", epochs=100, time_budget_seconds=600.0)
    estimate = estimate_training_time(config, 10_000, 70_000, [speed()])  # 70 s per epoch
    assert estimate.capped_by_time
    assert estimate.epochs == 8  # the cap's rule: the 9th would end after 600 s
    assert estimate.seconds == pytest.approx(560.0)
    slow = estimate_training_time(config, 10_000, 7_000_000, [speed()])  # one 7000 s epoch
    assert slow.seconds == 600.0


def test_the_closest_saved_run_is_preferred_to_the_shipped_measurement():
    near = speed(parameters=30_000, source="run 'near'")
    far = speed(parameters=1_000, source="run 'far'")
    shipped = speed(parameters=20_000, source=SHIPPED_SOURCE)
    assert choose_speed("bilstm", 20_000, [far, shipped, near]) == near
    assert choose_speed("bilstm", 20_000, [shipped]) == shipped
    assert choose_speed("conv_attention", 20_000, [near]) is None


def test_runs_saved_before_residues_were_timed_give_no_speed():
    record = RunRecord.from_dict(
        json.loads((ROOT / "models/demo-motif-mean/run.json").read_text("utf-8"))
    )
    assert run_speed("demo", record) is None
    timed = replace(record, timings=replace(record.timings, residues_per_second=900.0))
    assert run_speed("demo", timed) == Speed(
        "mean", 900.0, record.parameters, record.device, "run 'demo'"
    )


def test_training_residues_are_the_truncated_training_split():
    dataset = Dataset.create(
        "d", [f"s{i}" for i in range(4)], ["A" * 10, "C" * 30, "D" * 5, "E" * 50],
        ["x", "x", "y", "y"], split=["train", "train", "valid", "test"],
    )  # fmt: skip
    config = TrainingConfig(max_length=20, use_dataset_split=True)
    assert training_residues(dataset, config) == 10 + 20


def test_the_shipped_measurements_cover_every_architecture():
    assert {speed.arch for speed in shipped_speeds()} == set(ARCHITECTURE_NAMES)
    assert all(s.residues_per_second > 0 and s.parameters > 0 for s in shipped_speeds())


def test_the_sentence_says_what_it_is_based_on_and_that_early_stopping_ends_sooner():
    config = TrainingConfig(arch="bilstm", epochs=100, time_budget_seconds=600.0)
    estimate = estimate_training_time(config, 10_000, 70_000, [speed()])
    text = training_time_sentence(estimate, config)
    assert "about 70 s per epoch, at most 9 min for 8 epochs" in text
    assert "the time cap of 10 minutes allows about 8 epochs" in text
    assert "Early stopping usually ends training sooner" in text
    assert "Based on run 'a' (bilstm, 10,000 parameters, 1,000 residues/s" in text
    assert "No estimate" in training_time_sentence(None, config)
