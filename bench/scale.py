"""`make bench SCALE=1`: the build core at scale, without rendering, and outside WeasyPrint per output kind.

Part 1 fabricates N folders x M institutions (bench/synthetic.py) and builds them with stand-in
writers: the real writers' paths and inputs, but each output is a small deterministic file made
without WeasyPrint, so what is measured is the build's own work (loading, resolving, planning,
freshness, publishing, the state store). Each step runs in a fresh process, as `build.py` does:
  - cold: a full build (every kind, the index pages too) into an empty dist/ (its planning, and when
    the first output starts rendering);
  - no-op: nothing changed (seconds, seconds per output, bytes and files written in dist/);
  - one-folder edit (its index pages included) against that folder's outputs alone (`--force --folder`);
    this step and the next two with the default worker processes, as `build.py` runs (the cold build
    and the no-op in the step's own process: the first render is timed there);
  - every index page made again (`--format index --force`);
  - one-phone change (one institution's phone number: all its outputs rebuild);
with the parent's peak RSS of each step and the state store's bytes per output.
Part 2 builds the examples in one process with the real writers, one output kind at a time, and
reports the share of time outside WeasyPrint per kind.
Part 3 builds the examples in every format once, then times their no-op as a user runs it (`build.py`
in a fresh process, output to a pipe): wall-clock and CPU seconds, the best of five runs.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # before the imports: a step's time counts from its process's start

import argparse  # noqa: E402 - after STARTED on purpose
import json  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from folderpers.build.workers import default_jobs  # noqa: E402

MIB = 1024
TODAY = date(2026, 12, 1)
STAND_IN_KINDS = {"pdf": ("pdf", "thumbnail"), "web": ("web",), "print": ("print-pdf", "booklet", "preflight")}
WORKERS = ("--jobs", str(default_jobs()))  # as build.py runs: the edit, alone, index and phone steps (the cold
# build and the no-op run in the step's process: the first render is timed there)
BUILD_KINDS = (*STAND_IN_KINDS, "index")  # what a step builds unless it says: every kind, as `build.py` does
STATE_FILES = (".state.sqlite", ".state.sqlite-journal")  # the state store (manifest.json apart)
# The targets (#19), checked against what this run measures.
NOOP_MS_PER_OUTPUT_2000 = 0.3
NOOP_SECONDS_360000 = 10.0
EXAMPLES_NOOP_SECONDS = 0.3
EDIT_MARGIN_SECONDS = 1.0
STATE_BYTES_PER_OUTPUT = 1024
PARENT_RSS_MIB = 500
FIRST_RENDER_SECONDS = 1.0
OUTSIDE_WEASYPRINT_SHARE = 0.15
BOOKLET_MS_PER_FOLDER = 50


def install_stand_ins() -> list[float]:
    """Replace every publication writer by one with the same paths and inputs whose outputs are small
    deterministic files made without rendering; returns the list that gets the time of the first render."""
    from folderpers.writers import WRITERS, Rendered
    first: list[float] = []

    def render(self, publication):
        if not first:
            first.append(time.perf_counter() - STARTED)
        return tuple(Rendered(path, kind, f"{kind} {path} {publication.document_code} v{publication.folder.version} "
                                          f"{publication.folder.title}\n".encode(), pages=None if kind == "web" else 4)
                     for path, kind in zip(self.paths(publication), STAND_IN_KINDS[self.kind], strict=True))

    for kind, writer in list(WRITERS.items()):
        WRITERS[kind] = type(f"StandIn{writer.__name__}", (writer,), {"render": render})
    return first


def timed_stages() -> dict[str, float]:
    """Seconds per stage of the build after the documents, summed as it runs: the manifest files and the
    index pages (by wrapping the pipeline's functions for them: where an edit's time goes)."""
    from folderpers.build import pipeline
    seconds = {"manifests": 0.0, "index_pages": 0.0}

    def timer(stage: str, function):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                seconds[stage] += time.perf_counter() - started
        return timed
    pipeline.write_manifests = timer("manifests", pipeline.write_manifests)
    pipeline._publish_collection = timer("index_pages", pipeline._publish_collection)
    return seconds


def measure_step(root: Path, arguments: list[str]) -> dict:
    """One build with stand-in writers in this process (with --jobs N, the stand-ins render in its workers)."""
    from folderpers.build.pipeline import BuildOptions, build
    from folderpers.project import Project
    from folderpers.source.review import ReviewPolicy
    first = install_stand_ins()
    stages = timed_stages()
    parsed = argparse.ArgumentParser()
    parsed.add_argument("--force", action="store_true")
    parsed.add_argument("--folder", action="append", default=[])
    parsed.add_argument("--format", action="append", default=[])
    parsed.add_argument("--jobs", type=int, default=0)
    args = parsed.parse_args(arguments)
    started = time.perf_counter()
    report = build(Project(root), BuildOptions(folders=tuple(args.folder), formats=tuple(args.format or BUILD_KINDS),
                                               policy=ReviewPolicy(TODAY), jobs=args.jobs, force=args.force))
    now = time.perf_counter()
    failed = [str(outcome) for outcome in report.failures[:3]]
    return {"seconds": now - STARTED, "build_seconds": now - started, "first_render_seconds": first[0] if first else None,
            "built": report.count("built"), "unchanged": report.count("unchanged"), "failed": failed,
            "peak_rss_mib": peak_rss_kib() / MIB, "stage_seconds": stages}


def peak_rss_kib() -> int:
    """This process's peak RSS since it started its program. Not getrusage's ru_maxrss: Linux carries
    the forking parent's RSS over into it across exec, so a step would report this script's own size."""
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


def step(root: Path, *arguments: str) -> dict:
    result = subprocess.run([sys.executable, __file__, "--measure-step", str(root), *arguments],
                            capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"scale step {arguments} failed:\n{result.stderr[-3000:]}")
    figures = json.loads(result.stdout.splitlines()[-1])
    if figures["failed"]:
        sys.exit(f"scale step {arguments}: outputs failed: {figures['failed']}")
    return figures


def snapshot(dist: Path) -> dict[str, tuple[int, int]]:
    """(size, mtime) of every file in dist/: what a step wrote shows as a difference."""
    return {str(path.relative_to(dist)): (path.stat().st_size, path.stat().st_mtime_ns)
            for path in dist.rglob("*") if path.is_file() and path.name != ".lock"}


def manifest_bytes(dist: Path) -> int:
    """The index and every publication's manifest."""
    return sum(path.stat().st_size for path in dist.rglob("*manifest.json"))


