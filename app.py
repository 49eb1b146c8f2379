"""protviz: the Streamlit entry point. Page config, navigation, the training queue kept
moving (workers start and are watched whatever page is open), and the model pages' code
imported in the background once the first page is drawn."""

import streamlit as st

from protviz.app.caches import keep_jobs_moving, preload_model_pages

st.set_page_config(page_title="protviz", page_icon=":dna:", layout="wide")
keep_jobs_moving()

navigation = st.navigation(
    [
        st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
        st.Page("pages/data.py", title="Data", icon=":material/dataset:", url_path="data"),
        st.Page(
            "pages/train.py", title="Train", icon=":material/model_training:", url_path="train"
        ),
        st.Page(
            "pages/models.py", title="Models", icon=":material/inventory_2:", url_path="models"
        ),
        st.Page(
            "pages/explore.py", title="Explore", icon=":material/scatter_plot:", url_path="explore"
        ),
        st.Page(
            "pages/matrix.py",
            title="Embedding matrix",
            icon=":material/grid_on:",
            url_path="matrix",
        ),
        st.Page(
            "pages/attention.py",
            title="Attention",
            icon=":material/visibility:",
            url_path="attention",
        ),
        st.Page("pages/compare.py", title="Compare", icon=":material/compare:", url_path="compare"),
    ]
)
navigation.run()
preload_model_pages()
