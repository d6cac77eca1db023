"""Benchmarks: vitk2 against hand-written baselines measured in the same run.

    pip install -e '.[benchmark]'
    python benchmarks/run.py --sizes 100 1000 10000      # the table in docs/performance.md
    python benchmarks/run.py --quick                     # CI smoke run: smallest size, once

Every number is a median over ``--repeat`` runs of CPU time (``time.process_time``), which a
busy machine disturbs less than wall time; every ratio divides by a baseline measured in the
same run on the same data. The baselines:

* import: ``import attrs, cattrs, yaml`` in a fresh interpreter (the time of the import
  statement, measured inside the child, bytecode cached for both);
* load: ``json.loads`` plus hand-written attrs construction of the same objects
  (``benchmarks/handbuilt.py``; the runner checks that the result equals vitk2's);
* the peers: pydantic v2 validating the same JSON into its models, msgspec decoding it into
  its Structs (each only when installed; a missing one is named at the end of the table) and
  ``json.loads`` plus hand-built construction, each in a fresh interpreter that only imports,
  builds its decoder and loads the file (``benchmarks/schemas.py`` has their record types).

Every row runs with the cyclic garbage collector as a program finds it: on, vitk2 and every
baseline alike (vitk2 never switches it; the peer processes check that it is on). Only the rows
labelled "advice" pause or freeze it, to show what a program gains by doing so itself.

Memory is measured in those fresh interpreters, one per library and measure, so that nothing
else alive shares or hides what a load allocates: the peak resident size while it loads (over
the size before it), and what the loaded records keep (tracemalloc, in a separate process,
since tracing slows the load). Nothing here asserts a time: the table says which goals are met.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import itertools
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
if (ROOT / "src" / "vitk2").is_dir():  # measure this checkout's code, whatever is installed
    sys.path.insert(0, str(ROOT / "src"))
import attrs  # noqa: E402
import generate  # noqa: E402 - after the path is set
import handbuilt  # noqa: E402
import yaml  # noqa: E402

import vitk2  # noqa: E402
from vitk2._base import EvidenceBase  # noqa: E402
from vitk2._bundled import bundled_data  # noqa: E402
from vitk2._io import from_data  # noqa: E402
from vitk2._parse import LIMITS, JsonRecords, accelerator, parse_bytes  # noqa: E402

OPTIONAL_EXTRAS = ("pandas", "matplotlib", "pyarrow", "fhir", "msgspec", "pydantic", "numpy")
YAML_MAX_STUDIES = 1_000  # 10k studies of YAML exceed vitk2's 32 MiB limit for YAML files


# -- measuring --------------------------------------------------------------------------------


def cpu(fn: Callable[[], Any], repeat: int) -> float:
    """Median CPU seconds of ``fn()``."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


QUICK = False  # --quick: shorter loops for the per-call timings


def per_call(fn: Callable[[], Any], repeat: int, budget: float = 0.02) -> float:
    """Median CPU seconds of one call of a fast ``fn``, calling it in loops of ``budget`` s."""
    if QUICK:
        budget /= 10
    start, n = time.process_time(), 0
    while time.process_time() - start < budget / 4:
        fn()
        n += 1
    loops = max(1, n * 4)
    samples = []
    for _ in range(3 if QUICK else max(repeat, 5)):
        start = time.process_time()
        for _ in range(loops):
            fn()
        samples.append((time.process_time() - start) / loops)
    return statistics.median(samples)


@contextlib.contextmanager
def paused_by_the_program() -> Iterator[None]:
    """``gc.disable()`` around a block, as a program may choose to: for the "advice" rows only."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def child_env(pycache: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # cached bytecode for vitk2 as for site-packages
    env["PYTHONPYCACHEPREFIX"] = pycache
    paths = [str(ROOT / "src"), str(HERE)]
    env["PYTHONPATH"] = os.pathsep.join([*paths, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def in_child(code: str, env: dict[str, str], *args: str) -> Any:
    """Run ``code`` in a fresh interpreter; it prints one JSON value on its last line."""
    out = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise RuntimeError(f"child failed:\n{code}\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


IMPORT_CHILD = """
import json, sys, time
t = time.process_time()
import {modules}
{use}
dt = time.process_time() - t
extras = sorted(m for m in {extras!r} if m in sys.modules)
data_read = None
if "vitk2" in sys.modules:
    import vitk2._bundled as b
    data_read = b._cache is not None
print(json.dumps([dt, extras, data_read]))
"""

# What a program that uses vitk2 imports by the time it has read a file: the model, the
# converter, the loader and EvidenceBase (``import vitk2`` alone imports none of them).
FIRST_USE = "vitk2.EvidenceBase, vitk2.Study, vitk2.loads"

# A peer loading a large JSON file in a fresh interpreter: it imports its library and builds
# its decoder (vitk2: its converters, from a tiny document) first; only the load is measured.
# argv: the file, the peer, "time" (CPU time and resident sizes) or "kept" (tracemalloc).
PEER_CHILD = r"""
import gc, json, os, sys, time
from pathlib import Path