def written(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> list[str]:
    return [name for name in after if before.get(name) != after[name]]


def is_index_page(name: str) -> bool:
    """An index page or one of its parts (writers/index_page.py), by its path in dist/."""
    return name.endswith(".html") and (name == "index.html" or name.endswith("/index.html") or "a_z/" in name)


def state_bytes(dist: Path) -> int:
    return sum((dist / name).stat().st_size for name in STATE_FILES if (dist / name).is_file())


def scale_run(work: Path, folders: int, institutions: int) -> dict:
    from folderpers.project import Project

    from synthetic import make_corpus
    print(f"  fabricating {folders} folders x {institutions} institutions ...", flush=True)
    project = make_corpus(Project(REPO), work / f"scale-{folders}x{institutions}", folders, institutions,
                          today=TODAY)
    publications = folders * institutions
    print(f"  {publications} publications: cold build ...", flush=True)
    cold = step(project.root)
    outputs = cold["built"]
    before = snapshot(project.dist)
    print("  no-op ...", flush=True)
    noop = min((step(project.root) for _ in range(2)), key=lambda figures: figures["seconds"])
    after = snapshot(project.dist)
    changed = written(before, after)
    noop["files_written"] = len(changed) + len(set(before) - set(after))
    noop["bytes_written"] = sum(after[name][0] for name in changed)
    assert noop["unchanged"] == outputs, f"the no-op rebuilt something: {noop}"
    print("  one-folder edit ...", flush=True)
    touched = project.folders / "folder-000" / "folder.yaml"
    touched.write_text(touched.read_text("utf-8").replace("title: ", "title: Over ", 1), "utf-8")
    edit = step(project.root, *WORKERS)
    edited = snapshot(project.dist)
    manifests = [name for name in written(after, edited) if name.endswith("manifest.json")]
    edit["manifest_files_written"] = len(manifests)
    edit["manifest_bytes_written"] = sum(edited[name][0] for name in manifests)
    edit["index_pages_written"] = len([name for name in written(after, edited) if is_index_page(name)])
    # that folder alone: its outputs rendered again, without the index pages (a build of one folder
    # with --force would make every index page anew)
    alone = step(project.root, "--force", "--folder", "folder-000", *(f"--format={kind}" for kind in STAND_IN_KINDS),
                 *WORKERS)
    print("  index pages: all made again (--force) ...", flush=True)
    index = step(project.root, "--force", "--format", "index", *WORKERS)
    index["pages"] = len([name for name in snapshot(project.dist) if is_index_page(name)])
    index["listings_per_publication"] = 2  # on the page of all institutions and on its own institution's
    print("  one-phone change ...", flush=True)
    institution = sorted(project.institutions.iterdir())[0] / "institution.yaml"
    text = institution.read_text("utf-8")
    new_phone = re.sub(r"(088[ -]?\d{3}[ -]?\d{3})(\d)", lambda match: match[1] + str((int(match[2]) + 1) % 10),
                       text, count=1)
    assert new_phone != text, f"no phone number 088 ... in {institution}"
    institution.write_text(new_phone, "utf-8")
    phone = step(project.root, *WORKERS)
    figures = {"folders": folders, "institutions": institutions, "publications": publications, "outputs": outputs,
               "cold": cold, "noop": noop, "edit": edit, "alone": alone, "phone": phone, "index": index,
               "state_bytes": state_bytes(project.dist),
               "state_bytes_per_output": round(state_bytes(project.dist) / outputs, 1),
               "manifest_bytes_per_output": round(manifest_bytes(project.dist) / outputs, 1),
               "index_bytes_per_publication": round((project.dist / "manifest.json").stat().st_size / publications, 1)}
    noop["ms_per_output"] = round(1000 * noop["build_seconds"] / outputs, 3)
    shutil.rmtree(project.root)
    return figures


def outside_weasyprint_run(work: Path) -> dict:
    """Per output kind, and for every kind at once ("all": what the target is about, the start-up paid
    once): a full build of the examples in a fresh process, in that process (no workers)."""
    figures = {}
    for kind in ("pdf", "web", "print", "index", "all"):
        output = work / f"examples-{kind}"
        shutil.rmtree(output, ignore_errors=True)
        if kind == "index":  # the index lists what is in dist/: the screen PDFs and web pages first
            subprocess.run([sys.executable, str(REPO / "build.py"), "--today", TODAY.isoformat(), "--jobs", "0",
                            "--format", "pdf,web", "--output", str(output)], check=True, capture_output=True)
        result = subprocess.run([sys.executable, __file__, "--measure-kind", str(output), kind],
                                capture_output=True, text=True)
        if result.returncode:
            sys.exit(f"the {kind} build failed:\n{result.stderr[-3000:]}")
        figures[kind] = json.loads(result.stdout.splitlines()[-1])
    return figures


def examples_noop_run(work: Path) -> dict:
    """The examples' whole no-op command: `build.py` into a dist/ where everything is current."""
    output = work / "examples-all"
    shutil.rmtree(output, ignore_errors=True)
    command = [sys.executable, str(REPO / "build.py"), "--today", TODAY.isoformat(), "--output", str(output)]
    subprocess.run([*command, "--jobs", "2"], check=True, capture_output=True)
    runs = []
    for _ in range(5):
        before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True)
        wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
        if result.returncode or " 0 built," not in f" {result.stdout.splitlines()[-1]}":
            sys.exit(f"the examples' no-op built something or failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
        runs.append({"wall_seconds": round(wall, 3), "cpu_seconds": round(after.ru_utime + after.ru_stime
                                                                          - before.ru_utime - before.ru_stime, 3)})
    shutil.rmtree(output)
    return {"runs": runs, "wall_seconds": min(run["wall_seconds"] for run in runs),
            "cpu_seconds": min(run["cpu_seconds"] for run in runs)}


def measure_kind(output: Path, kind: str) -> dict:
    """One output kind of the examples built in this process; with the booklet's imposition timed apart."""
    from folderpers.build.pipeline import BuildOptions, build
    from folderpers.prepress import imposition
    from folderpers.project import Project
    from folderpers.source.review import ReviewPolicy
    from folderpers.writers import KINDS
    booklet_seconds = [0.0]
    impose = imposition.impose_booklet

    def timed_impose(*args, **kwargs):
        started = time.perf_counter()
        try:
            return impose(*args, **kwargs)
        finally:
            booklet_seconds[0] += time.perf_counter() - started

    imposition.impose_booklet = timed_impose
    built: set[str] = set()
    started = time.perf_counter()
    report = build(Project(REPO, output=output), BuildOptions(formats=KINDS if kind == "all" else (kind,),
                                                              policy=ReviewPolicy(TODAY), jobs=0,
                                                              force=kind != "index"),
                   reporter=lambda outcome: built.add(outcome.subject) if outcome.status == "built" else None)
    seconds = time.perf_counter() - started
    if not report.ok:
        sys.exit(f"the {kind} build failed")
    documents = len(built)
    return {"seconds": round(seconds, 3), "weasyprint_seconds": round(report.weasyprint_seconds, 3),
            "outside_share": round(1 - report.weasyprint_seconds / seconds, 3), "files": documents,
            "booklet_seconds": round(booklet_seconds[0], 3)}


def projected(scale: list[dict], figure, size: int, unit: str) -> float:
    """`figure(run)` at `size` `unit`s (outputs or publications): linear through the smallest and largest run."""
    small, large = scale[0], scale[-1]
    if large[unit] == small[unit]:
        return figure(large) * size / large[unit]
    slope = (figure(large) - figure(small)) / (large[unit] - small[unit])
    return figure(large) + slope * (size - large[unit])


def report(scale: list[dict], kinds: dict, examples_noop: dict) -> dict:
    """Print the figures beside the issue's targets (MET/MISS, and for a miss the measured reason)."""
    print()
    print(f"{'publications':>12} {'outputs':>8} {'cold s':>8} {'1st render s':>12} {'no-op s':>8} {'in build':>8} "
          f"{'ms/output':>9} "
          f"{'edit s':>7} {'alone s':>7} {'phone s':>7} {'RSS MiB':>8} {'state B/output':>14} {'manifests B/output':>18}")
    for run in scale:
        print(f"{run['publications']:>12} {run['outputs']:>8} {run['cold']['seconds']:>8.2f} "
              f"{run['cold']['first_render_seconds']:>12.2f} {run['noop']['seconds']:>8.2f} "
              f"{run['noop']['build_seconds']:>8.2f} "
              f"{run['noop']['ms_per_output']:>9.3f} {run['edit']['seconds']:>7.2f} {run['alone']['seconds']:>7.2f} "
              f"{run['phone']['seconds']:>7.2f} {max(run[s]['peak_rss_mib'] for s in ('cold', 'noop', 'edit')):>8.0f}"
              f" {run['state_bytes_per_output']:>14.0f} {run['manifest_bytes_per_output']:>18.0f}")
    print(f"\n{'publications':>12} {'edit: manifest files':>20} {'bytes':>9} {'index B/publication':>19} "
          f"{'index pages':>11} {'all made s':>10} {'RSS MiB':>8} {'edit: pages made':>16}")
    for run in scale:
        print(f"{run['publications']:>12} {run['edit']['manifest_files_written']:>20} "
              f"{run['edit']['manifest_bytes_written']:>9} {run['index_bytes_per_publication']:>19.0f} "
              f"{run['index']['pages']:>11} {run['index']['build_seconds']:>10.2f} "
              f"{run['index']['peak_rss_mib']:>8.0f} {run['edit']['index_pages_written']:>16}")
    if kinds:
        print(f"\n{'kind':6} {'seconds':>8} {'WeasyPrint s':>12} {'outside':>8} {'booklet s':>9}")
        for kind, run in kinds.items():
            print(f"{kind:6} {run['seconds']:>8.2f} {run['weasyprint_seconds']:>12.2f} "
                  f"{100 * run['outside_share']:>7.1f}% {run['booklet_seconds']:>9.2f}")
    small, large = scale[0], scale[-1]
    targets: list[tuple[str, bool, str, str]] = []
    noop_small = small["noop"]["ms_per_output"]
    targets.append((f"no-op <= {NOOP_MS_PER_OUTPUT_2000} ms per output at ~2,000 outputs", noop_small
                    <= NOOP_MS_PER_OUTPUT_2000, f"{noop_small} ms per output at {small['outputs']} outputs",
                    "a no-op's fixed costs (start-up, theme hashes) and per-output checks, see the profile"))
    noop_large = projected(scale, lambda run: run["noop"]["build_seconds"], 360_000, "outputs")
    targets.append((f"no-op <= {NOOP_SECONDS_360000:g} s for 360,000 outputs (in process)",
                    noop_large <= NOOP_SECONDS_360000,
                    f"{large['noop']['build_seconds']:.2f} s at {large['outputs']} outputs"
                    + ("" if large["outputs"] >= 360_000 else f" (linear: {noop_large:.1f} s at 360,000)"),
                    "per output a stat and its state-store row (build/freshness.py); per folder file a query, its "
                    "facts and input digests; and the machine's load: see the seconds per output"))
    if examples_noop:
        targets.append((f"the examples' whole no-op command <= {EXAMPLES_NOOP_SECONDS:g} s",
                        examples_noop["wall_seconds"] <= EXAMPLES_NOOP_SECONDS,
                        f"{examples_noop['wall_seconds']:.2f} s wall, {examples_noop['cpu_seconds']:.2f} s CPU (best "
                        f"of {len(examples_noop['runs'])})",
                        "Python's start-up and the imports of the no-op path (python -X importtime build.py); with "
                        "PYTHONDONTWRITEBYTECODE set, folderpers's modules are compiled anew every run"))
    zero = all(run["noop"]["bytes_written"] == 0 and run["noop"]["files_written"] == 0 for run in scale)
    targets.append(("no-op writes zero bytes", zero, ", ".join(f"{run['noop']['files_written']} files, "
                                                                f"{run['noop']['bytes_written']} bytes" for run in scale),
                    "a file in dist/ was rewritten by the no-op"))
    # the edit is a build of every kind, its index pages included; alone, that folder's outputs only
    margin = large["edit"]["seconds"] - large["alone"]["seconds"]
    targets.append((f"one-folder edit (with its index pages) <= that folder alone + {EDIT_MARGIN_SECONDS:g} s",
                    margin <= EDIT_MARGIN_SECONDS,
                    f"{large['edit']['seconds']:.2f} s ({large['edit']['index_pages_written']} index pages made) vs "
                    f"{large['alone']['seconds']:.2f} s alone at {large['publications']} publications (+{margin:.2f} s)",
                    f"the edit also checks every other output's freshness (a stat each, as the no-op: "
                    f"{large['noop']['build_seconds']:.2f} s), writes {large['edit']['manifest_files_written']} "
                    f"manifest files ({large['edit']['manifest_bytes_written']} bytes: the index, "
                    f"{large['index_bytes_per_publication']:.0f} bytes per publication, and the edited publications'; "
                    f"{large['edit']['stage_seconds']['manifests']:.2f} s) and plans the index of every institution "
                    f"that publishes the folder and the index of all (linear in the publications: "
                    f"{large['edit']['stage_seconds']['index_pages']:.2f} s, "
                    f"{large['edit']['index_pages_written']} pages made, in the worker processes)"))
    per_output = max(run["state_bytes_per_output"] for run in scale)
    targets.append((f"state store <= {STATE_BYTES_PER_OUTPUT} bytes per output", per_output <= STATE_BYTES_PER_OUTPUT,
                    f"{per_output:.0f} bytes per output", "SQLite pages and indexes per row: see the table"))
    def rss_of(run: dict) -> float:
        return max(run[name]["peak_rss_mib"] for name in ("cold", "noop", "edit", "phone", "index"))
    rss = rss_of(large)
    projected_rss = projected(scale, rss_of, 72_000, "publications")
    targets.append((f"parent peak RSS <= {PARENT_RSS_MIB} MiB at 72,000 publications", projected_rss <= PARENT_RSS_MIB,
                    f"{rss:.0f} MiB at {large['publications']} publications"
                    + ("" if large["publications"] >= 72_000 else f" (linear: {projected_rss:.0f} MiB at 72,000)"),
                    "the step's own peak (VmHWM): see the peak_rss_mib of each step in the JSON"))
    first = max(run["cold"]["first_render_seconds"] for run in scale)
    targets.append((f"first document renders <= {FIRST_RENDER_SECONDS:g} s after the start", first
                    <= FIRST_RENDER_SECONDS, f"{first:.2f} s (at {large['publications']} publications)",
                    "before the first task: the start-up, importing the parsers and writers (Jinja2, YAML, "
                    "JSON Schema, Markdown), loading the schemas, the snippets, the first folder and institution"))
    if kinds:
        outside = kinds["all"]["outside_share"]
        targets.append((f"full build, all kinds: <= {100 * OUTSIDE_WEASYPRINT_SHARE:.0f} % outside WeasyPrint",
                        outside <= OUTSIDE_WEASYPRINT_SHARE, f"{100 * outside:.1f} % (one build of every kind)",
                        "by kind, each in a build of its own (start-up included): " + "; ".join(
                            f"{kind} {100 * run['outside_share']:.0f} %" for kind, run in kinds.items()
                            if kind != "all")))
        booklets = kinds["print"]["files"] // len(STAND_IN_KINDS["print"])  # a print PDF, booklet, preflight each
        per_booklet = 1000 * kinds["print"]["booklet_seconds"] / booklets
        targets.append((f"booklet <= {BOOKLET_MS_PER_FOLDER} ms per folder beyond its print PDF",
                        per_booklet <= BOOKLET_MS_PER_FOLDER, f"{per_booklet:.0f} ms per booklet ({booklets} booklets)",
                        "imposing the print PDF's pages on sheets (prepress/imposition.py), timed apart"))
    print()
    for name, met, measured, reason in targets:
        print(f"{'MET ' if met else 'MISS'}  {name:58} {measured}")
        if not met:
            print(f"      why: {reason}")
    return {name: {"met": met, "measured": measured, **({} if met else {"reason": reason})}
            for name, met, measured, reason in targets}


def main() -> None:
    if sys.argv[1:2] == ["--measure-step"]:
        print(json.dumps(measure_step(Path(sys.argv[2]), sys.argv[3:])))
        return
    if sys.argv[1:2] == ["--measure-kind"]:
        print(json.dumps(measure_kind(Path(sys.argv[2]), sys.argv[3])))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200x10,2400x30",
                        help="folders x institutions per run, comma-separated (default 200x10,2400x30: 2,000 and "
                             "72,000 publications)")
    parser.add_argument("--skip-kinds", action="store_true", help="skip part 2 (the examples per output kind)")
    parser.add_argument("--skip-examples-noop", action="store_true", help="skip part 3 (the examples' no-op command)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/folderpers-bench"), help="scratch directory")
    parser.add_argument("--json", type=Path, default=REPO / "bench" / "scale-results.json",
                        help="where to write figures")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    scale = []
    for size in args.sizes.split(","):
        folders, institutions = (int(number) for number in size.lower().split("x"))
        print(f"scale: {folders} folders x {institutions} institutions (stand-in writers) ...", flush=True)
        scale.append(scale_run(args.work, folders, institutions))
    kinds = {}
    if not args.skip_kinds:
        print("the examples per output kind, real writers, in one process ...", flush=True)
        kinds = outside_weasyprint_run(args.work)
    examples_noop = {}
    if not args.skip_examples_noop:
        print("the examples' no-op command ...", flush=True)
        examples_noop = examples_noop_run(args.work)
    figures = {"scale": scale, "kinds": kinds, "examples_noop": examples_noop,
               "targets": report(scale, kinds, examples_noop)}
    args.json.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"\nfigures written to {args.json}")


if __name__ == "__main__":
    main()
