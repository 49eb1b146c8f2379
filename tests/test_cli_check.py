"""`python -m protviz check`."""

from __future__ import annotations

import json
import subprocess
import sys

from protviz.cli import main
from protviz.core.errors import ProtvizError
from tests.conftest import ROOT, data_file


def test_check_prints_a_summary(capsys):
    assert main(["check", str(data_file("good.fasta"))]) == 0
    out = capsys.readouterr().out
    assert "9 sequences, 3 classes" in out
    assert "cytoplasmic" in out


def test_check_json_is_one_object_on_the_last_line(capsys):
    assert main(["check", str(data_file("split.fasta")), "--json"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["sequences"] == 12
    assert result["classes"] == {"a": 6, "b": 6}
    assert result["split"] == {"test": 3, "train": 6, "valid": 3}
    assert result["usable"] is True


def test_check_with_explicit_rules(capsys):
    assert main(["check", str(data_file("tags.fasta")), "--label-key", "host", "--json"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["classes"] == {"human": 2, "house mouse": 1, "mouse": 1}
    args = ["check", str(data_file("uniprot.fasta")), "--label-regex", r"OS=(\w+)", "--json"]
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["classes"] == {"Homo": 1, "Mus": 1}


def test_check_with_a_label_table(capsys):
    args = ["check", str(data_file("ids_only.fasta")), "--labels", str(data_file("labels.csv"))]
    assert main([*args, "--json"]) == 0
    result = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert result["metadata_columns"] == ["organism"]
    assert result["split"] == {"test": 1, "train": 2, "valid": 1}


def test_check_bad_data_exits_2_with_the_message_on_stderr(capsys):
    assert main(["check", str(data_file("nucleotide.fasta"))]) == 2
    captured = capsys.readouterr()
    assert "nucleotide FASTA" in captured.err
    assert captured.out == ""


def test_check_single_class_exits_2(capsys):
    assert main(["check", str(data_file("one_class.fasta"))]) == 2
    assert "at least 2 classes" in capsys.readouterr().err


def test_module_entry_point_runs():
    result = subprocess.run(
        [sys.executable, "-m", "protviz", "check", str(data_file("html.fasta"))],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 2
    assert "HTML" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_and_runs_import_no_tensorflow():
    code = (
        "import sys; from protviz.cli import main; "
        f"main(['check', {str(data_file('good.fasta'))!r}]); main(['runs']); "
        "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_every_protviz_error_exits_2(monkeypatch, capsys):
    class SomeNewError(ProtvizError):
        pass

    def refuse(args):
        raise SomeNewError("no such thing")

    monkeypatch.setattr("protviz.cli.check.run", refuse)
    assert main(["check", str(data_file("good.fasta"))]) == 2
    assert capsys.readouterr().err == "error: no such thing\n"
