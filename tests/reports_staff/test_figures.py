"""The report's pure arithmetic: shares, rates, percentages, and which row a municipality
counts in."""

from __future__ import annotations

from startsmart.reports.figures import Reached, breakdown, in_selection, percent, rate, share


def town(**fields) -> Reached:
    values = dict(
        municipality_id=1, state="BY", population_class="under_5k", urbanisation="03",
        funded=False, in_directory=True, returning=False,
    )  # fmt: skip
    return Reached(**(values | fields))


def test_shares_and_rates_have_no_whole_to_divide_by_when_nothing_was_counted():
    assert share(3, 5) == 0.6
    assert share(0, 0) is None and share(None, 5) is None
    assert rate(4, 1) == 0.8
    assert rate(0, 0) is None


def test_percentages_read_as_people_write_them():
    assert percent(0.6) == "60,0 %"
    assert percent(2 / 3, "en") == "66.7%"
    assert percent(None) == "–"


def test_a_class_without_municipalities_but_with_gemeinden_keeps_its_row():
    rows = breakdown(
        [town(), town(municipality_id=2, population_class=None, in_directory=False)],
        "class",
        [("under_5k", "klein"), ("over_500k", "groß"), ("5k_20k", "mittel")],
        {"under_5k": 7, "over_500k": 1},
        "unbekannt",
    )
    assert [(r.label, r.count, r.part, r.whole) for r in rows] == [
        ("klein", 1, 1, 7),
        ("groß", 0, 0, 1),
        ("unbekannt", 1, 0, 0),
    ]


def test_each_key_selects_what_its_row_counts():
    returning = town(returning=True, funded=True)
    assert in_selection(returning, "returning") and not in_selection(returning, "first")
    assert in_selection(returning, "funding:yes") and not in_selection(returning, "funding:no")
    assert in_selection(town(urbanisation=None), "urbanisation:")
    assert not in_selection(town(), "nonsense:1")
