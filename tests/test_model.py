"""The model's invariants: every validator rejects what it must, with a message naming the field."""

from __future__ import annotations

import pickle
from collections.abc import Callable

import attrs
import pytest

import vitk2
from vitk2 import (
    NOT_REPORTED,
    Breakdown,
    Category,
    Code,
    CodeSystem,
    Compound,
    CountKind,
    Dose,
    Effect,
    EffectMeasure,
    Frequency,
    NotReported,
    Phase,
    Proportion,
    PValue,
    Quantity,
    Regimen,
    Route,
    Unit,
)

MK4 = Compound(id="mk4", name="menatetrenone", compound_class="vitamin K2", family="vitamin K")


class TestQuantity:
    def test_conversion_between_commensurable_units_is_exact(self) -> None:
        assert Quantity(0.75, "µg").to("mg") == Quantity(0.00075, "mg")
        assert Quantity(12, Unit.MONTH).to(Unit.YEAR) == Quantity(1.0, Unit.YEAR)
        assert Quantity(45, "mg/day").to("µg/day") == Quantity(45000.0, "µg/day")

    def test_spellings_parse_to_one_unit(self) -> None:
        for spelling in ("ug", "mcg", "µg", "μg", "microgram", "UG"):
            assert Quantity(1, spelling).unit is Unit.UG
        assert Quantity(866, "ng/ml").unit is Unit.NG_PER_ML

    def test_incommensurable_conversion_is_an_error(self) -> None:
        with pytest.raises(vitk2.IncommensurableUnitsError, match="mg measures mass"):
            Quantity(45, "mg").to("week")
        assert issubclass(vitk2.IncommensurableUnitsError, ValueError)

    def test_comparisons_convert_units(self) -> None:
        assert Quantity(16, "week") < Quantity(12, "month")
        assert Quantity(45000, "µg/day") >= Quantity(45, "mg/day")
        assert Quantity(0.75, "µg").equivalent(Quantity(0.00075, "mg"))

    @pytest.mark.parametrize("value", [float("nan"), float("inf"), True, "45"])
    def test_value_must_be_a_finite_number(self, value: object) -> None:
        with pytest.raises((TypeError, ValueError), match="'value' must be a"):
            Quantity(value, "mg")  # type: ignore[arg-type]

    def test_unknown_unit_lists_the_known_ones(self) -> None:
        with pytest.raises(ValueError, match=r"expected a unit, one of g, mg, µg.*got 'mgg'"):
            Quantity(1, "mgg")


class TestProportion:
    def test_estimate_and_wilson_interval_are_computed(self) -> None:
        p = Proportion(events=5, total=29, reported_percent=17.2)
        assert p.estimate == pytest.approx(5 / 29)
        ci = p.interval()
        assert ci.method == "wilson"
        assert ci.low == pytest.approx(0.0760, abs=5e-4)
        assert ci.high == pytest.approx(0.3455, abs=5e-4)
        assert p.estimate in ci

    def test_events_cannot_exceed_total(self) -> None:
        with pytest.raises(ValueError, match=r"'events' must be <= total \(got 12 > 10\)"):
            Proportion(events=12, total=10)

    @pytest.mark.parametrize(("events", "total"), [(-1, 10), (1, 0)])
    def test_counts_must_be_in_range(self, events: int, total: int) -> None:
        with pytest.raises(ValueError, match="must be a"):
            Proportion(events=events, total=total)

    def test_non_integer_count_is_a_type_error(self) -> None:
        with pytest.raises(TypeError, match="'events' must be a whole number"):
            Proportion(events=5.5, total=10)  # type: ignore[arg-type]

    def test_reported_percent_must_agree_at_its_precision(self) -> None:
        Proportion(events=4, total=7, reported_percent=57)
        Proportion(events=4, total=11, reported_percent=36.4)
        with pytest.raises(ValueError, match="'reported_percent' must agree with 5/29"):
            Proportion(events=5, total=29, reported_percent=17.5)

    def test_unknown_interval_method_is_refused(self) -> None:
        with pytest.raises(ValueError, match="unknown interval method 'wald'"):
            Proportion(events=1, total=2).interval("wald")


