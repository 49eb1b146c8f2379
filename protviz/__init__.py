"""protviz: see what a neural network learned from labeled protein sequences.

All logic lives in this package; it never imports Streamlit. Data flows one way:
FASTA -> :class:`~protviz.core.dataset.Dataset` -> encoded batches -> model ->
embeddings -> projection -> figure.
"""

__version__ = "0.1.0"
