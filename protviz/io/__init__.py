"""Reading and storing data: FASTA and label rules into a Dataset, the built-in
data sets, the store of uploaded data sets, and per-sequence vector files.
"""