class TestBreakdown:
    def test_events_are_not_participants(self) -> None:
        b = Breakdown(
            categories=(
                Category(label="major HI-E", count=1),
                Category(label="minor HI-E", count=2),
                Category(label="major HI-P", count=3),
                Category(label="minor HI-P", count=1),
            ),
            counts=CountKind.EVENTS,
            among=5,
        )
        assert b.total == 7
        assert b.among == 5
        assert b["major HI-P"] == 3

    def test_participant_counts_cannot_exceed_among(self) -> None:
        with pytest.raises(ValueError, match="participant counts must sum to <= among"):
            Breakdown(
                categories=(Category(label="a", count=3), Category(label="b", count=3)),
                counts=CountKind.PARTICIPANTS,
                among=5,
            )

    def test_fewer_events_than_participants_with_events_is_impossible(self) -> None:
        with pytest.raises(ValueError, match="need at least 5 events"):
            Breakdown(categories=(Category(label="a", count=3),), among=5)


class TestNotReported:
    def test_is_distinct_from_zero_none_and_unknown(self) -> None:
        assert NOT_REPORTED != 0  # type: ignore[comparison-overlap]
        assert NOT_REPORTED is not None
        assert NotReported() == NOT_REPORTED
        assert NotReported("dose not stated") != NOT_REPORTED
        assert str(NOT_REPORTED) == "not reported"

    def test_a_dose_without_amount_has_no_daily_dose(self) -> None:
        d = Dose(compound=MK4)
        assert isinstance(d.daily_dose, NotReported)


class TestDose:
    def test_daily_dose_of_a_rate(self) -> None:
        d = Dose(compound=MK4, amount=Quantity(45, "mg/day"), route=Route.ORAL)
        assert d.daily_dose == Quantity(45, Unit.MG_PER_DAY)

    def test_daily_dose_from_amount_and_frequency(self) -> None:
        d = Dose(compound=MK4, amount=Quantity(15, "mg"), frequency=Frequency(times=3))
        assert d.daily_dose == Quantity(45.0, Unit.MG_PER_DAY)
        weekly = Dose(
            compound=MK4, amount=Quantity(70, "mg"), frequency=Frequency(times=1, per=Unit.WEEK)
        )
        assert weekly.daily_dose == Quantity(10.0, Unit.MG_PER_DAY)

    def test_frequency_with_a_daily_amount_is_contradictory(self) -> None:
        with pytest.raises(ValueError, match="'frequency' must not be given with a daily amount"):
            Dose(compound=MK4, amount=Quantity(45, "mg/day"), frequency=Frequency(times=3))

    def test_amount_must_be_a_mass(self) -> None:
        with pytest.raises(ValueError, match="'amount' must be a mass"):
            Dose(compound=MK4, amount=Quantity(16, "week"))


class TestPhasesAndRegimens:
    def test_phase_denominators_must_shrink(self) -> None:
        with pytest.raises(ValueError, match=r"'evaluable' must be <= entered \(got 21 > 20\)"):
            Phase(id="p", name="p", doses=(), eligible=24, entered=20, evaluable=21)

    def test_regimen_cannot_mix_flat_doses_and_phases(self) -> None:
        phase = Phase(id="p", name="p", doses=(Dose(compound=MK4),))
        with pytest.raises(ValueError, match="keeps its doses and duration in its phases"):
            Regimen(doses=(Dose(compound=MK4),), phases=(phase,))

    def test_empty_regimen_is_refused(self) -> None:
        with pytest.raises(
            ValueError, match="needs doses, phases, procedures or background therapy"
        ):
            Regimen()


