"""The pure logic behind the app's forms: the label rule (Data), the training settings
(Train, Compare) and the Explore view's neighbours and colourings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from protviz.analysis.explore_view import (
    Neighbours,
    color_choices,
    find_neighbours,
    neighbour_table,
)
from protviz.core.config import ARCHITECTURE_NAMES, TrainingConfig, TrainingConfigError
from protviz.io.fasta import parse_fasta
from protviz.io.labels import LabelRule
from protviz.io.rule_builder import NO_SPLIT, header_rule, rule_choices, split_choice_label
from protviz.model.config_form import (
    DEFAULTS,
    default_value,
    every_architecture,
    form_config,
    parse_widths,
)
from tests.conftest import data_file


def test_rule_choices_default_to_the_detected_tag():
    choices = rule_choices(parse_fasta(data_file("tags.fasta").read_bytes()), has_table=False)
    assert choices.tags == ["host", "year"]
    assert choices.kinds == ["field", "key", "regex"]
    assert (choices.default_kind, choices.default_tag) == ("key", "host")
    assert choices.splits[choices.default_split] == NO_SPLIT


def test_rule_choices_offer_the_table_first_when_one_is_uploaded():
    choices = rule_choices(parse_fasta(data_file("good.fasta").read_bytes()), has_table=True)
    assert choices.kinds[-1] == choices.default_kind == "table"
    assert ("field", 1) in choices.splits


def test_header_rule_keeps_only_the_values_of_its_kind():
    rule = header_rule("key", ("field", 0), field=3, key="host", pattern="x")
    assert rule == LabelRule(kind="key", key="host", split_field=0)
    assert split_choice_label(("key", "set")) == "tag set="
    assert split_choice_label(NO_SPLIT) == "no predefined split"


def test_form_config_converts_widget_values_and_keeps_defaults():
    config = form_config(arch="lstm", epochs=3.0, max_length=0, dropout=0.25)
    assert config == TrainingConfig(arch="lstm", epochs=3, max_length=None, dropout=0.25)
    assert default_value("conv_widths") == "1, 3, 5, 9, 15, 21"
    assert default_value("max_length") == DEFAULTS.max_length


def test_parse_widths_refuses_words():
    assert parse_widths("1, 3 5") == (1, 3, 5)
    with pytest.raises(TrainingConfigError, match="whole numbers"):
        parse_widths("1, three")


def test_every_architecture_shares_the_settings():
    configs = every_architecture(epochs=2, seed=7)
    assert tuple(configs) == ARCHITECTURE_NAMES
    assert {(c.epochs, c.seed) for c in configs.values()} == {(2, 7)}


def test_neighbours_of_a_chosen_sequence_and_of_none():
    points = pd.DataFrame(
        {"id": ["a", "b", "c"], "label": ["x", "y", "x"], "predicted": ["x"] * 3}
    ).assign(confidence=1.0, length=5, extra="m")
    vectors = np.array([[0.0, 0.0], [1.0, 0.0], [5.0, 0.0]])
    neighbours = find_neighbours(points, vectors, "a", k=5, metric="euclidean")
    table = neighbour_table(points, neighbours)
    assert table["id"].tolist() == ["b", "c"]
    assert table["euclidean distance"].tolist() == [1.0, 5.0]
    assert find_neighbours(points, vectors, "zzz", 2, "cosine").anchor is None
    assert "extra" in color_choices(points) and "id" not in color_choices(points)


def test_neighbours_among_the_points_kept():
    neighbours = Neighbours(
        anchor=4, metric="cosine", rows=np.array([0, 2, 5]), distances=np.array([0.1, 0.2, 0.3])
    )
    kept = np.array([True, False, False, True, True, True])  # positions 0, 3, 4, 5 kept
    within = neighbours.within(kept)
    assert within.anchor == 2 and within.metric == "cosine"
    assert within.rows.tolist() == [0, 3] and within.distances.tolist() == [0.1, 0.3]
    hidden_anchor = neighbours.within(np.array([True, True, True, True, False, True]))
    assert hidden_anchor.anchor is None and hidden_anchor.rows.tolist() == [0, 2, 4]
    assert Neighbours(anchor=None, metric="cosine").within(kept).rows.tolist() == []
