"""Deterministic synthetic evidence for the benchmarks.

The documents have the shape of real curated evidence in format 2 (studies with arms, regimens
and doses; findings with proportions, effects and group summaries; verbatim quotes; adverse
events; retracted citations), drawn from a seeded generator so that the same seed and size
always give the same bytes. They carry an endpoint vocabulary (a few endpoints, some narrower
than others) that findings name; the findings of controlled trials compare an arm with a
reference arm (``comparator: {group: ...}``), two-arm counts as one ``arm_counts`` finding and
some effects with their ``reference`` arm, so that ``meta_analysis`` and ``summary`` have
contrasts to pool; most systematic reviews name the earlier trials of the base they
``include``. Findings of the other designs keep the format-1 text comparator. Every document
is valid for vitk2:

    python benchmarks/generate.py --sizes 100 1000 --out benchmarks/results/data
    python benchmarks/generate.py --sizes 100 --check     # also load each file with vitk2

Sizes are numbers of studies; there are always 50 indications, 200 compounds and 12 endpoints.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

SIZES = (100, 1_000, 10_000, 100_000)
N_INDICATIONS = 50
N_COMPOUNDS = 200
DEFAULT_SEED = 20261122

_CLASSES = (
    ("vitamin K2", "vitamin K"),
    ("vitamin K1", "vitamin K"),
    ("nitrogen-containing bisphosphonate", "bisphosphonate"),
    ("vitamin D analogue", "vitamin D"),
    ("calcium salt", "mineral supplement"),
    ("selective oestrogen receptor modulator", "hormonal agent"),
    ("cytotoxic antimetabolite", "chemotherapy"),
    ("retinoid", "vitamin A"),
)
_CATEGORIES = ("oncology", "haematology", "bone", "neurology", "other")
_DESIGNS = (
    ("randomised_controlled_trial", 30, 2),
    ("cohort", 15, 3),
    ("single_arm_trial", 12, 4),
    ("case_control", 8, 3),
    ("cross_sectional", 8, 4),
    ("non_randomised_controlled_trial", 6, 3),
    ("case_series", 6, 4),
    ("case_report", 5, 5),
    ("systematic_review", 4, 1),
    ("narrative_review", 2, 5),
    ("animal", 2, None),
    ("in_vitro", 2, None),
)
# (id, name, kind, which way is better, parent)
_ENDPOINTS = (
    ("fracture", "any fracture", "clinical", "lower", None),
    ("vertebral-fracture", "vertebral fracture", "clinical", "lower", "fracture"),
    ("nonvertebral-fracture", "non-vertebral fracture", "clinical", "lower", "fracture"),
    ("bmd", "bone mineral density", "surrogate", "higher", None),
    ("lumbar-spine-bmd", "lumbar spine bone mineral density", "surrogate", "higher", "bmd"),
    ("ucoc", "undercarboxylated osteocalcin", "biomarker", "lower", None),
    ("haematologic-response", "haematologic response", "clinical", "higher", None),
    ("overall-survival", "overall survival", "clinical", "higher", None),
    ("hcc-recurrence", "tumour recurrence", "clinical", "lower", None),
    ("neurological-disability", "neurological disability", "clinical", "lower", None),
    ("vitamin-k-status", "vitamin K status", "biomarker", "higher", None),
    ("adverse-events", "adverse events", "safety", "lower", None),
)
# (outcome name, kind, kind of statistic, endpoint id or None)
_OUTCOMES = (
    ("vertebral fracture", "clinical", "proportion", "vertebral-fracture"),
    ("non-vertebral fracture", "clinical", "effect", "nonvertebral-fracture"),
    ("lumbar spine bone mineral density", "surrogate", "group_summaries", "lumbar-spine-bmd"),
    ("undercarboxylated osteocalcin", "biomarker", "group_summaries", "ucoc"),
    ("haematologic improvement", "clinical", "proportion", "haematologic-response"),
    ("overall survival", "clinical", "effect", "overall-survival"),
    ("tumour recurrence", "clinical", "proportion", "hcc-recurrence"),
    ("disability progression", "clinical", "effect", "neurological-disability"),
    ("serum vitamin K level", "biomarker", "group_summaries", "vitamin-k-status"),
    ("adverse events leading to withdrawal", "safety", "count", "adverse-events"),
    ("investigator's summary", "surrogate", "narrative", None),
)
# Designs whose findings compare an arm with a reference arm in format 2's terms.
_TRIALS = ("randomised_controlled_trial", "non_randomised_controlled_trial")
_EFFECTS = ("risk_ratio", "odds_ratio", "hazard_ratio", "mean_difference", "risk_difference")
_COUNTRIES = ("Japan", "China", "Netherlands", "Canada", "United Kingdom", "Italy", "Iran", "USA")
_JOURNALS = (
    "Osteoporosis International",
    "Journal of Bone and Mineral Research",
    "Bone",
    "Journal of Bone and Mineral Metabolism",
    "Clinical Interventions in Aging",
    "Hepatology",
    "Leukemia Research",
    "Multiple Sclerosis Journal",
    "Archives of Internal Medicine",
    "Calcified Tissue International",
)
_SURNAMES = (
    "Iwamoto",
    "Shiraki",
    "Sato",
    "Knapen",
    "Binkley",
    "Cockayne",
    "Jiang",
    "Mott",
    "Su",
    "Inoue",
    "Orimo",
    "Ishida",
    "Hayashi",
    "Lasemi",
    "Miyazawa",
    "Torgerson",
    "Kanellakis",
    "Booth",
)
_WORDS = (
    "menatetrenone",
    "was",
    "given",
    "daily",
    "for",
    "two",
    "years",
    "and",
    "the",
    "incidence",
    "of",
    "fractures",
    "decreased",
    "in",
    "treated",
    "group",
    "compared",
    "with",
    "controls",
    "patients",
    "received",
    "placebo",
    "bone",
    "mineral",
    "density",
    "increased",
    "at",
    "lumbar",
    "spine",
    "no",
    "serious",
    "adverse",
    "events",
    "were",
    "observed",
    "during",
    "study",
)


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(_WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def _compounds() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i in range(N_COMPOUNDS):
        cls, family = _CLASSES[i % len(_CLASSES)]
        c: dict[str, Any] = {
            "id": f"compound-{i:03d}",
            "name": f"compound {i:03d}",
            "compound_class": cls,
            "family": family,
        }
        if i % 3 == 0:
            c["synonyms"] = [f"CMP-{i}", f"cmpd {i} alpha"]
        if i % 5 == 0:
            c["brands"] = [f"Brand{i:03d}"]
        if i % 4 == 0:
            c["codes"] = [{"system": "pubchem_cid", "code": str(5_280_000 + i)}]
        out.append(c)
    return out


def _endpoints() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for eid, name, kind, better, parent in _ENDPOINTS:
        e: dict[str, Any] = {"id": eid, "name": name, "kind": kind, "better": better}
        if parent is not None:
            e["parent"] = parent
        out.append(e)
    return out


def _indications() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i in range(N_INDICATIONS):
        ind: dict[str, Any] = {
            "id": f"indication-{i:02d}",
            "name": f"condition {i:02d}",
            "category": _CATEGORIES[i % len(_CATEGORIES)],
        }
        if i >= 10:  # subtypes of the first ten
            ind["parent"] = f"indication-{i % 10:02d}"
        if i % 2 == 0:
            ind["abbreviations"] = [f"C{i:02d}"]
        if i % 3 == 0:
            ind["synonyms"] = [f"disorder {i:02d}"]
        if i % 4 == 0:
            ind["codes"] = [{"system": "mesh", "code": f"D{100_000 + i:06d}"}]
        out.append(ind)
    return out


def _citation(rng: random.Random, cid: str, year: int, serial: int) -> dict[str, Any]:
    n = rng.randint(1, 6)
    authors = [f"{rng.choice(_SURNAMES)} {rng.choice('ABCDEFGHJKMST')}" for _ in range(n)]
    return {
        "id": cid,
        "kind": "primary_article",
        "authors": authors,
        "title": _sentence(rng, rng.randint(6, 14)),
        "journal": rng.choice(_JOURNALS),
        "year": year,
        "volume": str(rng.randint(1, 40)),
        "pages": f"{rng.randint(1, 900)}-{rng.randint(901, 999)}",
        "doi": f"10.1000/vitk2.{serial:07d}",
        "pmid": str(10_000_000 + serial),
    }


def _quantity(value: float, unit: str) -> str:
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{text} {unit}"


def _study(
    rng: random.Random, i: int, citations: list[dict[str, Any]], trials: list[str]
) -> dict[str, Any]:
    """Study ``i``; ``trials`` holds the ids of the controlled trials made before it."""
    sid = f"study-{i:06d}"
    design, _weight, ocebm = rng.choices(_DESIGNS, weights=[d[1] for d in _DESIGNS])[0]
    year = rng.randint(1990, 2025)
    cit = _citation(rng, f"cit-{i:06d}", year, len(citations))
    reports = [cit["id"]]
    citations.append(cit)
    if rng.random() < 0.1:  # a conference abstract reported the study first
        extra = _citation(rng, f"cit-{i:06d}-abstract", max(1990, year - 1), len(citations))
        extra["kind"] = "conference_abstract"
        extra["interim"] = True
        extra.pop("doi")
        citations.append(extra)
        reports.append(extra["id"])
    if rng.random() < 0.01:  # a retraction, with its notice
        notice = _citation(rng, f"cit-{i:06d}-notice", min(2025, year + 5), len(citations))
        notice["kind"] = "notice"
        notice.pop("doi")
        citations.append(notice)
        cit["integrity"] = {
            "status": "retracted",
            "date": f"{notice['year']}-06-01",
            "notice": notice["id"],
            "note": "Retracted for data fabrication.",
        }
    inds = sorted(rng.sample(range(N_INDICATIONS), rng.choice((1, 1, 1, 2))))
    ind_ids = [f"indication-{k:02d}" for k in inds]
    n_arms = (
        1 if design in ("single_arm_trial", "case_report", "case_series") else rng.randint(2, 3)
    )
    arms: list[dict[str, Any]] = []
    sizes: list[int] = []
    for a in range(n_arms):
        size = rng.randint(1, 400) if design != "case_report" else 1
        sizes.append(size)
        arm: dict[str, Any] = {
            "id": f"arm-{a + 1}",
            "name": "control" if a == n_arms - 1 and n_arms > 1 else f"intervention {a + 1}",
            "role": "control" if a == n_arms - 1 and n_arms > 1 else "intervention",
            "size": size,
        }
        if arm["role"] == "intervention":
            doses = []
            for _ in range(rng.choice((1, 1, 2))):
                dose: dict[str, Any] = {
                    "compound": f"compound-{rng.randrange(N_COMPOUNDS):03d}",
                    "amount": _quantity(rng.choice((15, 45, 90, 1.5, 0.2)), "mg/day"),
                    "route": "oral",
                }
                if rng.random() < 0.2:
                    dose = {
                        "compound": dose["compound"],
                        "amount": _quantity(rng.choice((5, 15)), "mg"),
                        "frequency": "3/day",
                    }
                doses.append(dose)
            arm["regimen"] = {
                "doses": doses,
                "duration": _quantity(rng.choice((6, 12, 24, 36)), "month"),
            }
            if rng.random() < 0.3:
                arm["regimen"]["background"] = [
                    {"compound": "compound-004", "amount": "600 mg/day", "route": "oral"}
                ]
        if rng.random() < 0.5:
            female = rng.randint(0, size)
            arm["sex"] = {"female": female, "male": size - female}
        arms.append(arm)
    enrolled = sum(sizes)
    population: dict[str, Any] = {
        "description": _sentence(rng, 8),
        "enrolled": enrolled,
        "evaluable": enrolled - rng.randint(0, enrolled // 10),
        "age": {"measure": "mean", "value": _quantity(rng.randint(20, 85), "year")},
    }
    findings: list[dict[str, Any]] = []
    trial = design in _TRIALS and n_arms > 1
    review = design == "systematic_review"
    includes: list[str] = []
    if review and trials and rng.random() < 0.7:  # the earlier trials of the base it pools
        includes = sorted(rng.sample(trials, min(len(trials), rng.randint(2, 6))))
    control = arms[-1]
    for j in range(rng.randint(2, 6)):
        name, kind, stat_kind, endpoint = rng.choice(_OUTCOMES)
        arm = rng.choice(arms[:-1] if trial else arms)  # a trial's contrast: an intervention arm
        group_size = arm["size"]
        reference: str | None = None  # a trial's reference arm, named by the comparator
        stat: dict[str, Any]
        if stat_kind == "proportion" and trial:
            stat = {
                "kind": "arm_counts",
                "arms": [
                    {"group": a["id"], "events": rng.randint(0, a["size"]), "total": a["size"]}
                    for a in (arm, control)
                ],
                "p_value": rng.choice(("< 0.05", "> 0.05", 0.012, 0.3)),
            }
            reference = control["id"]
        elif stat_kind == "proportion":
            events = rng.randint(0, group_size)
            stat = {"kind": "proportion", "events": events, "total": group_size}
            if rng.random() < 0.5:
                stat["reported_percent"] = round(100 * events / group_size, 1)
        elif stat_kind == "effect":
            measure = rng.choice(_EFFECTS)
            if measure in ("mean_difference", "risk_difference"):
                value = round(rng.uniform(-2, 2), 2)
                low, high = (
                    round(value - rng.uniform(0.1, 1), 2),
                    round(value + rng.uniform(0.1, 1), 2),
                )
            else:
                value = round(rng.uniform(0.3, 2.0), 2)
                low, high = (
                    round(value * rng.uniform(0.5, 0.95), 2),
                    round(value * rng.uniform(1.05, 2), 2),
                )
            stat = {"kind": "effect", "measure": measure, "value": value, "low": low, "high": high}
            if rng.random() < 0.6:
                stat["p_value"] = rng.choice(("< 0.001", "< 0.05", 0.21, 0.048, 0.5))
            if trial:
                reference = control["id"]
                if rng.random() < 0.5:  # the arm the ratio is relative to, as reported
                    stat["reference"] = control["id"]
            elif review and includes:
                stat["studies"] = len(includes)
                stat["participants"] = rng.randint(100, 5_000)
        elif stat_kind == "group_summaries" and n_arms > 1:
            unit = "g/cm²" if "density" in name else "ng/mL"
            stat = {
                "kind": "group_summaries",
                "summaries": [
                    {
                        "group": a["id"],
                        "measure": "mean",
                        "value": _quantity(round(rng.uniform(0.5, 1.2), 3), unit),
                        "spread": _quantity(round(rng.uniform(0.05, 0.2), 3), unit),
                        "spread_kind": "sd",
                        "n": a["size"],
                    }
                    for a in arms
                ],
                "p_value": rng.choice(("< 0.01", 0.03, 0.4)),
            }
            if trial:
                reference = control["id"]
        elif stat_kind == "count":
            # a count of events is never more than the group it is counted in
            stat = {"kind": "count", "value": rng.randint(0, min(5, group_size))}
        else:
            stat = {"kind": "narrative", "summary": _sentence(rng, 12)}
        finding: dict[str, Any] = {
            "id": f"{sid}.f{j + 1}",
            "outcome": {
                "name": name,
                "kind": kind,
                "timepoint": _quantity(rng.choice((6, 12, 24)), "month"),
            },
            "indication": rng.choice(ind_ids),
            "statistic": stat,
            "direction": rng.choice(
                ("benefit", "benefit", "no_clear_effect", "harm", "association")
            ),
            "provenance": [{"text": _sentence(rng, rng.randint(10, 30)), "source": cit["id"]}],
        }
        if endpoint is not None:
            finding["outcome"]["endpoint"] = endpoint
        if stat["kind"] != "group_summaries" or reference is not None:
            finding["group"] = arm["id"]
        if reference is not None:
            finding["comparator"] = {"group": reference}
        elif review and stat["kind"] == "effect" and "studies" in stat:
            finding["comparator"] = {
                "kind": "placebo",
                "studies": stat["studies"],
                "participants": stat["participants"],
            }
        elif n_arms > 1 and stat["kind"] in ("proportion", "effect"):
            finding["comparator"] = "control"  # format 1: the comparator in words
        if rng.random() < 0.3:
            finding["provenance"].append({"source": cit["id"], "locator": "Table 2"})
        if rng.random() < 0.1:
            finding["caveats"] = ["Open-label; outcome assessors were not blinded."]
        findings.append(finding)
    study: dict[str, Any] = {
        "id": sid,
        "title": _sentence(rng, rng.randint(6, 12)),
        "reports": reports,
        "design": design,
        "indications": ind_ids,
        "population": population,
        "level": {
            "ocebm": ocebm,
            "certainty": rng.choice(("very_low", "low", "moderate", "high")),
            "rationale": _sentence(rng, 15),
            "downgrades": ["risk of bias: open label"] if rng.random() < 0.4 else [],
        },
        "setting": {"country": rng.choice(_COUNTRIES), "multicentre": rng.random() < 0.5},
        "arms": arms,
        "findings": findings,
    }
    if rng.random() < 0.5:
        arm = rng.choice(arms)
        study["adverse_events"] = [
            {
                "term": rng.choice(("skin rash", "gastric discomfort", "oedema", "headache")),
                "participants": rng.randint(0, arm["size"]),
                "total": arm["size"],
                "group": arm["id"],
                "provenance": [{"source": cit["id"], "locator": "Results, adverse events"}],
            }
        ]
    if rng.random() < 0.3:
        study["limitations"] = [_sentence(rng, 10)]
    if includes:
        study["includes"] = includes
    if trial:
        trials.append(sid)
    return study


def generate(n_studies: int, seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """A whole evidence document with ``n_studies`` studies, the same for the same seed."""
    rng = random.Random(f"{seed}:{n_studies}")
    citations: list[dict[str, Any]] = []
    trials: list[str] = []
    studies = [_study(rng, i, citations, trials) for i in range(n_studies)]
    return {
        "vitk2": 2,
        "dataset": {
            "id": f"synthetic-{n_studies}",
            "version": f"{seed}.0",
            "title": f"{n_studies} synthetic studies",
        },
        "compounds": _compounds(),
        "endpoints": _endpoints(),
        "indications": _indications(),
        "citations": citations,
        "studies": studies,
    }


def write(data: dict[str, Any], path: Path, fmt: str) -> Path:
    """Write ``data`` as ``fmt`` (``"json"`` or ``"yaml"``) to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "json":
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")
    else:
        import yaml

        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        path.write_text(
            yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100),
            "utf-8",
        )
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/data"))
    parser.add_argument("--format", choices=("json", "yaml"), nargs="+", default=["json", "yaml"])
    parser.add_argument("--check", action="store_true", help="load every file with vitk2")
    args = parser.parse_args(argv)
    for n in args.sizes:
        data = generate(n, args.seed)
        for fmt in args.format:
            path = write(data, args.out / f"synthetic-{n}.{fmt}", fmt)
            line = f"wrote {path} ({path.stat().st_size / 2**20:.1f} MiB)"
            if args.check:
                import vitk2

                base = vitk2.load_file(path)
                line += f": {len(base.studies)} studies, {len(base.findings)} findings load"
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