class TestCodes:
    @pytest.mark.parametrize(
        ("system", "code"),
        [
            (CodeSystem.CAS, "863-61-6"),
            (CodeSystem.PUBCHEM_CID, "5282367"),
            (CodeSystem.CHEBI, "CHEBI:78277"),
            (CodeSystem.INCHIKEY, "DKHGMERMDICWDU-GHDNBGIDSA-N"),
            (CodeSystem.ATC, "M05BX08"),
            (CodeSystem.ICD10CM, "D46.A"),
            (CodeSystem.ICD11, "2C12"),
            (CodeSystem.MONDO, "MONDO:0018881"),
            (CodeSystem.MESH, "D009190"),
        ],
    )
    def test_valid_codes_pass(self, system: CodeSystem, code: str) -> None:
        assert Code(system=system, code=code).code == code

    @pytest.mark.parametrize(
        ("system", "code", "message"),
        [
            (CodeSystem.CAS, "863-61-7", "valid check digit"),
            (CodeSystem.CHEBI, "78277", "chebi code matching"),
            (CodeSystem.INCHIKEY, "DKHGMERMDICWDU", "inchikey code matching"),
            (CodeSystem.ATC, "M05BX8", "atc code matching"),
            (CodeSystem.MONDO, "MONDO:18881", "mondo code matching"),
        ],
    )
    def test_malformed_codes_fail(self, system: CodeSystem, code: str, message: str) -> None:
        with pytest.raises(ValueError, match=message):
            Code(system=system, code=code)

    def test_compound_codes_must_be_compound_systems(self) -> None:
        with pytest.raises(ValueError, match="uses mesh, not a compound code system"):
            Compound(
                id="x",
                name="x",
                compound_class="c",
                family="f",
                codes=(Code(system=CodeSystem.MESH, code="D009190"),),
            )


class TestEffectAndPValue:
    def test_interval_must_contain_estimate(self) -> None:
        with pytest.raises(ValueError, match="the interval must contain the estimate"):
            Effect(measure=EffectMeasure.RISK_RATIO, value=0.5, low=0.6, high=1.2)

    def test_ratio_must_be_positive(self) -> None:
        with pytest.raises(ValueError, match="must be > 0"):
            Effect(measure=EffectMeasure.ODDS_RATIO, value=0.0)

    def test_excludes_null(self) -> None:
        assert (
            Effect(measure=EffectMeasure.RISK_RATIO, value=0.87, low=0.64, high=1.2).excludes_null
            is False
        )
        assert (
            Effect(measure=EffectMeasure.RISK_RATIO, value=0.44, low=0.2, high=0.99).excludes_null
            is True
        )
        assert Effect(
            measure=EffectMeasure.MEAN_DIFFERENCE, value=0.05, low=0.01, high=0.09
        ).excludes_null

    @pytest.mark.parametrize(
        ("text", "relation", "value"),
        [
            ("< 0.001", "<", 0.001),
            ("p< 0.001", "<", 0.001),
            ("≤0.05", "<=", 0.05),
            ("0.037", "=", 0.037),
        ],
    )
    def test_p_values_keep_their_relation(self, text: str, relation: str, value: float) -> None:
        p = PValue.parse(text)
        assert (p.relation, p.value) == (relation, value)

    def test_inequality_is_not_the_number(self) -> None:
        assert PValue.parse("< 0.001") != PValue.parse("0.001")
        assert str(PValue.parse("p<0.001")) == "< 0.001"


class TestRecords:
    def test_records_are_frozen_and_pickle(self) -> None:
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            MK4.name = "other"  # type: ignore[misc]
        assert pickle.loads(pickle.dumps(MK4)) == MK4

    def test_ids_are_slugs(self) -> None:
        with pytest.raises(ValueError, match="'id' must be an id"):
            Compound(id="Not An Id", name="x", compound_class="c", family="f")

    def test_reprs_are_short(self) -> None:
        base = vitk2.load()
        study = base.study("mds-vk2-d3-2005")
        assert repr(study) == "<Study mds-vk2-d3-2005 Blood 2005 single arm trial>"
        assert len(repr(base.study("hcc-case-report"))) < 80
        assert repr(base.compound("mk4")).startswith("<Compound menatetrenone")

    def test_errors_pickle_with_their_attributes(self) -> None:
        err = vitk2.UnknownNameError("osteoporsis", "indication", ("osteoporosis",))
        back = pickle.loads(pickle.dumps(err))
        assert (back.name, back.kind, back.suggestions) == err.args
        verr = vitk2.ValidationError([vitk2.Problem("f.yaml", "studies[0].id", "bad")])
        assert pickle.loads(pickle.dumps(verr)).problems == verr.problems


