"""Share links: the URL query parameters that describe a view, and the read-only switch.

Every page keeps the state of its view in the URL's query parameters, so that
a link opened in another browser shows the same view. This module names the
parameters (the README's table is generated from :data:`PARAMETERS`), builds a
link from a page URL and a view's values, and reads the read-only setting of a
shared deployment. It does not import Streamlit.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

from protviz.core.errors import ProtvizError

READ_ONLY_ENV = "PROTVIZ_READ_ONLY"
"""Environment variable that, set to 1/true/yes/on, makes the app read-only."""

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


class LinkParameterError(ProtvizError):
    """A share link's parameter value that cannot be used, naming what is allowed."""


PARAMETERS: dict[str, tuple[str, str]] = {
    "dataset": ("all pages", "data set: a built-in key (`motif`, `scl2205`) or a content hash"),
    "run": (
        "Models, Explore, Embedding matrix, Attention",
        "run id (Explore: left out when no run is chosen)",
    ),
    "kind": (
        "Explore",
        "embedding: `averaged`, `learned` or `probabilities` (of the run), or `kmer` (no run "
        "needed)",
    ),
    "emb": (
        "Explore, Compare",
        "an uploaded embedding file's reference (content hash); Compare: `kmer` and/or "
        "references, comma-separated",
    ),
    "method": ("Explore", "projection: `pca`, `tsne` or `umap`"),
    "dims": ("Explore", "`2` or `3`"),
    "perplexity": ("Explore", "t-SNE perplexity"),
    "n_neighbors": ("Explore", "UMAP n_neighbors"),
    "min_dist": ("Explore", "UMAP min_dist"),
    "metric": ("Explore", "`euclidean` or `cosine` (t-SNE, UMAP)"),
    "seed": ("Explore", "random seed (t-SNE, UMAP)"),
    "color": (
        "Explore",
        "colour by: `label`, `predicted`, `correct`, `confidence`, `length`, `split` or a "
        "metadata column",
    ),
    "q": ("Explore", "search text"),
    "regex": ("Explore", "`true`: the search is a regular expression"),
    "side": ("Explore", "`true`: averaged and learned side by side"),
    "contours": ("Explore", "`true`: each colour's density contours (2-D plots)"),
    "hide": ("Explore", "classes left out of the plot and the selection, comma-separated"),
    "seq": ("Explore, Attention", "selected sequence ID (Explore: its neighbours are ringed)"),
    "k": ("Explore", "number of nearest neighbours"),
    "distance": ("Explore", "neighbour distance: `cosine` or `euclidean`"),
    "tab": (
        "Explore",
        "the tab open below the plot: `neighbours`, `quality` or `export` (left out: the "
        "selection)",
    ),
    "other": ("Embedding matrix", "run id of the run to compare with"),
    "runs": ("Compare", "run ids, comma-separated"),
    "job": ("Train", "training job id: its live progress, then its results (or why it failed)"),
}
"""Query parameter -> (pages that read it, what it holds)."""


def share_url(page_url: str, values: Mapping[str, object]) -> str:
    """The link that reopens a view.

    Args:
        page_url: The page's URL without a query string (``http://host:port/explore``).
        values: The view's parameters; None and empty values are left out, booleans are
            written ``true``/``false``, floats without a trailing ``.0`` and lists
            comma-separated.

    Returns:
        ``page_url`` with the query string, parameters in :data:`PARAMETERS` order.

    Raises:
        ValueError: If a parameter is not one of :data:`PARAMETERS`.
    """
    unknown = set(values) - set(PARAMETERS)
    if unknown:
        raise ValueError(f"unknown share-link parameter(s): {', '.join(sorted(unknown))}")
    pairs = [
        (name, format_parameter(values[name]))
        for name in PARAMETERS
        if values.get(name) not in (None, "", [], ())
    ]
    base = page_url.split("?", 1)[0].split("#", 1)[0]
    return f"{base}?{urlencode(pairs)}" if pairs else base