path, peer, mode = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
if peer in ("vitk2", "vitk2-unvalidated"):
    import generate, vitk2
    vitk2.loads(json.dumps(generate.generate(5)), "json")
    load = lambda: vitk2.load_file(path)
    if peer == "vitk2-unvalidated":  # what the model's validators cost: a measure, not advice
        import attrs
        attrs.validators.set_disabled(True)
elif peer == "hand-built":
    import handbuilt
    load = lambda: handbuilt.build(json.loads(path.read_bytes()))
elif peer == "pydantic":
    import schemas
    model = schemas.pydantic_schema()
    load = lambda: model.model_validate_json(path.read_bytes())
elif peer == "msgspec":
    import msgspec, schemas
    decoder = msgspec.json.Decoder(schemas.msgspec_schema())
    load = lambda: decoder.decode(path.read_bytes())
else:
    raise SystemExit(f"unknown peer {peer!r}")


def status(field):
    with open("/proc/self/status") as f:  # Linux: this process's own sizes, in kB
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise OSError(field)


def start_peak():  # the resident size now; the peak counts from it where the system allows
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # reset the peak resident size (VmHWM) to the current one
        return status("VmRSS")
    except OSError:  # elsewhere: the peak since the process started
        return 0


def peak():
    try:
        return status("VmHWM")  # not ru_maxrss: on Linux it keeps the parent's peak across exec
    except OSError:
        import resource
        size = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return size if sys.platform == "darwin" else size * 1024


assert gc.isenabled(), "every peer loads with the collector on"
gc.collect()
if mode == "time":
    before = start_peak()
    start = time.process_time()
    result = load()
    seconds = time.process_time() - start
    print(json.dumps({"seconds": seconds, "before": before, "peak": peak()}))
else:
    import tracemalloc
    tracemalloc.start()
    result = load()
    gc.collect()
    print(json.dumps({"kept": tracemalloc.get_traced_memory()[0]}))
"""
PEERS = ("vitk2", "vitk2-unvalidated", "pydantic", "msgspec", "hand-built")

# Both load children import the dependencies first, and both time the import of the vitk2
# modules they need: the loader's for vitk2.load(), the model's for the hand-built baseline.
COLD_LOAD_CHILD = """
import json, time
import attrs, cattrs, yaml
import vitk2
t = time.process_time()
base = vitk2.load()  # imports the model, the converter and the loader on first use
cold = time.process_time() - t
t = time.process_time()
for _ in range(10000):
    vitk2.load()
