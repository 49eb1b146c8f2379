"""Progress drawn inside a cached function: shown while computing, gone afterwards, and
replayed from the cache without an error."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def script() -> None:
    import streamlit as st

    from protviz.app.waiting import progress_shown

    @st.cache_data(show_spinner=False)
    def slow_square(value: int) -> int:
        with progress_shown("Squaring") as report:
            for step in range(3):
                report(f"step {step + 1} of 3", (step + 1) / 3)
            return value * value

    st.write(f"result {slow_square(st.session_state.get('value', 4))}")


def test_progress_is_drawn_on_a_miss_and_gone_after_a_hit():
    at = AppTest.from_function(script, default_timeout=60)
    at.run()
    assert not at.exception
    assert "result 16" in at.markdown[0].value
    assert not at.get("progress")  # emptied when done
    at.run()  # a cache hit replays what the function drew: nothing is left, no error
    assert not at.exception
    assert not at.get("progress")
    at.session_state["value"] = 5
    at.run()
    assert not at.exception
    assert "result 25" in at.markdown[0].value
