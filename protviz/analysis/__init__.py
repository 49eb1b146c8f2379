"""What a trained run shows: embeddings, projections and their quality, the
embedding matrix, attention and saliency, filter logos, run comparisons; and
what the sequences show before any training (the k-mer profile).

Results are arrays, frames and small dataclasses; figures live in protviz.report.
"""