warm = (time.process_time() - t) / 10000
print(json.dumps([cold, warm, len(base.studies)]))
"""

COLD_HAND_CHILD = """
import json, time
from importlib import resources
import attrs, cattrs, yaml
import vitk2
t = time.process_time()
import handbuilt  # imports vitk2's model classes and EvidenceBase
text = resources.files("vitk2").joinpath("data").joinpath("bundled.json").read_text("utf-8")
base = handbuilt.build(json.loads(text))
print(json.dumps([time.process_time() - t, len(base.studies)]))
"""


# -- the table ----------------------------------------------------------------------------


@dataclass
class Row:
    measure: str
    size: str
    value: str
    baseline: str = ""
    ratio: float | None = None
    goal: str = ""
    met: bool | None = None


def ms(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.3g} s"
    return f"{seconds * 1e3:.3g} ms" if seconds >= 1e-3 else f"{seconds * 1e6:.3g} µs"


def mib(n: float) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n / 1024:.1f} KiB"


def ratio_row(
    measure: str,
    size: str,
    value: float,
    base: float,
    limit: float | None,
    fmt: Callable[[float], str] = ms,
) -> Row:
    r = value / base if base else float("inf")
    return Row(
        measure,
        size,
        fmt(value),
        fmt(base),
        r,
        f"≤ {limit:g}x" if limit is not None else "",
        None if limit is None else r <= limit,
    )


def print_table(rows: list[Row], header: str) -> None:
    print(header)
    print()
    head = ("measure", "studies", "vitk2", "baseline", "ratio", "goal", "met")
    cells = [head] + [
        (
            r.measure,
            r.size,
            r.value,
            r.baseline,
            "" if r.ratio is None else f"{r.ratio:.2f}x",
            r.goal,
            {True: "yes", False: "NO", None: ""}[r.met],
        )
        for r in rows
    ]
    widths = [max(len(c[i]) for c in cells) for i in range(len(head))]
    for i, c in enumerate(cells):
        print("| " + " | ".join(x.ljust(w) for x, w in zip(c, widths, strict=True)) + " |")
        if i == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    print()


# -- the benchmarks -------------------------------------------------------------------------


def bench_import(rows: list[Row], repeat: int, pycache: str) -> None:
    env = child_env(pycache)
    codes = {
        "deps": IMPORT_CHILD.format(modules="attrs, cattrs, yaml", use="", extras=OPTIONAL_EXTRAS),
        "vitk2": IMPORT_CHILD.format(modules="vitk2", use="", extras=OPTIONAL_EXTRAS),
        "used": IMPORT_CHILD.format(modules="vitk2", use=FIRST_USE, extras=OPTIONAL_EXTRAS),
    }
    for code in codes.values():
        in_child(code, env)  # write the bytecode caches
    times: dict[str, list[float]] = {k: [] for k in codes}
    extras, read = [], None
    for _ in range(repeat):  # interleaved, so drift hits all three
        for key, code in codes.items():
            dt, ex, data_read = in_child(code, env)
            times[key].append(dt)
            if key == "vitk2":
                extras, read = ex, data_read
    deps = statistics.median(times["deps"])
    rows.append(
        ratio_row(
            "import vitk2 (vs import attrs, cattrs, yaml)",
            "-",
            statistics.median(times["vitk2"]),
            deps,
            1.15,
        )
    )
    rows.append(
        ratio_row(
            "import vitk2 + first use of model and loader",
            "-",
            statistics.median(times["used"]),
            deps,
            None,
        )
    )
    rows.append(
        Row(
            "import: optional extras imported / data read",
            "-",
            f"{', '.join(extras) or 'none'} / {'yes' if read else 'no'}",
            goal="none / no",
            met=not extras and not read,
        )
    )


def bench_bundled(rows: list[Row], repeat: int, pycache: str) -> None:
    env = child_env(pycache)
    try:  # the hand-built baseline knows the evidence format of the synthetic files
        same: bool | None = handbuilt.build(bundled_data()) == vitk2.load()
    except Exception as exc:  # the bundled data uses a part of the format it does not build
        same = None
        note = f"{type(exc).__name__}: {exc}"[:200]
        print(f"note: hand-built baseline cannot build the bundled data ({note})", file=sys.stderr)
    in_child(COLD_LOAD_CHILD, env)
    cold, hand, warm = [], [], []
    for _ in range(repeat):
        c, w, _n = in_child(COLD_LOAD_CHILD, env)
        cold.append(c)
        warm.append(w)
        if same is not None:
            h, _n = in_child(COLD_HAND_CHILD, env)
            hand.append(h)
    if hand:
        rows.append(
            ratio_row(
                "vitk2.load() cold, imports included (vs json + hand-built)",
                str(_n),
                statistics.median(cold),
                statistics.median(hand),
                2.0,
            )
        )
    else:
        rows.append(
            Row(
                "vitk2.load() cold, imports included (hand-built: format not covered)",
                str(_n),
                ms(statistics.median(cold)),
                goal="≤ 2x",
            )
        )
    w = statistics.median(warm)
    rows.append(Row("vitk2.load() warm (cached)", str(_n), ms(w), goal="µs", met=w < 1e-5))
    if same is not None:
        rows.append(
            Row(
                "hand-built bundled base == vitk2.load()", str(_n), str(same), goal="True", met=same
            )
        )


def bench_size(
    rows: list[Row], n: int, repeat: int, workdir: Path, env: dict[str, str], index_rows: bool
) -> None:
    size = f"{n:,}"
    data = generate.generate(n)
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    del data
    json_path = workdir / f"synthetic-{n}.json"
    json_path.write_bytes(raw)

    # -- loading ----------------------------------------------------------------------
    def hand() -> EvidenceBase:
        return handbuilt.build(json.loads(raw))

    small = vitk2.loads(json.dumps(generate.generate(5)), "json")  # build the converters first
    vitk2.dump(small, "json")  # and the hooks that unstructure (what the content hash uses)
    start = time.process_time()
    built = hand()
    t_first_hand = time.process_time() - start
    start = time.process_time()
    base = vitk2.load_file(json_path)
    t_first_file = time.process_time() - start
    same = built == base
    del built
    rows.append(Row("hand-built base == vitk2's", size, str(same), goal="True", met=same))
    full = n < 100_000  # at 100k: each load once; no YAML, no advice rows
    t_hand = cpu(hand, repeat) if full else t_first_hand
    t_file = cpu(lambda: vitk2.load_file(json_path), repeat) if full else t_first_file
    rows.append(
        ratio_row("load_file(JSON) (vs json.loads + hand-built)", size, t_file, t_hand, None)
    )
    parsed = json.loads(raw)
    t_struct = cpu(lambda: from_data(parsed), repeat)
    t_hand_struct = cpu(lambda: handbuilt.build(parsed), repeat)
    rows.append(ratio_row("structuring only (vs hand-built)", size, t_struct, t_hand_struct, 1.5))
    t_json = cpu(lambda: json.loads(raw), repeat)
    t_parse = cpu(lambda: parse_bytes(raw, "json", "f.json", mapping=True), repeat)
    rows.append(
        ratio_row(
            "hardened JSON parse, whole document (vs json.loads)", size, t_parse, t_json, None
        )
    )
    reader = "msgspec" if accelerator() is not None else "standard library"
    t_read = cpu(lambda: read_records(raw), repeat)
    rows.append(
        ratio_row(
            f"load_file's reading: every record decoded and checked, {reader} (vs json.loads)",
            size,
            t_read,
            t_json,
            None,
        )
    )
    if not full:
        parsed = None
        bench_peers(rows, n, 1, json_path, len(raw), env)
        bench_exports(rows, base, n, 1, workdir, t_file)
        if index_rows:
            bench_queries(rows, base, n, repeat, t_file)
        return
    parsed = None  # free it before the memory is measured

    def paused_load() -> EvidenceBase:
        with paused_by_the_program():
            return vitk2.load_file(json_path)

    t_paused = cpu(paused_load, repeat)
    rows.append(
        ratio_row(
            "advice: load_file(JSON) in gc.disable()/enable() (vs as is)",
            size,
            t_paused,
            t_file,
            None,
        )
    )

    if n <= YAML_MAX_STUDIES:
        yaml_path = workdir / f"synthetic-{n}.yaml"
        generate.write(json.loads(raw), yaml_path, "yaml")
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        text = yaml_path.read_text("utf-8")

        def yaml_hand() -> EvidenceBase:
            return handbuilt.build(yaml.load(text, Loader=loader))  # a safe loader

        t_yaml = cpu(lambda: vitk2.load_file(yaml_path), repeat)
        t_yaml_hand = cpu(yaml_hand, repeat)
        rows.append(
            ratio_row(
                "load_file(YAML) (vs yaml C loader + hand-built)", size, t_yaml, t_yaml_hand, None
            )
        )
        from vitk2 import _parse

        c_loader = issubclass(_parse._Loader, getattr(yaml, "CSafeLoader", ()))
        rows.append(
            Row(
                "YAML read with PyYAML's C loader",
                size,
                str(c_loader),
                goal="True",
                met=c_loader or not hasattr(yaml, "CSafeLoader"),
            )
        )

    bench_peers(rows, n, repeat if n < 10_000 else min(repeat, 3), json_path, len(raw), env)
    bench_exports(rows, base, n, repeat, workdir, t_file)

    # -- queries ------------------------------------------------------------------------
    if index_rows:
        bench_queries(rows, base, n, repeat, t_file)


def read_records(raw: bytes) -> None:
    """What load_file does before structuring: decode and check each record, then let it go."""
    doc = JsonRecords(raw, LIMITS)
    for items in doc.lists.values():
        for i, item in enumerate(items):
            doc.record(item)
            items[i] = None
    doc.finish()


def peer_available(peer: str) -> bool:
    return peer not in ("msgspec", "pydantic") or _installed(peer)


def bench_peers(
    rows: list[Row], n: int, repeat: int, path: Path, file_bytes: int, env: dict[str, str]
) -> None:
    """vitk2 against pydantic, msgspec and hand-built code, each loading the file in a fresh process.

    Rounds are interleaved (one load of each peer per round), so that a busy machine disturbs
    them alike; every process has the collector on. The peak resident size counts what the
    load added to the process (the file's bytes, the parsed document, the records); what the
    records keep is measured apart, with tracemalloc, in fresh processes too.
    """
    size = f"{n:,}"
    peers = [p for p in PEERS if peer_available(p)]
    times: dict[str, list[float]] = {p: [] for p in peers}
    peaks: dict[str, list[int]] = {p: [] for p in peers}
    for _ in range(repeat):
        for peer in peers:
            out = in_child(PEER_CHILD, env, str(path), peer, "time")
            times[peer].append(out["seconds"])
            peaks[peer].append(out["peak"] - out["before"])
    t = {p: statistics.median(v) for p, v in times.items()}
    peak = {p: statistics.median(v) for p, v in peaks.items()}
    labels = {
        "pydantic": "pydantic v2 validate_json",
        "msgspec": "msgspec decode",
        "hand-built": "json.loads + hand-built",
    }
    for peer, label in labels.items():
        if peer in t:
            rows.append(
                ratio_row(
                    f"load, fresh processes: load_file(JSON) (vs {label})",
                    size,
                    t["vitk2"],
                    t[peer],
                    1.0 if peer == "pydantic" else None,
                )
            )
    if "pydantic" in t:  # the part of the gap the model's validators account for
        rows.append(
            ratio_row(
                "  load_file(JSON) with every validator of the model off (vs pydantic v2)",
                size,
                t["vitk2-unvalidated"],
                t["pydantic"],
                None,
            )
        )
    per_file = peak["vitk2"] / file_bytes
    rows.append(
        Row(
            "peak memory of load_file(JSON), fresh process (vs the file)",
            size,
            mib(peak["vitk2"]),
            f"file {mib(file_bytes)}",
            per_file,
            "< 4x",
            per_file < 4,
        )
    )
    for peer, label in labels.items():
        if peer in peak:
            rows.append(
                ratio_row(
                    f"  peak memory of {label}, fresh process (vs the file)",
                    size,
                    peak[peer],
                    file_bytes,
                    None,
                    fmt=mib,
                )
            )
    if n >= 100_000:  # tracing slows a load by 2-3x: the records' size is the same per study
        return
    kept = {
        p: in_child(PEER_CHILD, env, str(path), p, "kept")["kept"] / n
        for p in peers
        if p != "vitk2-unvalidated"  # the same records
    }

    def kib(b: float) -> str:
        return f"{b / 1024:.2f} KiB"

    for peer, label, goal in (
        ("msgspec", "msgspec Structs", 1.1),
        ("pydantic", "pydantic models", None),
        ("hand-built", "hand-built", None),
    ):
        if peer in kept:
            rows.append(
                ratio_row(
                    f"memory kept per study, fresh processes (vs {label})",
                    size,
                    kept["vitk2"],
                    kept[peer],
                    goal,
                    fmt=kib,
                )
            )


# Export times by export, (studies, findings, seconds) per size, for the scaling rows.
EXPORT_TIMES: dict[str, list[tuple[int, int, float]]] = {}

# What a FHIR Bundle holds in memory per finding, measured (2,000 studies: 152 MiB for 7,973
# findings), with a margin: the Bundle is built whole, so at 100k studies it needs about 8 GiB.
FHIR_BYTES_PER_FINDING = 24 * 1024


def available_memory() -> int | None:
    """Bytes the system can still give a process (Linux ``MemAvailable``), or None."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def bench_exports(
    rows: list[Row], base: EvidenceBase, n: int, repeat: int, workdir: Path, t_load: float
) -> None:
    """Every export of the whole base, each against loading the same file."""
    size = f"{n:,}"
    findings = len(base.findings)
    exports: list[tuple[str, Callable[[], Any], float | None]] = [
        ("to_rows", lambda: vitk2.to_rows(base), None),
        ("to_csv", lambda: vitk2.to_csv(base), None),
    ]
    if _installed("pandas") and _installed("pyarrow"):
        path = workdir / f"findings-{n}.parquet"
        exports.append(("to_parquet", lambda: vitk2.to_parquet(base, path), 1.0))
    need, free = findings * FHIR_BYTES_PER_FINDING, available_memory()
    if free is None or 1.5 * need < free:
        exports.append(("to_fhir", lambda: vitk2.to_fhir(base), None))
    else:
        print(
            f"export to_fhir at {size} studies skipped: its Bundle needs about {mib(need)}, "
            f"{mib(free)} available",
            file=sys.stderr,
        )
        rows.append(Row("export: to_fhir skipped (memory)", size, f"needs {mib(need)}"))
    for name, fn, goal in exports:
        t = cpu(fn, repeat if name != "to_fhir" else min(repeat, 3))
        EXPORT_TIMES.setdefault(name, []).append((n, findings, t))
        rows.append(ratio_row(f"export: {name} (vs load_file of the JSON)", size, t, t_load, goal))
        per = t / max(1, findings)
        rows.append(Row(f"  {name}: per finding (the same at every size)", size, ms(per)))


