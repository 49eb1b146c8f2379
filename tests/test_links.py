"""Share-link parameters, their parsing, and the read-only switch."""

from __future__ import annotations

import pytest

from protviz.app import links
from tests.conftest import ROOT


def test_share_url_orders_and_formats_values():
    url = links.share_url(
        "http://localhost:8501/explore?old=1#top",
        {"seq": "sp|P1|A B", "method": "umap", "run": "r1", "perplexity": 30.0, "side": True},
    )
    assert url == (
        "http://localhost:8501/explore?run=r1&method=umap&perplexity=30&side=true&seq=sp%7CP1%7CA+B"
    )


def test_share_url_leaves_out_empty_values_and_refuses_unknown_ones():
    assert (
        links.share_url("http://h/data", {"dataset": None, "q": "", "runs": []}) == "http://h/data"
    )
    assert (
        links.share_url("http://h/compare", {"runs": ["a", "b"]}) == "http://h/compare?runs=a%2Cb"
    )
    with pytest.raises(ValueError, match="nope"):
        links.share_url("http://h/", {"nope": 1})


@pytest.mark.parametrize(
    ("text", "default", "expected"),
    [
        ("true", False, True),
        ("0", True, False),
        ("3", 2, 3),
        ("0.25", 0.1, 0.25),
        ("x y", "", "x y"),
    ],
)
def test_parse_parameter_reads_the_default_type(text, default, expected):
    value = links.parse_parameter("p", text, default)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(
    ("text", "default", "options", "message"),
    [
        ("maybe", False, {}, "not a valid bool"),
        ("3.5", 2, {}, "not a valid int"),
        ("nan", 0.1, {}, "not a valid float"),
        ("tsne2", "pca", {"choices": ("pca", "tsne")}, "not one of: pca, tsne"),
        ("500", 30, {"bounds": (2, 100)}, "outside 2 to 100"),
    ],
)
def test_parse_parameter_refuses_bad_values_with_a_message(text, default, options, message):
    with pytest.raises(ValueError, match=message):
        links.parse_parameter("p", text, default, **options)


def test_format_then_parse_round_trips():
    for value in (True, False, 7, 0.05, "label"):
        assert links.parse_parameter("p", links.format_parameter(value), value) == value


def test_split_names_reads_a_list_of_names_that_may_hold_commas():
    names = ["Cell membrane", "Golgi, trans", "Golgi", "Nucleus"]
    assert links.split_names("Nucleus,Golgi, trans", names) == (["Golgi, trans", "Nucleus"], [])
    assert links.split_names("Golgi,Nucleus", names) == (["Golgi", "Nucleus"], [])
    assert links.split_names("Nucleus,Plastid,,", names) == (["Nucleus"], ["Plastid"])
    assert links.split_names("", names) == ([], [])


def test_read_only_from_environment_or_secret(monkeypatch):
    monkeypatch.delenv(links.READ_ONLY_ENV, raising=False)
    assert not links.read_only()
    assert links.read_only({"read_only": True})
    assert links.read_only({"read_only": "yes"})
    assert not links.read_only({"read_only": False})
    monkeypatch.setenv(links.READ_ONLY_ENV, "1")
    assert links.read_only()
    monkeypatch.setenv(links.READ_ONLY_ENV, "off")
    assert not links.read_only({"read_only": True})  # the environment decides when set


def test_readme_documents_every_parameter():
    assert links.parameter_table() in (ROOT / "README.md").read_text(encoding="utf-8")