class TestPlausibleValues:
    """Bounds that no real value crosses; tests/test_plausibility.py states them as laws."""

    def test_an_age_is_between_0_and_130_years_in_any_unit(self) -> None:
        with pytest.raises(
            ValueError, match=r"'value' must be an age between 0 and 130 years \(got 900 year\)"
        ):
            vitk2.Age(measure=vitk2.SummaryMeasure.MEAN, value=Quantity(900, "year"))
        with pytest.raises(ValueError, match="got 1561 month"):
            vitk2.Age(measure=vitk2.SummaryMeasure.MEAN, value=Quantity(1561, "month"))
        vitk2.Age(measure=vitk2.SummaryMeasure.VALUE, value=Quantity(1560, "month"))

    def test_a_dose_is_never_negative(self) -> None:
        with pytest.raises(ValueError, match=r"'amount' must be a dose of 0 or more"):
            Dose(compound=MK4, amount=Quantity(-45, "mg/day"))
        Dose(compound=MK4, amount=Quantity(0, "mg/day"))
        Dose(compound=MK4, amount=Quantity(-0.0, "mg/day"))  # -0.0 is 0

    def test_a_duration_is_between_0_and_130_years(self) -> None:
        dose = Dose(compound=MK4, amount=Quantity(45, "mg/day"))
        with pytest.raises(ValueError, match="'duration' must be a duration between 0 and 130"):
            Regimen(doses=(dose,), duration=Quantity(-16, "week"))
        assert Regimen(doses=(dose,), duration=NotReported()).duration == NotReported()

    def test_a_future_date_is_refused_with_the_margin_it_was_judged_by(self) -> None:
        import datetime as dt

        with pytest.raises(ValueError, match=r"today \+ 31 days\): a notice cannot be dated"):
            vitk2.Integrity(date=dt.date.today() + dt.timedelta(days=60))
        vitk2.Integrity(date=dt.date.today() + dt.timedelta(days=30))
        with pytest.raises(ValueError, match="'date' must be a date between 1800-01-01"):
            vitk2.Dataset(id="d", version="1", date=dt.date(1, 1, 1))

    def test_a_year_may_be_next_year_but_not_later(self) -> None:
        import datetime as dt

        this = dt.date.today().year
        cite = vitk2.Citation
        assert cite(id="c", kind=vitk2.DocumentKind.REVIEW, year=this + 1).year == this + 1
        with pytest.raises(ValueError, match="a publication cannot be from the future"):
            cite(id="c", kind=vitk2.DocumentKind.REVIEW, year=this + 2)

    def test_a_notice_is_not_dated_before_its_publication(self) -> None:
        import datetime as dt

        with pytest.raises(ValueError, match="'integrity' must not be dated before"):
            vitk2.Citation(
                id="c",
                kind=vitk2.DocumentKind.REVIEW,
                year=2009,
                integrity=vitk2.Integrity(date=dt.date(2008, 12, 31)),
            )

    @pytest.mark.parametrize(("text", "bound"), [("< 0", "above 0"), ("p > 1", "below 1")])
    def test_p_below_0_and_above_1_hold_for_none(self, text: str, bound: str) -> None:
        with pytest.raises(ValueError, match=f"holds for none: a value after '.' must be {bound}"):
            PValue.parse(text)
        assert PValue.parse("<= 0").value == 0.0
        assert PValue.parse("< 1").relation == "<"

    @pytest.mark.parametrize("percent", [1e-05, 5e-324, 1.5e-07, 1e20, 1e300, -1e-300])
    def test_any_reported_percent_is_judged_without_an_index_error(self, percent: float) -> None:
        with pytest.raises(ValueError, match="'reported_percent' must"):
            Proportion(events=5, total=10, reported_percent=percent)

    def test_a_reported_percent_keeps_its_precision(self) -> None:
        assert Proportion(events=1, total=10**7, reported_percent=1e-05).events == 1
        assert Proportion(events=1, total=3, reported_percent=33).total == 3
        with pytest.raises(ValueError, match="must agree"):
            Proportion(events=0, total=10, reported_percent=1e-05)

    def test_the_schema_reads_the_bounds(self) -> None:
        schema = vitk2.json_schema()["$defs"]
        amount = schema["Dose"]["properties"]["amount"]["oneOf"][0]["oneOf"]
        assert amount[1]["properties"]["value"]["minimum"] == 0
        assert "-" not in amount[0]["pattern"].split("(?:")[0]
        year = schema["Citation"]["properties"]["year"]["oneOf"][0]
        assert (year["minimum"], year["maximum"]) == (1800, 2100)
        percent = schema["Proportion"]["properties"]["reported_percent"]["oneOf"][0]
        assert (percent["minimum"], percent["maximum"]) == (0, 100)