def scaling_rows(rows: list[Row]) -> None:
    """Each export's growth between the sizes measured: time ~ findings ** exponent."""
    for name, runs in EXPORT_TIMES.items():
        for (n1, f1, t1), (n2, f2, t2) in itertools.pairwise(sorted(runs)):
            if f2 <= f1 or t1 <= 0:
                continue
            exponent = math.log(t2 / t1) / math.log(f2 / f1)
            rows.append(
                Row(
                    f"scaling: export {name}, time ~ findings^k",
                    f"{n1:,} → {n2:,}",
                    f"k = {exponent:.2f}",
                    f"{ms(t1 / f1)} → {ms(t2 / f2)}/finding",
                    goal="k ≤ 1.2",
                    met=exponent <= 1.2,
                )
            )


def _query_keys(base: EvidenceBase) -> dict[str, Any]:
    mid = base.studies[len(base.studies) // 2]
    finding = mid.findings[0]
    compound = base.compounds[0]
    for s in base.studies[len(base.studies) // 2 :]:  # a compound some finding's group received
        given = [c for f in s.findings if f.group for c in base.compounds_of(f)]
        if given:
            compound = given[0]
            break
    return {
        "study": mid.id,
        "finding": finding.id,
        "indication": finding.indication.id,
        "leaf_indication": "indication-42"
        if any(i.id == "indication-42" for i in base.indications)
        else finding.indication.id,
        "compound": compound.id,
        "compound_name": compound.synonyms[0] if compound.synonyms else compound.name,
    }


def _touch(base: EvidenceBase, k: dict[str, Any]) -> None:
    base.study(k["study"])
    base.finding(k["finding"])
    base.compound(k["compound_name"])
    base.indication(k["indication"])
    base.citation(base.studies[0].reports[0].id)
    base.subtypes(k["indication"])
    idx = base._index  # the tables queries use, each built on first use
    for table in ("studies_by_indication", "studies_by_compound", "position", "findings"):
        getattr(idx, table)
    idx.records.flagged  # noqa: B018


def _first_asks(
    base: EvidenceBase, ask: Callable[[Any], Any], keys: list[Any], size: Callable[[Any], int]
) -> tuple[float, float]:
    """Median CPU seconds of the first ask of each key, and the median result size."""
    times, sizes = [], []
    for key in keys:
        start = time.process_time()
        result = ask(key)
        times.append(time.process_time() - start)
        sizes.append(size(result))
    return statistics.median(times), statistics.median(sizes)


def _row_floor(built: Sequence[Any], repeat: int) -> float:
    """Median CPU seconds to construct ``built`` again from its own fields."""
    cls = type(built[0]) if built else None
    if cls is None:
        return 0.0
    fields = [a.name for a in attrs.fields(cls)]
    kwargs = [{f: getattr(r, f) for f in fields} for r in built]
    return cpu(lambda: [cls(**kw) for kw in kwargs], max(3, repeat))


def _floor_of(groups: Sequence[Sequence[Any]], repeat: int) -> float:
    """Median CPU seconds to construct every object of ``groups`` (each of one class) again."""
    return sum(_row_floor(list(g), repeat) for g in groups if g)


def _summary_objects(sof: Any) -> list[list[Any]]:
    """A summary's objects by class: rows, their estimates, domains and evidence, left out."""
    rows = [*sof.rows, *sof.preclinical]
    return [
        rows,
        [r.estimate for r in rows if r.estimate is not None],
        [d for r in rows for d in r.domains],
        [e for r in rows for e in r.evidence],
        list(sof.left_out),
    ]


def _meta_objects(ma: Any) -> list[list[Any]]:
    """A meta-analysis's objects by class: its contrasts and the findings it left out."""
    return [list(ma.contrasts), list(ma.excluded)]


def bench_compare_first(
    rows: list[Row], base: EvidenceBase, targets: list[str], size: str, repeat: int
) -> None:
    """compare(indication), first ask: the median over indications without subtypes."""
    t, found = _first_asks(base, lambda i: base.compare(i), targets, lambda c: len(c.rows))
    # The floor under any first ask: building the same rows (one ComparisonRow per finding)
    # from fields already computed, and nothing else. Median over the same comparisons.
    floors = [_row_floor(base.compare(i).rows, repeat) for i in targets]
    floor = statistics.median(floors)
    first = ratio_row(
        f"compare(one indication), first ask -> {found:g} rows (vs its rows' floor)",
        size,
        t,
        floor,
        None,
    )
    first.goal, first.met = "< 50 ms", t < 0.05  # users ask once: the first ask is what they feel
    rows.append(first)
    rows.append(
        Row(
            "  floor: building those rows from computed fields alone",
            size,
            ms(floor),
            f"{ms(floor / max(1, found))}/row",
        )
    )


def bench_queries(rows: list[Row], base: EvidenceBase, n: int, repeat: int, t_load: float) -> None:
    size = f"{n:,}"
    k = _query_keys(base)

    # Every full collection walks every object alive, the base's too, and the collector runs
    # them by itself as a program goes on allocating. gc.freeze() (the program's choice, never
    # vitk2's) takes what is alive out of their way.
    t_full = cpu(gc.collect, max(1, min(repeat, 3)))
    rows.append(
        ratio_row("full collection, the base alive (vs load_file)", size, t_full, t_load, None)
    )
    gc.freeze()
    try:
        t_frozen = cpu(gc.collect, max(1, min(repeat, 3)))
    finally:
        gc.unfreeze()
    rows.append(
        ratio_row(
            "advice: full collection after gc.freeze() (vs not frozen)",
            size,
            t_frozen,
            t_full,
            None,
        )
    )

    def fresh() -> EvidenceBase:
        return EvidenceBase(
            compounds=base.compounds,
            indications=base.indications,
            citations=base.citations,
            studies=base.studies,
            dataset=base.dataset,
            endpoints=base.endpoints,
        )

    firsts = []
    for _ in range(max(1, min(repeat, 3))):
        b = fresh()
        start = time.process_time()
        _touch(b, k)
        firsts.append(time.process_time() - start)
    warm = cpu(lambda: _touch(b, k), max(1, min(repeat, 3)))
    t_index = max(0.0, statistics.median(firsts) - warm)
    rows.append(ratio_row("index build, lazy, once (vs load_file)", size, t_index, t_load, 0.15))

    lookups = (
        ("study by id", lambda: base.study(k["study"])),
        ("compound by synonym", lambda: base.compound(k["compound_name"])),
        ("finding by id", lambda: base.finding(k["finding"])),
    )
    for name, fn in lookups:
        t = per_call(fn, repeat)
        rows.append(Row(f"lookup: {name}", size, ms(t), goal="< 1 µs", met=t < 1e-6))

    # Queries: the first ask of a question (median over distinct questions, so nothing is
    # kept yet; in proportion to the answer) and the same question asked again (kept).
    _touch(base, k)  # the indexes were built above on a copy; build them here too
    idx = base._index
    leaves = [  # indications without subtypes that some study is about, like the kept one
        i.id
        for i in base.indications
        if i.id not in idx.children
        and i.id in idx.studies_by_indication
        and i.id != k["leaf_indication"]
    ][: 3 if QUICK else 7]
    used = sorted(set(base._index.studies_by_compound) - {k["compound"]})
    compounds = used[:: max(1, len(used) // 7)][: 3 if QUICK else 7]
    for label, ask, keys in (
        ("filter(indication=one)", lambda i: base.filter(indication=i), leaves),
        ("filter(compound=one)", lambda c: base.filter(compound=c), compounds),
    ):
        t, found = _first_asks(base, ask, keys, len)
        rows.append(
            Row(
                f"{label}, first ask -> {found:g} studies",
                size,
                ms(t),
                f"{ms(t / max(1, found))}/study",
            )
        )
        t = per_call(functools.partial(ask, keys[0]), repeat)
        rows.append(Row(f"{label}, asked again (kept)", size, ms(t), goal="< 1 µs", met=t < 1e-6))

    leaf = k["leaf_indication"]
    years = list(range(1990, 1990 + (3 if QUICK else 7)))

    def four(year: int) -> EvidenceBase:
        return base.filter(
            indication=leaf,
            compound=k["compound"],
            design=["randomised_controlled_trial", "cohort"],
            since=year,
        )

    t, found = _first_asks(base, four, years, len)
    rows.append(
        Row(
            f"filter(4 criteria), first ask -> {found:g} studies",
            size,
            ms(t),
            goal="< 0.5 ms",
            met=t < 5e-4,
        )
    )
    t = per_call(lambda: four(years[0]), repeat)
    rows.append(Row("filter(4 criteria), asked again (kept)", size, ms(t)))

    comparison = base.compare(leaf)
    start = time.process_time()
    _ = comparison.lineage.content_hash
    t_hash = time.process_time() - start
    rows.append(
        ratio_row("content hash of the base, lazy, once (vs load_file)", size, t_hash, t_load, 0.3)
    )
    bench_compare_first(rows, base, [i for i in leaves if i != leaf], size, repeat)
    t = per_call(lambda: base.compare(leaf), repeat)
    rows.append(
        Row(
            "compare(one indication), asked again (kept)", size, ms(t), goal="< 10 ms", met=t < 1e-2
        )
    )
    bench_evidence(rows, base, n, repeat, t_load)


# The questions asked of the synthetic bases: an indication without subtypes (as compare's) or
# one with its four subtypes (a tenth of the base), and "any fracture" with its two narrower
# endpoints, pooled as risk ratios (two-arm counts and reported risk ratios; the synthetic
# effects' other measures are left out, each with its reason).
META_ENDPOINT, META_MEASURE = "fracture", "RR"
PARENTS = [f"indication-{i:02d}" for i in range(10)]  # generate.py: the ones with subtypes
LEAVES = [f"indication-{i:02d}" for i in range(11, 50, 5)]  # subtypes, each of its own parent


def bench_evidence(rows: list[Row], base: EvidenceBase, n: int, repeat: int, t_load: float) -> None:
    """meta_analysis and summary: the first ask on a fresh base, a first ask, asked again.

    A fresh base (the loaded records in a new EvidenceBase: no index, nothing kept, no
    content hash) pays for the tables its first answer needs; that is the cost a user feels
    on the first call after a load. A first ask on a base already asked something else is the
    cost of each new question (median over distinct questions); asked again is a kept answer.
    """
    size = f"{n:,}"
    small = vitk2.loads(json.dumps(generate.generate(20)), "json")  # import their modules first
    small.meta_analysis(PARENTS[0], META_ENDPOINT, measure=META_MEASURE)
    small.summary(PARENTS[0])

    def fresh() -> EvidenceBase:
        return EvidenceBase(
            compounds=base.compounds,
            indications=base.indications,
            citations=base.citations,
            studies=base.studies,
            dataset=base.dataset,
            endpoints=base.endpoints,
        )

    def meta(b: EvidenceBase, ind: str) -> Any:
        return b.meta_analysis(ind, META_ENDPOINT, measure=META_MEASURE)

    def k_of(ma: Any) -> int:
        return ma.result.k if ma.result is not None else len(ma.contrasts)

    # the table meta_analysis and summary select findings from, alone
    builds = []
    for _ in range(max(1, min(repeat, 3))):
        idx = fresh()._index
        start = time.process_time()
        idx.findings_by_indication_endpoint  # noqa: B018
        builds.append(time.process_time() - start)
    rows.append(
        ratio_row(
            "index: findings by indication and endpoint, lazy, once (vs load_file)",
            size,
            statistics.median(builds),
            t_load,
            0.15,
        )
    )

    firsts, found = [], 0
    for _ in range(max(1, min(repeat, 3))):
        b = fresh()
        start = time.process_time()
        ma = meta(b, PARENTS[0])
        firsts.append(time.process_time() - start)
        found = k_of(ma)
    rows.append(
        ratio_row(
            f"meta_analysis(indication + 4 subtypes, endpoint), fresh base, tables included -> "
            f"{found} studies (vs load_file)",
            size,
            statistics.median(firsts),
            t_load,
            None,
        )
    )
    b = fresh()
    meta(b, PARENTS[0])  # the tables exist: each new question pays for its own answer
    for scope, pool in (("one indication", LEAVES), ("indication + 4 subtypes", PARENTS[1:])):
        keys = pool[: 3 if QUICK else 7]
        t, k = _first_asks(b, lambda i: meta(b, i), keys, k_of)
        # the floor: building the answer's contrasts and left-out records from their fields
        answers = [meta(b, i) for i in keys]
        floor = statistics.median(_floor_of(_meta_objects(ma), repeat) for ma in answers)
        looked = statistics.median(len(ma.contrasts) + len(ma.excluded) for ma in answers)
        first = ratio_row(
            f"meta_analysis({scope}, endpoint), first ask -> {k:g} studies pooled, "
            f"{looked:g} findings (vs its objects' floor)",
            size,
            t,
            floor,
            None,
        )
        first.goal, first.met = "< 50 ms", t < 0.05
        rows.append(first)
    t = per_call(lambda: meta(b, LEAVES[0]), repeat)
    rows.append(
        Row(
            "meta_analysis(one indication, endpoint), asked again (kept)",
            size,
            ms(t),
            goal="< 10 ms",
            met=t < 1e-2,
        )
    )

    # summary: every vitamin K form x endpoint of one indication, each row pooled by
    # meta_analysis; the content hash its answer carries is read when the answer is shown
    b = fresh()
    start = time.process_time()
    sof = b.summary(PARENTS[0])
    t_fresh = time.process_time() - start
    rows.append(
        ratio_row(
            f"summary(indication), fresh base, tables included -> "
            f"{len(sof.rows)} rows (vs load_file)",
            size,
            t_fresh,
            t_load,
            None,
        )
    )
    for scope, pool in (("one indication", LEAVES), ("4 subtypes", PARENTS[1:])):
        keys = pool[: 1 if QUICK else 3]
        t, found_rows = _first_asks(b, b.summary, keys, lambda r: len(r.rows))
        # the floor: building the answer's rows (with their estimates, domains and evidence)
        # and its left-out records from their fields, and nothing else
        answers = [b.summary(i) for i in keys]
        floor = statistics.median(_floor_of(_summary_objects(a), repeat) for a in answers)
        left = statistics.median(len(a.left_out) for a in answers)
        first = ratio_row(
            f"summary(indication), first ask, {scope} -> {found_rows:g} rows, {left:g} left "
            "out (vs its objects' floor)",
            size,
            t,
            floor,
            None,
        )
        first.goal, first.met = "< 50 ms", t < 0.05
        rows.append(first)
    keys = PARENTS[1:2]
    t = per_call(lambda: b.summary(keys[0]), repeat)
    rows.append(
        Row("summary(indication), asked again (kept)", size, ms(t), goal="< 10 ms", met=t < 1e-2)
    )


def bench_meta(rows: list[Row], repeat: int, k: int = 1_000) -> None:
    """vitk2.meta.pool, REML + Hartung-Knapp, on k studies (vs statsmodels' combine_effects)."""
    import random

    from vitk2 import meta

    rng = random.Random(2026)
    vi = [rng.uniform(0.005, 0.5) for _ in range(k)]
    yi = [rng.gauss(-0.4, 0.3) + rng.gauss(0.0, v**0.5) for v in vi]
    effects = meta.from_variances(yi, vi, measure="RR")
    t = per_call(lambda: meta.pool(effects, method="REML", test="knha"), repeat)
    base = None
    if _installed("statsmodels"):  # its nearest: iterated (Paule-Mandel) tau2, HKSJ interval
        import numpy as np
        from statsmodels.stats.meta_analysis import combine_effects

        y, v = np.asarray(yi), np.asarray(vi)
        base = per_call(
            lambda: combine_effects(y, v, method_re="iterated").conf_int(use_t=True), repeat
        )
    rows.append(
        Row(
            "meta.pool REML + knha (vs statsmodels combine_effects PM + HKSJ)",
            f"{k:,}",
            ms(t),
            ms(base) if base else "",
            t / base if base else None,
            "< 10 ms",
            t < 0.01,
        )
    )


def machine() -> str:
    return (
        f"{platform.python_implementation()} {platform.python_version()} on "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores; "
        f"vitk2 {vitk2.__version__}; {time.strftime('%Y-%m-%d')}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="vitk2 benchmarks (see the module docstring)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--quick", action="store_true", help="CI smoke run: the smallest size, one repeat, no 100k"
    )
    args = parser.parse_args(argv)
    sizes = sorted(set(args.sizes))
    repeat = max(1, args.repeat)
    import_repeat = max(11, 3 * repeat)
    if args.quick:
        global QUICK
        QUICK = True
        sizes, repeat, import_repeat = sizes[:1], 1, 3
    started = time.perf_counter()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="vitk2-bench-") as tmp:
        work = Path(tmp)
        pycache = str(work / "pycache")
        failed = section(rows, "import", lambda: bench_import(rows, import_repeat, pycache))
        failed |= section(
            rows,
            "bundled",
            lambda: bench_bundled(rows, 1 if args.quick else max(7, repeat), pycache),
        )
        failed |= section(rows, "meta", lambda: bench_meta(rows, repeat))
        for n in sizes:
            failed |= section(
                rows,
                f"{n:,} studies",
                lambda n=n: bench_size(
                    rows, n, repeat if n < 100_000 else 1, work, child_env(pycache), True
                ),
            )
    scaling_rows(rows)
    print_table(
        rows,
        f"vitk2 benchmarks: {machine()}; repeat {repeat}; {time.perf_counter() - started:.0f} s",
    )
    for peer in ("msgspec", "pydantic"):
        if not _installed(peer):
            print(
                f"note: {peer} is not installed, so its rows are left out "
                "(pip install -e '.[benchmark]' installs both peers)"
            )
    return 1 if failed else 0


def section(rows: list[Row], name: str, run: Callable[[], None]) -> bool:
    """Run one part of the benchmarks; a failure becomes a row, and the others still run."""
    try:
        run()
    except Exception as exc:  # report and go on: the rest of the table is still worth having
        import traceback

        traceback.print_exc()
        rows.append(Row(f"FAILED: {name}", "-", f"{type(exc).__name__}: {exc}"[:80], met=False))
        return True
    return False


def _installed(name: str) -> bool:
    try:
        __import__(name)
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
