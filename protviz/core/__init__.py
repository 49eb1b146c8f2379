"""The foundation: the protein alphabet, the Dataset, errors and typed records.

No TensorFlow, no Streamlit, no plotting: everything else builds on this.
"""
