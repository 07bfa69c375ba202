"""Every limit of the command line is a setting with a stated default: one table (limits.LIMITS),
shown as is in docs/errors.md, each variable read the same way."""

from __future__ import annotations

import pytest

from krakow_clusters.errors import CouldNotRun
from krakow_clusters.limits import LIMITS, MAX_ANSWER, MAX_JSON_DEPTH, limits_table

from .commandline import ROOT


def test_the_docs_show_the_table_of_limits():
    assert len(LIMITS) >= 7
    errors = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    assert limits_table() in errors, "docs/errors.md's limits table differs from LIMITS"


def test_each_limit_has_its_own_variable_and_says_why():
    assert len({limit.variable for limit in LIMITS}) == len(LIMITS)
    for limit in LIMITS:
        assert limit.variable.startswith("KRAKOW_CLUSTERS_MAX_") and limit.default > 0
        assert limit.what and limit.why and "|" not in limit.what + limit.why


@pytest.mark.parametrize(
    ("limit", "text", "value"),
    [(MAX_ANSWER, "2M", 2 << 20), (MAX_ANSWER, "1500", 1500), (MAX_JSON_DEPTH, " 40 ", 40)],
)
def test_a_limit_is_read_from_its_variable(monkeypatch, limit, text, value):
    monkeypatch.setenv(limit.variable, text)
    assert limit.value() == value


@pytest.mark.parametrize(
    ("limit", "text"),
    [(MAX_ANSWER, "lots"), (MAX_ANSWER, "0"), (MAX_JSON_DEPTH, "2M"), (MAX_JSON_DEPTH, "-5")],
)
def test_a_value_that_is_no_such_number_is_one_line(monkeypatch, limit, text):
    monkeypatch.setenv(limit.variable, text)
    with pytest.raises(CouldNotRun, match=f"^{limit.variable}=") as caught:
        limit.value()
    assert "\n" not in str(caught.value)
