"""protviz: the Streamlit entry point. Page config and navigation, nothing else."""

import streamlit as st

st.set_page_config(page_title="protviz", page_icon=":dna:", layout="wide")

navigation = st.navigation(
    [
        st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
        st.Page("pages/data.py", title="Data", icon=":material/dataset:", url_path="data"),
    ]
)
navigation.run()