def format_parameter(value: object) -> str:
    """A value as it is written in a link: ``true``/``false``, ``30`` (not ``30.0``), text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format(value, "g")
    if isinstance(value, list | tuple):
        return ",".join(format_parameter(v) for v in value)
    return str(value)


def parse_parameter(
    name: str,
    text: str,
    default: object,
    *,
    choices: Sequence[object] | None = None,
    bounds: tuple[float, float] | None = None,
) -> object:
    """Read a link's value with the type of ``default`` (bool, int, float or text).

    Args:
        name: The parameter (for the message).
        text: Its value in the link.
        default: The widget's default; its type decides how ``text`` is read (None: text).
        choices: The allowed values, if restricted.
        bounds: Inclusive ``(low, high)`` for numbers.

    Returns:
        The value.

    Raises:
        LinkParameterError: With a message naming the parameter and what is allowed.
    """
    value: object
    try:
        if isinstance(default, bool):
            if text.lower() not in TRUE_WORDS | {"0", "false", "no", "off"}:
                raise ValueError
            value = text.lower() in TRUE_WORDS
        elif isinstance(default, int):
            value = int(text)
        elif isinstance(default, float):
            value = float(text)
            if value != value:  # NaN
                raise ValueError
        else:
            value = text
    except ValueError:
        raise LinkParameterError(
            f"The link's {name}={text[:40]!r} is not a valid {type(default).__name__}."
        ) from None
    if choices is not None and value not in choices:
        shown = ", ".join(format_parameter(c) for c in list(choices)[:8])
        raise LinkParameterError(f"The link's {name}={text[:40]!r} is not one of: {shown}.")
    if bounds is not None and not bounds[0] <= value <= bounds[1]:  # type: ignore[operator]
        raise LinkParameterError(
            f"The link's {name}={text[:40]!r} is outside {bounds[0]:g} to {bounds[1]:g}."
        )
    return value


def split_names(text: str, names: Sequence[str]) -> tuple[list[str], list[str]]:
    """The ``names`` a comma-separated link value lists, and the rest of the value.

    A name may itself hold commas: read from the left, the name that spans the most
    comma-separated parts wins.

    Args:
        text: The link's value, e.g. ``Nucleus,Cytoplasm``.
        names: The names it may list.

    Returns:
        The names listed (in ``names`` order), and the comma-separated parts of
        ``text`` that are none of them.
    """
    parts = text.split(",")
    longest_first = sorted({tuple(name.split(",")) for name in names}, key=len, reverse=True)
    listed, rest, start = set(), [], 0
    while start < len(parts):
        found = next((n for n in longest_first if tuple(parts[start : start + len(n)]) == n), None)
        if found is not None:
            listed.add(",".join(found))
            start += len(found)
            continue
        rest += [parts[start]] if parts[start] else []
        start += 1
    return [name for name in names if name in listed], rest


def read_only(secrets: Mapping[str, object] | None = None) -> bool:
    """Whether the app is read-only: viewers may explore, not train, upload, rename or delete.

    Args:
        secrets: Streamlit secrets (``read_only = true`` in ``.streamlit/secrets.toml``),
            consulted when the environment variable is unset.

    Returns:
        True when :data:`READ_ONLY_ENV` is a true word, or else when the secret ``read_only``
        is true.
    """
    value = os.environ.get(READ_ONLY_ENV, "").strip().lower()
    if value:
        return value in TRUE_WORDS
    secret = (secrets or {}).get("read_only", False)
    return secret is True or str(secret).strip().lower() in TRUE_WORDS


def parameter_table() -> str:
    """The parameters as a Markdown table (for the README)."""
    lines = ["| parameter | pages | value |", "|---|---|---|"]
    lines += [f"| `{name}` | {pages} | {what} |" for name, (pages, what) in PARAMETERS.items()]
    return "\n".join(lines)
