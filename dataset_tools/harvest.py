"""Harvest: walk project roots → read → parse → extract (pass 1, per file) → classify (pass 2).

Pass 1 runs in a multiprocessing pool when ``jobs`` ≠ 1 (``jobs=0`` means all cores); each file is
read and parsed exactly once, and its tree gives both its declarations and its public API (a
generated file, ``*.g.dart`` or one marked generated, gives its API alone). Then the
packages the projects depend on whose source is on disk are indexed the same way (their API only).
Pass 2 resolves superclass chains per project in this process; the APIs become the user's symbols
(``symbols``), with the libraries the files import that no index holds (``symbols.unindexed``).
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from .classify import Project, project_records
from .dart.api import ApiIndex
from .dart.api_builder import FileApi, index_of
from .dart.api_folder import read_dart
from .dart.packages import DartPackage
from .errors import FlutterTuneError
from .extract import FileDecls, extract_api, extract_package_api, extract_source
from .harvest_cache import (
    GENERATED,
    PACKAGE,
    PROJECT,
    CachedFile,
    FileChanges,
    HarvestCache,
    extractor_version,
    file_changes,
)
from .progress import NULL_PROGRESS, Progress
from .settings import setting
from .source import read_source
from .symbols import (
    dependencies,
    own_packages,
    package_files,
    project_dirs,
    unexported_libraries,
    unindexed_libraries,
)
from .walk import Candidate, WalkLimits, WalkResult, walk
from .warm import file_sha


class HarvestCancelled(FlutterTuneError):
    """The user cancelled a harvest (progress.cancel()); nothing was written."""


@dataclass
class HarvestConfig:
    """Knobs of a harvest run (the settings of `flutter-tune harvest`)."""

    jobs: int = setting(1, low=0, high=1024, flag="--jobs", help="parser processes, 0 for all cores")
    max_file_kb: int = setting(512, low=1, high=1 << 20, flag="--max-file-kb",
                               help="skip .dart files bigger than this (counted as too_large)")
    max_files: int = setting(20000, low=1, high=10**7, flag="--max-files",
                             help="stop past this many .dart files, e.g. when given a home folder")
    follow_external_symlinks: bool = setting(False, flag="--follow-external-symlinks",
                                             help="also follow symbolic links that lead outside the folders "
                                                  "given (default: skipped)")
    full: bool = setting(False, flag="--full", help="read every file again, even those the dataset's harvest "
                                                    "cache holds unchanged (files keep their splits)")
    chunksize: int = 8  # files per task sent to a worker


@dataclass
class HarvestResult:
    """What a harvest found: the records, the skip counts by reason, and what was looked at."""

    samples: list[dict] = field(default_factory=list)
    skips: Counter = field(default_factory=Counter)
    files_seen: int = 0  # candidate .dart files read (after walk-level skips)
    files_harvested: int = 0  # files that parsed into at least one sample
    roots: list[str] = field(default_factory=list)
    projects: list[str] = field(default_factory=list)
    symbols: ApiIndex = field(default_factory=ApiIndex)  # the projects' declarations and their packages' public API
    packages: list[str] = field(default_factory=list)  # the packages indexed into ``symbols``
    cache: HarvestCache = field(default_factory=HarvestCache)  # every file read, for the next harvest
    files_reread: int = 0  # files parsed this time (the others came from the cache)
    changes: FileChanges | None = None  # the projects' files since the cache given (None: no cache)


def process_file(path: str, max_bytes: int | None = None) -> tuple[str | None, FileDecls | None]:
    """Read, clean, parse and extract one file: ``(skip_reason, None)`` or ``(None, decls)``; a file
    skipped as generated gives its API alone (``("generated_header", decls)``)."""
    source = read_source(path, max_bytes)
    if source.skip == "generated_header":
        return source.skip, generated_file(path, max_bytes)[1]
    if source.skip:
        return source.skip, None
    return None, extract_source(source.data)


def generated_file(path: str, max_bytes: int | None = None) -> tuple[str | None, FileDecls | None]:
    """The API and directives of a generated file of a project (``("unreadable", None)`` when it cannot
    be read)."""
    data = read_dart(Path(path), max_bytes)
    return ("unreadable", None) if data is None else (None, extract_api(data))


def package_file(path: str, max_bytes: int | None = None) -> tuple[str | None, FileDecls | None]:
    """The public API of a package's file (``("unreadable", None)`` when it cannot be read)."""
    data = read_dart(Path(path), max_bytes)
    return ("unreadable", None) if data is None else (None, extract_package_api(data))