# --- reported decimals show each value as itself --------------------------------------------


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: vitk2.PValue(value=0.0001, decimals=2), "would show the p-value 0.0001"),
        (lambda: vitk2.PValue(value=0.05, decimals=0), "at least 1"),
        (
            lambda: vitk2.Effect(
                measure=vitk2.EffectMeasure.RISK_RATIO, value=0.8712, low=0.5, high=1.2, decimals=2
            ),
            "would show 0.8712",
        ),
        (lambda: vitk2.CumulativeArm(group="a", percent=39.25, decimals=1), "would show 39.25"),
    ],
)
def test_decimals_that_would_show_another_number_are_refused(
    make: Callable[[], object], expected: str
) -> None:
    with pytest.raises(ValueError, match=expected):
        make()


def test_reported_decimals_keep_trailing_zeros_when_shown() -> None:
    hr = vitk2.Effect(
        measure=vitk2.EffectMeasure.HAZARD_RATIO, value=1.15, low=0.843, high=1.57, decimals=3
    )
    assert str(hr) == "hazard ratio 1.150 (0.843 to 1.570)"
    assert str(vitk2.PValue.parse("0.060")) == "0.060"
    assert str(vitk2.CumulativeArm(group="a", percent=39.0, decimals=1)) == "39.0 % (a)"


def test_a_summary_says_whether_it_is_a_change_from_baseline() -> None:
    mean = vitk2.SummaryMeasure.MEAN
    assert str(
        vitk2.Summary(group="a", measure=mean, value=vitk2.Quantity(2, "%"), change=True)
    ) == ("mean change 2%")
    assert str(vitk2.Summary(group="a", measure=mean, value=vitk2.Quantity(2, "mg"))) == "mean 2 mg"
    with pytest.raises(ValueError, match="a percent change is a change from baseline"):
        vitk2.Summary(
            group="a",
            measure=vitk2.SummaryMeasure.PERCENT_CHANGE,
            value=vitk2.Quantity(2, "%"),
            change=False,
        )


class TestCombinators:
    """The model's own ``_all`` and ``_optional`` check as attrs' ``and_`` and ``optional`` do."""

    @staticmethod
    def _field() -> attrs.Attribute[object]:
        @attrs.define
        class Holder:
            x: object = None

        return attrs.fields(Holder).x

    def test_all_runs_every_validator_in_order_until_one_refuses(self) -> None:
        from vitk2 import _model as m

        seen: list[str] = []

        def ok(name: str) -> Callable[[object, attrs.Attribute[object], object], None]:
            return lambda _i, _a, _v: seen.append(name)

        def refuse(_i: object, _a: attrs.Attribute[object], _v: object) -> None:
            raise ValueError("refused")

        composed = m._all(ok("a"), m._all(ok("b"), refuse), ok("c"))
        assert len(composed.validators) == 4  # nested ones are flattened, as and_ does
        with pytest.raises(ValueError, match="refused"):
            composed(None, self._field(), 1)
        assert seen == ["a", "b"]
        assert m._all(m._is_id) == m._all(m._is_id)  # by value, as and_ compares

    def test_optional_passes_none_and_checks_anything_else(self) -> None:
        from vitk2 import _model as m

        mine = m._optional(attrs.validators.instance_of(int))
        theirs = attrs.validators.optional(attrs.validators.instance_of(int))
        mine(None, self._field(), None)
        mine(None, self._field(), 3)
        checks: tuple[Callable[..., object], ...] = (mine, theirs)
        for check in checks:
            with pytest.raises(TypeError) as info:
                check(None, self._field(), "3")
            assert info.value.args[1].name == "x"
        assert repr(mine) == repr(theirs)
        assert mine.validator == attrs.validators.instance_of(int)
