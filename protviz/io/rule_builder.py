"""The label-rule form of an upload: what it offers, its defaults, and the rule it makes.

Pure logic behind the Data page's rule widgets (no Streamlit): for a parsed FASTA,
:func:`rule_choices` lists the rule kinds, header tags and split sources to offer, with
defaults taken from the rule detected in the headers; :func:`header_rule` turns the
chosen values into a :class:`~protviz.io.labels.LabelRule`.
"""

from __future__ import annotations

from dataclasses import dataclass

from protviz.io.fasta import ParsedFasta
from protviz.io.labels import LabelRule, header_tags

SplitChoice = tuple[str, int | str | None]
"""Where the split comes from: ``("none", None)``, ``("field", index)`` or ``("key", tag)``."""

NO_SPLIT: SplitChoice = ("none", None)

RULE_KINDS = {
    "field": "ID field",
    "key": "key=value tag",
    "regex": "Regular expression",
    "table": "Label table",
}
"""Rule kind -> its name in the form."""

DEFAULT_PATTERN = r"\|([^|\s]+)$"
"""The regular expression offered first: the last ``|``-separated ID field."""

TAG_SAMPLE = 500
"""Headers read to list the ``key=value`` tags on offer."""

FIELD_SAMPLE = 200
"""IDs read to count the ``|``-separated fields on offer as split sources."""


@dataclass(frozen=True)
class RuleChoices:
    """What the rule form offers for one upload, and its defaults.

    Attributes:
        detected: The rule detected in the headers, or None.
        kinds: The rule kinds on offer (``table`` only with a label table).
        default_kind: The kind chosen first.
        tags: The ``key=value`` tag names found in the headers, sorted.
        default_field: The ID field chosen first (``field`` rules).
        default_tag: The tag chosen first (``key`` rules).
        splits: The split sources on offer.
        default_split: The position in ``splits`` chosen first.
    """

    detected: LabelRule | None
    kinds: list[str]
    default_kind: str
    tags: list[str]
    default_field: int
    default_tag: str
    splits: list[SplitChoice]
    default_split: int


def rule_choices(parsed: ParsedFasta, has_table: bool) -> RuleChoices:
    """The choices and defaults of the rule form for ``parsed``.

    Args:
        parsed: The uploaded FASTA.
        has_table: Whether a label table was uploaded with it (then ``table`` is the default).

    Returns:
        The form's choices.
    """
    detected = parsed.suggest_rule()
    suggestion = detected or LabelRule()
    tags = sorted({tag for line in parsed.descriptions[:TAG_SAMPLE] for tag in header_tags(line)})
    splits = split_choices(parsed, tags)
    default_split = _suggested_split(suggestion)
    return RuleChoices(
        detected=detected,
        kinds=["field", "key", "regex"] + (["table"] if has_table else []),
        default_kind="table" if has_table else suggestion.kind,
        tags=tags,
        default_field=suggestion.field if suggestion.kind == "field" else 1,
        default_tag=suggestion.key if suggestion.kind == "key" else (tags[0] if tags else ""),
        splits=splits,
        default_split=splits.index(default_split) if default_split in splits else 0,
    )


def split_choices(parsed: ParsedFasta, tags: list[str]) -> list[SplitChoice]:
    """No split, every ``|``-separated ID field, and every header tag."""
    n_fields = max((len(seq_id.split("|")) for seq_id in parsed.ids[:FIELD_SAMPLE]), default=1)
    choices: list[SplitChoice] = [NO_SPLIT]
    choices += [("field", index) for index in range(n_fields)]
    choices += [("key", tag) for tag in tags]
    return choices


def _suggested_split(suggestion: LabelRule) -> SplitChoice:
    if suggestion.split_field is not None:
        return ("field", suggestion.split_field)
    if suggestion.split_key:
        return ("key", suggestion.split_key)
    return NO_SPLIT


def split_choice_label(choice: SplitChoice) -> str:
    """How a split source is named in the form."""
    kind, value = choice
    if kind == "none":
        return "no predefined split"
    return f"ID field {value}" if kind == "field" else f"tag {value}="


def header_rule(
    kind: str,
    split: SplitChoice = NO_SPLIT,
    *,
    field: int = 1,
    separator: str = "|",
    key: str = "",
    pattern: str = "",
) -> LabelRule:
    """The header rule of the form's values (only those of ``kind`` are used).

    Args:
        kind: ``field``, ``key`` or ``regex``.
        split: Where the split comes from.
        field: The ID field (``field``).
        separator: The ID field separator (``field``).
        key: The tag name (``key``).
        pattern: The regular expression (``regex``).

    Returns:
        The rule.

    Raises:
        ProteinDataError: If a value is not valid (an empty separator, a bad tag name or
            regular expression), with a message saying how to fix it.
    """
    values: dict[str, object] = {"kind": kind}
    if kind == "field":
        values.update(field=int(field), separator=separator)
    elif kind == "key":
        values["key"] = key
    else:
        values["pattern"] = pattern
    split_kind, split_value = split
    if split_kind == "field":
        values["split_field"] = split_value
    elif split_kind == "key":
        values["split_key"] = split_value
    return LabelRule(**values)  # type: ignore[arg-type]
