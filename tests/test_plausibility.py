"""Impossible values are refused where they are written; possible ones are accepted.

One law per kind of value, stated over generated values: outside its bounds, a document holding
the value fails to load with a problem at the value's path that says what is possible; inside
them, the document loads. Each kind is tried at every place it appears in the format, so a new
place inherits the rule (a background dose is a dose, a phase's duration a duration).
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import io
import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import vitk2
from vitk2 import Problem, Quantity, Unit, ValidationError
from vitk2._cli import main
from vitk2._io import from_data
from vitk2._units import Dimension

some = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

Doc = dict[str, Any]
FILE = "plausibility.yaml"
TODAY = dt.date.today()
LIFETIME = Quantity(130, Unit.YEAR)
TIME_UNITS = [u for u in Unit if u.dimension is Dimension.TIME]
DOSE_UNITS = [
    u for u in Unit if u.dimension in (Dimension.MASS, Dimension.MASS_RATE, Dimension.CONCENTRATION)
]
LOCATOR = {"source": "doe-2005", "locator": "abstract, Results"}

BASE: Doc = {
    "vitk2": 2,
    "dataset": {"id": "plausibility", "version": "1", "date": "2024-01-31"},
    "compounds": [
        {
            "id": "menatetrenone",
            "name": "menatetrenone",
            "compound_class": "vitamin K2",
            "family": "vitamin K",
        }
    ],
    "indications": [{"id": "mds", "name": "myelodysplastic syndrome", "category": "haematology"}],
    "citations": [
        {"id": "doe-2005", "kind": "primary_article", "authors": ["Doe J"], "year": 2005},
    ],
    "studies": [
        {
            "id": "doe-trial",
            "title": "A trial of menatetrenone",
            "reports": ["doe-2005"],
            "design": "randomised_controlled_trial",
            "indications": ["mds"],
            "population": {"description": "adults with MDS", "enrolled": 20},
            "level": {"ocebm": 2, "rationale": "a small trial"},
            "arms": [
                {
                    "id": "vk2",
                    "name": "menatetrenone",
                    "role": "intervention",
                    "size": 10,
                    "regimen": {
                        "doses": [{"compound": "menatetrenone", "amount": "45 mg/day"}],
                        "duration": "16 weeks",
                    },
                },
                {"id": "placebo", "name": "placebo", "role": "control", "size": 10},
            ],
            "findings": [
                {
                    "id": "doe-trial.response",
                    "outcome": {"name": "response", "kind": "clinical"},
                    "indication": "mds",
                    "group": "vk2",
                    "direction": "benefit",
                    "statistic": {"kind": "narrative", "summary": "Some responded."},
                    "provenance": [LOCATOR],
                }
            ],
        }
    ],
}

Site = tuple[Callable[[Doc, Any], None], str]  # put a value in a document; where it is


def _study(doc: Doc) -> Doc:
    return doc["studies"][0]  # type: ignore[no-any-return]


def _arm(doc: Doc) -> Doc:
    return _study(doc)["arms"][0]  # type: ignore[no-any-return]


def _finding(doc: Doc) -> Doc:
    return _study(doc)["findings"][0]  # type: ignore[no-any-return]


def _statistic(doc: Doc, statistic: Doc) -> None:
    _finding(doc)["statistic"] = statistic


def _with(site: Callable[[Doc, Any], None], value: Any) -> Doc:
    doc = copy.deepcopy(BASE)
    site(doc, value)
    return doc


def problems(doc: Doc) -> list[Problem]:
    try:
        from_data(doc, file=FILE)
    except ValidationError as err:
        return list(err.problems)
    return []


def assert_refused(doc: Doc, path: str, message: str) -> None:
    found = problems(doc)
    assert any(p.file == FILE and p.path == path and message in p.message for p in found), (
        f"no problem at {path!r} saying {message!r} in {found}"
    )


def assert_loads(doc: Doc) -> None:
    assert problems(doc) == []


def test_the_base_document_loads() -> None:
    assert_loads(BASE)


# --------------------------------------------------------------------------------------------
# Quantities: spans of a life, amounts that are never negative, rates per a span of time


def _exact_limit(unit: Unit) -> float:
    """The largest float not above 130 years in ``unit``."""
    exact = Fraction(LIFETIME.value) * LIFETIME.unit.factor / unit.factor
    limit = float(exact)
    return math.nextafter(limit, 0.0) if Fraction(limit) > exact else limit


def _as_written(value: float, unit: Unit) -> Doc:
    return {"value": value, "unit": unit.value}


def _phase_duration(doc: Doc, q: Doc) -> None:
    _arm(doc)["regimen"] = {
        "phases": [
            {
                "id": "step-1",
                "name": "step 1",
                "doses": [{"compound": "menatetrenone", "amount": "45 mg/day"}],
                "duration": q,
            }
        ]
    }


LIFE_SPANS: dict[str, tuple[Site, str]] = {
    "age": (
        (
            lambda d, q: _study(d)["population"].update(age={"measure": "mean", "value": q}),
            "studies[0].population.age.value",
        ),
        "an age",
    ),
    "duration": (
        (
            lambda d, q: _arm(d)["regimen"].update(duration=q),
            "studies[0].arms[0].regimen.duration",
        ),
        "a duration",
    ),
    "total duration": (
        (
            lambda d, q: _arm(d)["regimen"].update(total_duration=q),
            "studies[0].arms[0].regimen.total_duration",
        ),
        "a duration",
    ),
    "phase duration": (
        (_phase_duration, "studies[0].arms[0].regimen.phases[0].duration"),
        "a duration",
    ),
    "timepoint": (
        (
            lambda d, q: _finding(d)["outcome"].update(timepoint=q),
            "studies[0].findings[0].outcome.timepoint",
        ),
        "a timepoint",
    ),
    "time to event": (
        (
            lambda d, q: _statistic(
                d, {"kind": "time_to_event", "time": q, "event": "death", "censored": False}
            ),
            "studies[0].findings[0].statistic.time",
        ),
        "a time",
    ),
}


def _beyond_a_life(unit: Unit) -> st.SearchStrategy[float]:
    too_long = st.floats(min_value=_exact_limit(unit), allow_infinity=False).filter(
        lambda v: Quantity(v, unit) > LIFETIME
    )
    negative = st.floats(max_value=0.0, exclude_max=True, allow_infinity=False)
    return st.one_of(too_long, negative)


@pytest.mark.parametrize("name", sorted(LIFE_SPANS))
def test_a_span_of_a_life_outside_0_to_130_years_is_refused(name: str) -> None:
    (site, path), what = LIFE_SPANS[name]

    @some
    @given(st.sampled_from(TIME_UNITS).flatmap(lambda u: st.tuples(st.just(u), _beyond_a_life(u))))
    def law(case: tuple[Unit, float]) -> None:
        unit, value = case
        field = path.rsplit(".", 1)[1]
        message = f"'{field}' must be {what} between 0 and 130 years"
        assert_refused(_with(site, _as_written(value, unit)), path, message)

    law()


@pytest.mark.parametrize("name", sorted(LIFE_SPANS))
def test_a_span_of_a_life_from_0_to_130_years_is_accepted(name: str) -> None:
    (site, _path), _what = LIFE_SPANS[name]

    @some
    @given(
        st.sampled_from(TIME_UNITS).flatmap(
            lambda u: st.tuples(st.just(u), st.floats(0.0, _exact_limit(u)))
        )
    )
    def law(case: tuple[Unit, float]) -> None:
        unit, value = case
        assert_loads(_with(site, _as_written(value, unit)))

    law()


def _spread(doc: Doc, q: Doc) -> None:
    _statistic(
        doc,
        {
            "kind": "group_summaries",
            "summaries": [
                {
                    "group": "vk2",
                    "measure": "mean",
                    "value": "1 mg",
                    "spread": q,
                    "spread_kind": "sd",
                },
                {"group": "placebo", "measure": "mean", "value": "2 mg"},
            ],
        },
    )


# name -> (site, units, what the message says is possible)
AMOUNTS: dict[str, tuple[Site, list[Unit], str]] = {
    "dose": (
        (
            lambda d, q: _arm(d)["regimen"]["doses"][0].update(amount=q),
            "studies[0].arms[0].regimen.doses[0].amount",
        ),
        DOSE_UNITS,
        "a dose of 0 or more",
    ),
    "background dose": (
        (
            lambda d, q: _arm(d)["regimen"].update(
                background=[{"compound": "menatetrenone", "amount": q}]
            ),
            "studies[0].arms[0].regimen.background[0].amount",
        ),
        DOSE_UNITS,
        "a dose of 0 or more",
    ),
    "spread": (
        (_spread, "studies[0].findings[0].statistic.summaries[0].spread"),
        [Unit.MG, Unit.UG, Unit.G],
        "a spread (SD, SE, IQR or range) of 0 or more",
    ),
}


@pytest.mark.parametrize("name", sorted(AMOUNTS))
def test_a_negative_amount_is_refused_and_any_other_accepted(name: str) -> None:
    (site, path), units, what = AMOUNTS[name]
    field = path.rsplit(".", 1)[1]

    @some
    @given(st.sampled_from(units), st.floats(allow_nan=False, allow_infinity=False))
    def law(unit: Unit, value: float) -> None:
        doc = _with(site, _as_written(value, unit))
        if value < 0:
            assert_refused(doc, path, f"'{field}' must be {what} (got {Quantity(value, unit)})")
        else:
            assert_loads(doc)

    law()


@some
@given(st.sampled_from(TIME_UNITS), st.floats(allow_nan=False, allow_infinity=False))
def test_a_rate_per_no_time_or_less_is_refused_and_per_any_positive_time_accepted(
    unit: Unit, value: float
) -> None:
    doc = _with(
        lambda d, q: _statistic(
            d, {"kind": "effect", "measure": "mean_difference", "value": 0.01, "per": q}
        ),
        _as_written(value, unit),
    )
    if value <= 0:
        path = "studies[0].findings[0].statistic.per"
        assert_refused(doc, path, "'per' must be a span of time or an amount of exposure above 0")
    else:
        assert_loads(doc)


# --------------------------------------------------------------------------------------------
# Dates and years: none before 1800, none in the future

MARGIN = dt.timedelta(days=31)
# Dates on the edge of the clock's margin are left out: the day may turn during a test.
PAST_DATES = st.dates(min_value=dt.date(1800, 1, 1), max_value=TODAY)
IMPOSSIBLE_DATES = st.one_of(
    st.dates(max_value=dt.date(1799, 12, 31)),
    st.dates(min_value=TODAY + MARGIN + dt.timedelta(days=2)),
)

DATES: dict[str, Site] = {
    "dataset date": (lambda d, x: d["dataset"].update(date=x), "dataset.date"),
    "notice date": (
        # of a publication from 1800, so that no date is before the publication
        lambda d, x: d["citations"][0].update(
            year=1800, integrity={"status": "corrected", "date": x}
        ),
        "citations[0].integrity.date",
    ),
}


@pytest.mark.parametrize("name", sorted(DATES))
def test_a_date_before_1800_or_in_the_future_is_refused(name: str) -> None:
    site, path = DATES[name]

    @some
    @given(IMPOSSIBLE_DATES)
    def law(date: dt.date) -> None:
        found = problems(_with(site, date.isoformat()))
        assert [p.path for p in found] == [path], found
        assert "cannot be dated in the future" in found[0].message or (
            "must be a date between 1800-01-01 and 2100-12-31" in found[0].message
        )

    law()


@pytest.mark.parametrize("name", sorted(DATES))
def test_a_date_from_1800_to_today_is_accepted(name: str) -> None:
    site, _path = DATES[name]

    @some
    @given(PAST_DATES)
    def law(date: dt.date) -> None:
        assert_loads(_with(site, date.isoformat()))

    law()


def _year(d: Doc, year: int) -> None:
    d["citations"][0]["year"] = year


@some
@given(st.integers(-(10**6), 10**6))
def test_a_publication_year_from_1800_to_next_year_is_accepted_and_no_other(year: int) -> None:
    assume(abs(year - TODAY.year) > 1 or year <= TODAY.year)  # leave out the turn of the year
    doc = _with(_year, year)
    if 1800 <= year <= TODAY.year + 1:
        assert_loads(doc)
    else:
        found = problems(doc)
        assert [p.path for p in found] == ["citations[0].year"], found
        assert "'year' must" in found[0].message


@some
@given(st.integers(1800, TODAY.year), PAST_DATES)
def test_a_notice_is_never_dated_before_the_publication_it_concerns(
    year: int, date: dt.date
) -> None:
    doc = _with(_year, year)
    doc["citations"][0]["integrity"] = {"status": "retracted", "date": date.isoformat()}
    if date.year < year:
        assert_refused(doc, "citations[0].integrity", "must not be dated before the publication")
    else:
        assert_loads(doc)


@some
@given(st.integers(1800, TODAY.year), st.integers(1800, TODAY.year))
def test_a_notice_citation_is_never_from_a_year_before_the_publication_it_concerns(
    year: int, notice_year: int
) -> None:
    doc = _with(_year, year)
    doc["citations"][0]["integrity"] = {"status": "retracted", "notice": "roe-notice"}
    doc["citations"].append(
        {"id": "roe-notice", "kind": "notice", "year": notice_year, "reports_on": "doe-2005"}
    )
    found = problems(doc)
    if notice_year < year:
        assert sorted(p.path for p in found) == [
            "citations[0].integrity.notice",
            "citations[1].year",
        ]
        assert all("must not be" in p.message for p in found), found
    else:
        assert found == []


# --------------------------------------------------------------------------------------------
# Numbers with bounds: p-values, reported percentages


@some
@given(
    st.sampled_from(["=", "<", "<=", ">"]),
    st.one_of(st.sampled_from([0.0, 1.0, 5e-324, 1e-300]), st.floats(0.0, 1.0)),
)
def test_p_below_0_and_p_above_1_are_refused_and_every_other_p_value_accepted(
    relation: str, value: float
) -> None:
    doc = _with(
        lambda d, p: _statistic(
            d, {"kind": "effect", "measure": "risk_ratio", "value": 0.87, "p_value": p}
        ),
        f"p {relation} {value!r}",
    )
    if (relation, value) in (("<", 0.0), (">", 1.0)):
        path = "studies[0].findings[0].statistic.p_value"
        assert_refused(doc, path, f"'p {relation} {value:g}' holds for none")
    else:
        assert_loads(doc)


def _percent(d: Doc, percent: float) -> None:
    _statistic(d, {"kind": "proportion", "events": 1, "total": 3, "reported_percent": percent})


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.floats(allow_nan=False, allow_infinity=False),
        st.floats(-1e-5, 1e-5),
        st.sampled_from([1e-05, 5e-324, 1e-300, 1e300, 33.3, 33.33, 33, 34, 100.0, 1e20]),
    )
)
def test_a_reported_percent_is_judged_whatever_its_float_never_crashing(percent: float) -> None:
    found = problems(_with(_percent, percent))
    path = "studies[0].findings[0].statistic.reported_percent"
    assert all(p.path == path for p in found), found
    if not 0 <= percent <= 100:
        assert found
        assert "'reported_percent' must be a percentage between 0 and 100" in found[0].message
    elif found:
        assert "must agree with 1/3" in found[0].message
    if percent in (33.3, 33.33, 33):
        assert found == []


# --------------------------------------------------------------------------------------------
# Counts of participants: no larger than the group they are counted in


def _proportion_total(d: Doc, n: int) -> None:
    _statistic(d, {"kind": "proportion", "events": 0, "total": n})


def _finding_in_no_group(d: Doc, n: int) -> None:
    del _finding(d)["group"]
    _statistic(d, {"kind": "proportion", "events": 0, "total": n})


def _adverse_event(**fields: Any) -> Callable[[Doc, int], None]:
    def put(d: Doc, n: int) -> None:
        event: dict[str, Any] = {"term": "skin rash", "group": "vk2", "provenance": [LOCATOR]}
        event.update({k: (n if v is None else v) for k, v in fields.items()})
        _study(d)["adverse_events"] = [event]

    return put


def _phase(d: Doc, n: int) -> None:
    _arm(d)["regimen"] = {
        "phases": [
            {
                "id": "step-1",
                "name": "step 1",
                "doses": [{"compound": "menatetrenone", "amount": "45 mg/day"}],
                "entered": n,
            }
        ]
    }


def _summary_n(d: Doc, n: int) -> None:
    _statistic(
        d,
        {
            "kind": "group_summaries",
            "summaries": [
                {"group": "vk2", "measure": "mean", "value": "1 mg", "n": n},
                {"group": "placebo", "measure": "mean", "value": "2 mg"},
            ],
        },
    )


# name -> (site, the size it must fit: of the arm 'vk2' or the whole study)
COUNTS: dict[str, tuple[Site, str]] = {
    "an arm's size": (
        (lambda d, n: _arm(d).update(size=n), "studies[0].arms[0].size"),
        "the study's enrolment",
    ),
    "a proportion's total": (
        (_proportion_total, "studies[0].findings[0].statistic.total"),
        "the size of group 'vk2'",
    ),
    "a proportion's total in no group": (
        (_finding_in_no_group, "studies[0].findings[0].statistic.total"),
        "the study's enrolment",
    ),
    "a count of participants": (
        (
            lambda d, n: _statistic(d, {"kind": "count", "value": n, "counts": "participants"}),
            "studies[0].findings[0].statistic.value",
        ),
        "the size of group 'vk2'",
    ),
    "a breakdown of participants": (
        (
            lambda d, n: _statistic(
                d,
                {
                    "kind": "breakdown",
                    "categories": [{"label": "a", "count": n}],
                    "counts": "participants",
                },
            ),
            "studies[0].findings[0].statistic.categories",
        ),
        "the size of group 'vk2'",
    ),
    "the participants a breakdown of events is among": (
        (
            lambda d, n: _statistic(
                d,
                {"kind": "breakdown", "categories": [{"label": "a", "count": n}], "among": n},
            ),
            "studies[0].findings[0].statistic.among",
        ),
        "the size of group 'vk2'",
    ),
    "a summary's n": (
        (_summary_n, "studies[0].findings[0].statistic.summaries[0].n"),
        "the size of group 'vk2'",
    ),
    "an adverse event's total": (
        (_adverse_event(participants=0, total=None), "studies[0].adverse_events[0].total"),
        "the size of group 'vk2'",
    ),
    "an adverse event's participants": (
        (_adverse_event(participants=None), "studies[0].adverse_events[0].participants"),
        "the size of group 'vk2'",
    ),
    "a phase's entered count": (
        (_phase, "studies[0].arms[0].regimen.phases[0].entered"),
        "the size of group 'vk2'",
    ),
}


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_a_count_of_participants_larger_than_its_group_is_refused(name: str) -> None:
    (site, path), bound = COUNTS[name]
    field = path.rsplit(".", 1)[1]

    @some
    @given(st.integers(1, 10**6), st.integers(1, 10**9))
    def law(size: int, n: int) -> None:
        def put(d: Doc, value: int) -> None:
            _study(d)["population"]["enrolled"] = size
            for arm in _study(d)["arms"]:
                arm["size"] = size
            site(d, value)

        doc = _with(put, n)
        if n > size:
            what = "the sum of the categories" if field == "categories" else f"'{field}'"
            message = f"{what} must be <= {bound}"
            assert_refused(doc, path, f"{message} ")
            assert_refused(doc, path, f"(got {n} > {size})")
        else:
            assert_loads(doc)

    law()


# --------------------------------------------------------------------------------------------
# Citations that report on each other


@some
@given(st.integers(2, 6), st.booleans(), st.integers(0, 2))
def test_citations_reporting_on_each_other_in_a_cycle_are_refused_once(
    k: int, closed: bool, tail: int
) -> None:
    doc = copy.deepcopy(BASE)
    ids = [f"report-{i}" for i in range(k)]
    ring = [
        {"id": cid, "kind": "news_report", "reports_on": ids[(i + 1) % k]}
        for i, cid in enumerate(ids)
    ]
    if not closed:
        ring[-1]["reports_on"] = "doe-2005"
    leads = [{"id": f"lead-{j}", "kind": "news_report", "reports_on": ids[0]} for j in range(tail)]
    doc["citations"].extend([*leads, *ring])
    found = problems(doc)
    if closed:
        first = 1 + tail  # the first member of the cycle in file order
        assert [p.path for p in found] == [f"citations[{first}].reports_on"], found
        cycle = " -> ".join([*ids, ids[0]])
        assert found[0].message.startswith(f"circular reports_on: {cycle}")
    else:
        assert found == []


# --------------------------------------------------------------------------------------------
# The command line


def _run(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, err.getvalue()


OPTIONS = {"--daily-dose": "mg/day", "--min-duration": "week"}


@settings(max_examples=15, deadline=None)
@given(
    st.sampled_from(sorted(OPTIONS)),
    st.floats(min_value=1e-6, max_value=1e6),
    st.sampled_from(["{}", "{}..", "..{}", "1 {unit}..{}"]),
)
def test_a_negative_quantity_option_is_a_usage_error(
    option: str, magnitude: float, shape: str
) -> None:
    unit = OPTIONS[option]
    if option == "--min-duration":
        shape = "{}"  # a minimum, not a range: 'a..b' is refused as an unknown unit
    value = shape.format(f"-{magnitude:g} {unit}", unit=unit)
    code, err = _run("studies", f"{option}={value}")
    assert code == 2, err
    assert f"{option}: expected an amount of 0 or more" in err
    assert "Traceback" not in err


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(sorted(OPTIONS)), st.floats(min_value=0.0, max_value=1e6))
def test_a_quantity_option_of_0_or_more_is_no_usage_error(option: str, magnitude: float) -> None:
    code, err = _run("studies", f"{option}={magnitude:g} {OPTIONS[option]}")
    assert code == 0, err


def test_the_bundled_data_obeys_every_rule() -> None:
    base = vitk2.load()
    assert base.studies
