"""A stand-in for ``python -m protviz job run``: the real worker with a fake trainer.

Run as ``python -m tests.fake_worker <job folder>``. The trainer reports two progress
snapshots, then waits until the file ``release`` appears in the job folder (honouring
cancel meanwhile); a ``fail`` file makes it raise a ``ProtvizError`` with its text. It
loads no TensorFlow, so scheduler tests start workers in about a second.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from protviz.core.errors import ProtvizError
from protviz.model.progress import Progress, TrainingCancelled
from protviz.model.worker import run_job

RELEASE_FILE = "release"
FAIL_FILE = "fail"


def snapshot(epoch: int, history: tuple[dict[str, float], ...] = ()) -> Progress:
    """A training progress snapshot of a two-epoch run with one batch per epoch."""
    return Progress(
        phase="train", epoch=epoch, epochs=2, batch=1, batches=1, loss=0.5,
        metrics={"accuracy": 0.75}, elapsed_seconds=0.1, eta_seconds=1.0, history=history,
    )  # fmt: skip


def fake_trainer(folder: Path):
    """A trainer for the job in ``folder`` (see the module's docstring)."""

    def train(dataset, config, *, progress, cancel, name, home, run_id):
        progress(snapshot(1))
        progress(snapshot(2, ({"epoch": 1, "loss": 0.5, "val_loss": 0.6},)))
        while not (folder / RELEASE_FILE).exists():
            if cancel.is_set():
                raise TrainingCancelled("cancelled")
            time.sleep(0.02)
        if (folder / FAIL_FILE).exists():
            raise ProtvizError((folder / FAIL_FILE).read_text())
        return None

    return train


if __name__ == "__main__":
    job_folder = Path(sys.argv[1])
    run_job(job_folder, fake_trainer(job_folder), log=sys.stderr)
