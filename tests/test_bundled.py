"""The bundled evidence: every quote is verbatim, every number is in its quote, the sums add up."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import vitk2
from vitk2 import (
    Breakdown,
    Design,
    DocumentKind,
    Finding,
    GroupSummaries,
    NotReported,
    Phase,
    Proportion,
    Quote,
    Study,
    TimeToEvent,
)

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
#: Which source document each quoted citation is.
SOURCE_FILES = {
    "hayashi-hcc-case-report": "000_",
    "mds-ash-2005": "001_",
    "iwamoto-2003-yonsei-med-j": "002_",
    "vitamink2-news-lasemi": "003_",
}

BASE = vitk2.load()


def quoted_records() -> Iterator[tuple[str, Quote]]:
    for s in BASE.studies:
        for q in s.provenance:
            if isinstance(q, Quote):
                yield s.id, q
        for f in s.findings:
            for q in f.quotes:
                yield f.id, q
        for ae in s.adverse_events:
            for q in ae.provenance:
                if isinstance(q, Quote):
                    yield f"{s.id}:{ae.term}", q


QUOTES = list(quoted_records())


def test_the_bundle_has_the_four_sources() -> None:
    sources = {q.source for _, q in QUOTES}
    assert sources == set(SOURCE_FILES)
    assert len(QUOTES) > 80


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the source documents are not next to the checkout")
@pytest.mark.parametrize(("where", "quote"), QUOTES, ids=[w for w, _ in QUOTES])
def test_every_quote_is_verbatim_in_its_own_source(where: str, quote: Quote) -> None:
    (path,) = SEEDS.glob(SOURCE_FILES[quote.source] + "*.txt")
    assert quote.text in path.read_text(encoding="utf-8"), f"{where}: {quote.text!r}"


def test_only_the_four_sources_are_quoted() -> None:
    # Third-party text (abstracts beyond the sources) is cited by locator, never quoted.
    for where, q in QUOTES:
        assert q.source in SOURCE_FILES, where


# --- numbers in their quotes -----------------------------------------------------------------

_WORDS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}


def numbers_in(text: str) -> set[float]:
    """Every number a text states: digits (with glued units), words and Roman grades."""
    out = {float(x) for x in re.findall(r"\d+(?:\.\d+)?", text)}
    for m in re.finditer(
        r"\b(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ](one|two|three|four|five|six|seven|eight|nine)\b",
        text,
        re.I,
    ):
        out.add(float(_TENS[m.group(1).lower()] + _WORDS[m.group(2).lower()]))
    for word in re.findall(r"[A-Za-z]+", text):
        w = word.lower()
        if w in _WORDS:
            out.add(float(_WORDS[w]))
        if w in _TENS:
            out.add(float(_TENS[w]))
    if re.search(r"\bone (case|lung lesion|lesion)\b", text) or re.search(
        r"\ban? [\w-]+ patient\b", text
    ):
        out.add(1.0)  # "one case", "a 88-year-HCC patient"
    for m in re.finditer(r"Grade ([IV]+)\b", text):
        out.add(float(_ROMAN[m.group(1)]))
    return out


def stated_numbers(f: Finding) -> set[float]:
    s = f.statistic
    if isinstance(s, Proportion):
        nums: set[float] = {s.events, s.total}
        if s.reported_percent is not None:
            nums.add(s.reported_percent)
        return {float(n) for n in nums}
    if isinstance(s, Breakdown):
        return {float(c.count) for c in s.categories}
    if isinstance(s, GroupSummaries):
        nums = {s2.value.value for s2 in s.summaries}
        if s.p_value is not None:
            nums.add(s.p_value.value)
        return {float(n) for n in nums}
    if isinstance(s, TimeToEvent):
        return {float(s.time.value)}
    if isinstance(s, vitk2.Effect):
        return {abs(float(s.value))}
    return set()


QUOTED_FINDINGS = [f for s in BASE.studies for f in s.findings if f.quotes]


@pytest.mark.parametrize("finding", QUOTED_FINDINGS, ids=[f.id for f in QUOTED_FINDINGS])
def test_each_curated_number_appears_in_its_quotes(finding: Finding) -> None:
    said = set().union(*(numbers_in(q.text) for q in finding.quotes))
    missing = stated_numbers(finding) - said
    assert not missing, f"{finding.id}: {sorted(missing)} not in {[q.text for q in finding.quotes]}"


def study_numbers(s: Study) -> set[float]:
    nums: set[float] = set()
    pop = s.population
    for n in (pop.enrolled, pop.evaluable):
        if isinstance(n, int):
            nums.add(float(n))
    if isinstance(pop.age, vitk2.Age):
        nums.add(float(pop.age.value.value))
    for a in s.arms:
        if isinstance(a.size, int) and a.size > 1:
            nums.add(float(a.size))
        if a.sex is not None and isinstance(a.sex.female, int):
            nums.add(float(a.sex.female))
        if a.regimen is None:
            continue
        for d in a.regimen.all_doses:
            if isinstance(d.amount, vitk2.Quantity):
                nums.add(float(d.amount.value))
        for p in a.regimen.phases:
            for n in (p.eligible, p.entered, p.evaluable):
                if isinstance(n, int):
                    nums.add(float(n))
            if isinstance(p.duration, vitk2.Quantity):
                nums.add(float(p.duration.value))
        if a.regimen.total_duration is not None:
            nums.add(float(a.regimen.total_duration.value))
    return nums


QUOTED_STUDIES = [s for s in BASE.studies if any(isinstance(p, Quote) for p in s.provenance)]


@pytest.mark.parametrize("study", QUOTED_STUDIES, ids=[s.id for s in QUOTED_STUDIES])
def test_each_number_of_a_study_appears_in_its_quotes(study: Study) -> None:
    said = set().union(*(numbers_in(q.text) for q in study.provenance if isinstance(q, Quote)))
    # A number from a source that may not be quoted (not one of the four) is supported by a
    # locator instead; it passes when one of the study's locators to that source names it.
    # mds-vk2-d3-2005: the step-1 dose, 15 mg three times a day, is the news report's.
    said |= set().union(
        *(
            numbers_in(p.locator)
            for p in study.provenance
            if isinstance(p, vitk2.Locator) and p.source not in SOURCE_FILES
        )
    )
    missing = study_numbers(study) - said
    assert not missing, f"{study.id}: {sorted(missing)} not quoted"


def test_number_extraction_reads_words_and_glued_units() -> None:
    assert numbers_in("Forty-three patients") >= {43.0}
    assert numbers_in("866ng/ml\u00a0compared") >= {866.0}
    assert numbers_in("skin rash (Grade I)") >= {1.0}
    assert 17.2 in numbers_in("Five patients (17.2 %)")


# --- whole-record arithmetic ---------------------------------------------------------------

MDS = BASE.study("mds-vk2-d3-2005")


def test_reported_percentages_agree_with_their_counts() -> None:
    checked = 0
    for f in BASE.findings:
        s = f.statistic
        if isinstance(s, Proportion) and s.reported_percent is not None:
            decimals = (
                len(str(s.reported_percent).split(".")[1])
                if not float(s.reported_percent).is_integer()
                else 0
            )
            assert round(100 * s.events / s.total, decimals) == pytest.approx(s.reported_percent), (
                f.id
            )
            checked += 1
    assert checked >= 6


def test_mds_patient_flow_adds_up() -> None:
    (arm,) = MDS.arms
    assert arm.regimen is not None
    step1, step2 = arm.regimen.phases
    response1 = BASE.finding("mds-vk2-d3-2005.step-1.response").statistic
    response2 = BASE.finding("mds-vk2-d3-2005.step-2.response").statistic
    assert isinstance(response1, Proportion)
    assert isinstance(response2, Proportion)
    pop = MDS.population
    assert isinstance(pop.enrolled, int)
    assert isinstance(pop.evaluable, int)
    assert pop.enrolled >= pop.evaluable == step1.evaluable == response1.total
    non_responders = pop.evaluable - response1.events
    assert isinstance(step2.eligible, int)
    assert isinstance(step2.entered, int)
    assert isinstance(step2.evaluable, int)
    assert non_responders == step2.eligible >= step2.entered >= step2.evaluable == response2.total


def test_lineage_responses_never_count_as_patients() -> None:
    for step in ("step-1", "step-2"):
        responders = BASE.finding(f"mds-vk2-d3-2005.{step}.response").statistic
        lineages = BASE.finding(f"mds-vk2-d3-2005.{step}.lineages").statistic
        assert isinstance(responders, Proportion)
        assert isinstance(lineages, Breakdown)
        assert lineages.counts is vitk2.CountKind.EVENTS
        assert lineages.among == responders.events
        assert lineages.total > responders.events  # more responses than responders


def test_more_than_three_fold_matches_the_medians() -> None:
    f = BASE.finding("lasemi-2018-ms.serum-vk2.medians")
    stat = f.statistic
    assert isinstance(stat, GroupSummaries)
    assert "more than three-fold higher" in f.quotes[0].text
    assert stat.ratio("healthy-controls", "ms-patients") > 3
    assert stat.p_value is not None
    assert (stat.p_value.relation, stat.p_value.value) == ("<", 0.001)


def test_interim_and_full_report_are_two_reports_of_one_study() -> None:
    assert [c.id for c in MDS.reports] == ["mds-ash-2005", "mdsbeacon-2010"]
    assert MDS.reports[0].interim
    assert sum(1 for s in BASE.studies if "mdsbeacon-2010" in {c.id for c in s.reports}) == 1
    trials = [
        s
        for s in BASE.studies
        if s.design is Design.SINGLE_ARM_TRIAL and "mds" in {i.parent for i in s.indications}
    ]
    assert trials == [MDS]
    # never pooled: the comparison pools only across distinct studies
    assert not BASE.compare("mds").pooled


def test_hcc_case_report_says_not_reported_and_censored() -> None:
    hcc = BASE.study("hcc-case-report")
    (arm,) = hcc.arms
    assert arm.regimen is not None
    (dose,) = arm.regimen.doses
    assert isinstance(dose.amount, NotReported)
    assert arm.regimen.procedures
    survival = BASE.finding("hcc-case-report.survival").statistic
    assert isinstance(survival, TimeToEvent)
    assert survival.censored
    assert survival.time == vitk2.Quantity(18, "month")
    markers = BASE.finding("hcc-case-report.tumour-markers")
    assert any("radiotherapy" in c.lower() for c in markers.caveats)
    assert isinstance(hcc.year, NotReported)


def test_the_bilingual_review_is_counted_once() -> None:
    review = BASE.study("iwamoto-2003-review")
    assert sum(1 for s in BASE.studies if s.citation.id == "iwamoto-2003-yonsei-med-j") == 1
    for f in review.findings:
        langs = [q.language for q in f.quotes]
        assert langs.count("en") == langs.count("zh") >= 1, f.id
    assert review.design is Design.NARRATIVE_REVIEW


def test_the_news_report_is_typed_and_linked() -> None:
    news = BASE.citation("vitamink2-news-lasemi")
    assert news.kind is DocumentKind.NEWS_REPORT
    assert news.reports_on == "lasemi-2018-wien-klin-wochenschr"
    ms = BASE.study("lasemi-2018-ms")
    assert ms.setting.country == "Iran"
    assert isinstance(ms.setting.affiliation_country, NotReported)
    assert any("Austrian" in n for n in news.notes)
    medians = BASE.finding("lasemi-2018-ms.serum-vk2.medians")
    assert medians.outcome.definition is not None
    assert "assay-specific" in medians.outcome.definition


def test_the_two_d3s_are_two_compounds() -> None:
    with pytest.raises(vitk2.AmbiguousNameError) as err:
        BASE.compound("D3")
    assert set(err.value.suggestions) == {"alfacalcidol", "calcitriol"}
    trial_doses = {d.compound.id for a in MDS.arms if a.regimen for d in a.regimen.all_doses}
    assert "alfacalcidol" in trial_doses
    assert "calcitriol" not in trial_doses
    assert (
        BASE.compound("calcitriol") in BASE.finding("aml-vk2-preclinical.differentiation").compounds
    )


def test_every_name_of_mk4_resolves_to_one_compound() -> None:
    names = [
        "menatetrenone",
        "menaquinone-4",
        "MK-4",
        "MK4",
        "mk 4",
        "Glakay",
        "GLAKAY",
        "GlakayR",
    ]
    assert {BASE.compound(n).id for n in names} == {"menatetrenone"}
    # REFERENCE trap 3: 'VK2' and 'vitamin K2' name the class (the sources also use them for
    # menaquinones of unstated form), so neither may resolve to menatetrenone.
    for name in ("VK2", "vitamin K2"):
        try:
            found = BASE.compound(name)
        except vitk2.UnknownNameError:
            continue
        assert found.id != "menatetrenone", name


def test_every_study_has_a_level_with_its_rationale() -> None:
    for s in BASE.studies:
        assert s.level.rationale.strip(), s.id


def test_curated_text_is_whole_sentences() -> None:
    # A YAML flow list splits an unquoted sentence at its commas; this catches it.
    def texts() -> Iterator[tuple[str, str]]:
        for c in BASE.citations:
            yield from ((c.id, n) for n in c.notes)
        for s in BASE.studies:
            yield from ((s.id, n) for n in (*s.notes, *s.limitations))
            for f in s.findings:
                yield from ((f.id, n) for n in (*f.notes, *f.caveats, *f.certainty_reasons))

    for where, text in texts():
        assert text.rstrip()[-1] in ".)?!'\"", f"{where}: {text!r} is not a whole sentence"
        assert not text[0].islower() or text.startswith(("e.g.", "mean")), f"{where}: {text!r}"


def test_dataset_has_version_date_and_hash_and_a_changelog_entry() -> None:
    ds = BASE.dataset
    assert ds is not None
    assert re.fullmatch(r"\d{4}\.\d{2}\.\d+", ds.version)
    assert ds.date is not None
    assert re.fullmatch(r"[0-9a-f]{64}", BASE.content_hash)
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert ds.version in changelog
    assert BASE.content_hash in changelog, "record the dataset's new content hash in CHANGELOG.md"


def test_bundled_json_is_generated_from_the_yaml() -> None:
    spec = importlib.util.spec_from_file_location("build_data", ROOT / "tasks" / "build_data.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_data"] = module
    spec.loader.exec_module(module)
    current = (ROOT / "src" / "vitk2" / "data" / "bundled.json").read_text(encoding="utf-8")
    assert module.render() == current, "run: python tasks/build_data.py"


def test_load_is_cached_and_immutable() -> None:
    assert vitk2.load() is vitk2.load()
    assert isinstance(BASE.studies, tuple)
    with pytest.raises(AttributeError):
        BASE.studies = ()  # type: ignore[misc]


def test_phase_type_is_exported() -> None:
    step = MDS.group("step-2")
    assert isinstance(step, Phase)
    assert step.entry is not None