def _project_names(roots: list[Path]) -> list[str]:
    """A readable, unique name per root (its folder name, suffixed when two roots share one)."""
    names, used = [], Counter()
    for root in roots:
        base = (root.parent.name if root.is_file() else root.name) or "project"
        used[base] += 1
        names.append(base if used[base] == 1 else f"{base}-{used[base]}")
    return names


def check_roots(roots: Iterable[Path | str]) -> list[Path]:
    """Resolve roots; a missing one raises FlutterTuneError naming it."""
    resolved = []
    for root in roots:
        path = Path(root).expanduser()
        if not path.exists():
            raise FlutterTuneError(f"Project folder {path} does not exist. Pass the root of a Flutter project.")
        if path.is_file() and path.suffix != ".dart":
            raise FlutterTuneError(f"{path} is a file, not a project folder or a .dart file.")
        resolved.append(path.resolve())
    if not resolved:
        raise FlutterTuneError("No project folder given. Pass at least one Flutter project root.")
    return resolved


@dataclass
class Survey:
    """What a harvest will read, found before anything is parsed: the roots' walks, their projects, the
    packages with source on disk, and the content hash of every file (None: unreadable)."""

    paths: list[Path]
    walks: list[WalkResult]
    projects_of_root: list[list[Path]]
    packages: list[DartPackage]
    shas: dict[str, str | None]

    @property
    def package_jobs(self) -> list[tuple[DartPackage, str]]:
        return package_files(self.packages)

    def fingerprint(self, *settings) -> str:
        """One hash of every file read (path and content) and of ``settings`` (their reprs): equal when a
        harvest with these settings would read exactly the same bytes."""
        digest = hashlib.sha256(extractor_version().encode())
        for part in settings:
            digest.update(b"\x00" + repr(part).encode())
        for path in sorted(self.shas):
            digest.update(f"\x00{path}\x00{self.shas[path]}".encode())
        return digest.hexdigest()[:32]


def survey(roots: Iterable[Path | str], config: HarvestConfig | None = None) -> Survey:
    """Walk the roots, find their projects' packages and hash every file a harvest would read."""
    config = config or HarvestConfig()
    paths = check_roots(roots)
    limits = WalkLimits(inside=tuple(os.path.realpath(p if p.is_dir() else p.parent) for p in paths),
                        follow_external_symlinks=config.follow_external_symlinks, max_files=config.max_files)
    walks: list[WalkResult] = []
    for path in paths:
        walks.append(walk(path, limits, already=sum(len(w.candidates) for w in walks)))
    projects_of_root = [project_dirs(path, (c.rel for c in w.candidates)) for path, w in zip(paths, walks)]
    packages = dependencies([d for dirs in projects_of_root for d in dirs], inside=tuple(limits.inside))
    files = [c.path for w in walks for c in (*w.candidates, *w.generated)]
    files += [str(package.lib / rel) for package, rel in package_files(packages)]
    return Survey(paths, walks, projects_of_root, packages, {path: file_sha(path) for path in files})


def harvest(roots: Iterable[Path | str], config: HarvestConfig | None = None,
            progress: Progress = NULL_PROGRESS, cache: HarvestCache | None = None) -> HarvestResult:
    """Harvest every root; never raises for bad files (they are counted skips). Files whose content
    ``cache`` holds are not read again."""
    config = config or HarvestConfig()
    return harvest_survey(survey(roots, config), config, progress, cache)


