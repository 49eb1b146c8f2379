"""Any bytes at all give a Dataset or a ProteinDataError, never another exception."""

from __future__ import annotations

import gzip

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protviz.core.dataset import Dataset, ProteinDataError
from protviz.io.fasta import read_labeled_fasta

FASTA_ALPHABET = "ACDEFGHIKLMNPQRSTVWYXBZJUOacgtu*-. \t\r\n>|=0123456789\"'<>@+;,é\x00"


def check(data: bytes) -> None:
    try:
        dataset, _ = read_labeled_fasta(data, filename="fuzz.fasta")
    except ProteinDataError:
        return
    assert isinstance(dataset, Dataset)
    assert len(dataset) > 0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes(data):
    check(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=FASTA_ALPHABET, max_size=400))
def test_fasta_like_text(text):
    check(text.encode("utf-8"))
    check(b">" + text.encode("utf-8"))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_gzip_of_random_bytes_and_cut_gzip(data):
    packed = gzip.compress(data)
    check(packed)
    check(packed[: len(packed) // 2])
