"""Reading and storing data: FASTA and label rules into a Dataset, the built-in
data sets, the store of uploaded data sets, per-sequence vector files, the
per-protein embedding files a user brings (read, matched by ID and stored), and
exports for other tools (Embedding Projector, coordinates CSV, bio_embeddings HDF5).
"""