def harvest_survey(found: Survey, config: HarvestConfig, progress: Progress = NULL_PROGRESS,
                   cache: HarvestCache | None = None) -> HarvestResult:
    """Harvest what ``survey`` found (see ``harvest``); ``result.cache`` holds every file read."""
    paths, walks = found.paths, found.walks
    result = HarvestResult(roots=[str(p) for p in paths], projects=_project_names(paths))
    result.cache = HarvestCache(max_file_kb=config.max_file_kb)
    if cache is not None and cache.max_file_kb != config.max_file_kb:
        cache = None  # what was too large is not any more, or the other way round
    for walked in walks:
        result.skips.update(walked.skips)
    jobs_list = [(i, c) for i, w in enumerate(walks) for c in w.candidates]
    generated = [(i, c) for i, w in enumerate(walks) for c in w.generated]
    package_jobs = found.package_jobs
    result.files_seen = len(jobs_list)
    progress.start("Harvesting", total=len(jobs_list) + len(generated) + len(package_jobs))
    reader = _Reader(config, progress, found.shas, cache, result.cache)
    per_project: list[dict[str, FileDecls]] = [{} for _ in paths]
    read_of_root: list[dict[str, FileDecls]] = [{} for _ in paths]  # every project file read, generated too
    apis: list[tuple[str, FileApi]] = []  # the projects' files
    for (index, cand), (skip, decls) in zip(jobs_list, reader.read(process_file, [c for _, c in jobs_list], PROJECT)):
        if skip:
            result.skips[skip] += 1
        else:
            per_project[index][cand.rel] = decls
        if decls is not None:
            read_of_root[index][cand.rel] = decls
            apis.append((cand.rel, decls.api))
    for (index, cand), (_, decls) in zip(generated, reader.read(generated_file, [c for _, c in generated], GENERATED)):
        if decls is not None:
            read_of_root[index][cand.rel] = decls
            apis.append((cand.rel, decls.api))
    package_cands = [Candidate(str(package.lib / rel), f"package:{package.name}/{rel}") for package, rel in package_jobs]
    package_read = [(cand.rel, decls) for cand, (_, decls) in zip(package_cands, reader.read(package_file, package_cands, PACKAGE))
                    if decls is not None]
    package_apis = [(rel, decls.api) for rel, decls in package_read]
    result.packages = [package.name for package in found.packages]
    result.symbols = ApiIndex.combined(index_of(package_apis), index_of(apis, merge=True))  # the projects' own win
    result.symbols.source = " + ".join(result.projects) + (f" + {len(result.packages)} packages" if result.packages else "")
    result.symbols.unindexed = tuple(sorted(set().union(*(
        unindexed_libraries({rel: decls.uris for rel, decls in files_of_root.items()},
                            own_packages(path if path.is_dir() else path.parent, dirs), result.packages)
        for path, dirs, files_of_root in zip(paths, found.projects_of_root, read_of_root)),
        unexported_libraries((uri for _, decls in package_read for uri in decls.uris), result.packages))))
    for name, files_of_project in zip(result.projects, per_project):
        records = project_records(Project(name, files_of_project), result.skips)
        result.samples.extend(records)
    result.files_harvested = len({(r["project"], r["source"]) for r in result.samples})
    result.files_reread = reader.misses
    result.changes = file_changes(cache, result.cache)
    result.skips = Counter({k: v for k, v in result.skips.items() if v})
    progress.finish(f"{len(result.samples)} samples from {result.files_harvested} files",
                    samples=len(result.samples))
    return result


class _Reader:
    """Reads files through ``_run``, or takes what pass 1 made of them from the cache when their hash
    is unchanged; every file read or taken goes into ``fresh``."""

    def __init__(self, config: HarvestConfig, progress: Progress, shas: dict[str, str | None],
                 cache: HarvestCache | None, fresh: HarvestCache) -> None:
        self.config, self.progress, self.shas, self.cache, self.fresh = config, progress, shas, cache, fresh
        self.misses = 0

    def read(self, work, cands: list[Candidate], kind: str) -> list[tuple[str | None, FileDecls | None]]:
        outcomes: list = [None] * len(cands)
        misses = []
        for i, cand in enumerate(cands):
            sha = self.shas.get(cand.path)
            hit = self.cache.get(cand.path, sha, kind) if self.cache is not None and sha else None
            if hit is None:
                misses.append(i)
                continue
            outcomes[i] = (hit.skip, hit.decls)
            self.fresh.keep(cand.path, hit, self.cache)
            self.progress.advance(1, cand.rel)
        self.misses += len(misses)
        ran = _run(work, [cands[i].path for i in misses], [cands[i].rel for i in misses], self.config, self.progress)
        for i, outcome in zip(misses, ran):
            outcomes[i] = outcome
            sha = self.shas.get(cands[i].path)
            if sha:
                self.fresh.files[cands[i].path] = CachedFile(sha, kind, *outcome)
        return outcomes


def _run(work, files: list[str], labels: list[str], config: HarvestConfig, progress: Progress):
    """Yield ``work(path, max_bytes)`` of each file in input order, advancing progress (by the file's
    label) and honouring cancel."""
    max_bytes = config.max_file_kb * 1024
    jobs = config.jobs if config.jobs > 0 else (os.cpu_count() or 1)
    jobs = min(jobs, max(1, len(files)))
    if jobs == 1:
        for path, label in zip(files, labels):
            if progress.is_cancelled:
                raise HarvestCancelled("Harvest cancelled; no dataset was written.")
            outcome = work(path, max_bytes)
            progress.advance(1, label)
            yield outcome
        return
    import multiprocessing

    # Not "fork": the language server calls this from a thread, and forking a threaded process can hang.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    with context.Pool(jobs) as pool:
        for label, outcome in zip(labels, pool.imap(partial(work, max_bytes=max_bytes), files, config.chunksize)):
            if progress.is_cancelled:
                pool.terminate()
                raise HarvestCancelled("Harvest cancelled; no dataset was written.")
            progress.advance(1, label)
            yield outcome
