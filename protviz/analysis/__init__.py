"""What a trained run shows: embeddings, projections and their quality, the
embedding matrix, attention and saliency, filter logos, run comparisons.

Results are arrays, frames and small dataclasses; figures live in protviz.report.
"""
