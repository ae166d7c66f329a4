"""Harvest: walk project roots → read → parse → extract (pass 1, per file) → classify (pass 2).

Pass 1 runs in a multiprocessing pool when ``jobs`` ≠ 1 (``jobs=0`` means all cores); each file is
read and parsed exactly once, and its tree gives both its declarations and its public API (a
generated file, ``*.g.dart`` or one marked generated, gives its API alone). Then the
packages the projects depend on whose source is on disk are indexed the same way (their API only).
Pass 2 resolves superclass chains per project in this process; the APIs become the user's symbols
(``symbols``), with the libraries the files import that no index holds (``symbols.unindexed``).
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Iterable

from .classify import Project, project_records
from .dart.api import ApiIndex
from .dart.api_builder import FileApi, index_of
from .dart.api_folder import package_library, read_dart
from .errors import FlutterTuneError
from .extract import FileDecls, extract_api, extract_source
from .progress import NULL_PROGRESS, Progress
from .settings import setting
from .source import read_source
from .symbols import (dependencies, own_packages, package_file_api, package_files, project_dirs,
                      unindexed_libraries)
from .walk import WalkLimits, walk


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


def process_file(path: str, max_bytes: int | None = None) -> tuple[str | None, FileDecls | None]:
    """Read, clean, parse and extract one file: ``(skip_reason, None)`` or ``(None, decls)``; a file
    skipped as generated gives its API alone (``("generated_header", decls)``)."""
    source = read_source(path, max_bytes)
    if source.skip == "generated_header":
        return source.skip, generated_file(path, max_bytes)
    if source.skip:
        return source.skip, None
    return None, extract_source(source.data)


def generated_file(path: str, max_bytes: int | None = None) -> FileDecls | None:
    """The API and directives of a generated file of a project (None when it cannot be read)."""
    data = read_dart(Path(path), max_bytes)
    return None if data is None else extract_api(data)


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


def harvest(roots: Iterable[Path | str], config: HarvestConfig | None = None,
            progress: Progress = NULL_PROGRESS) -> HarvestResult:
    """Harvest every root; never raises for bad files (they are counted skips)."""
    config = config or HarvestConfig()
    paths = check_roots(roots)
    result = HarvestResult(roots=[str(p) for p in paths], projects=_project_names(paths))
    limits = WalkLimits(inside=tuple(os.path.realpath(p if p.is_dir() else p.parent) for p in paths),
                        follow_external_symlinks=config.follow_external_symlinks, max_files=config.max_files)
    walks = []
    for path in paths:
        walked = walk(path, limits, already=sum(len(w.candidates) for w in walks))
        result.skips.update(walked.skips)
        walks.append(walked)
    jobs_list = [(i, c) for i, w in enumerate(walks) for c in w.candidates]
    result.files_seen = len(jobs_list)
    projects_of_root = [project_dirs(path, (c.rel for c in w.candidates)) for path, w in zip(paths, walks)]
    packages = dependencies([d for dirs in projects_of_root for d in dirs], inside=tuple(limits.inside))
    package_jobs = package_files(packages)
    progress.start("Harvesting", total=len(jobs_list) + sum(len(w.generated) for w in walks) + len(package_jobs))
    per_project: list[dict[str, FileDecls]] = [{} for _ in paths]
    read_of_root: list[dict[str, FileDecls]] = [{} for _ in paths]  # every project file read, generated too
    apis: list[tuple[str, FileApi]] = []  # the projects' files
    package_apis: list[tuple[str, FileApi]] = []
    files = [c.path for _, c in jobs_list]
    labels = [c.rel for _, c in jobs_list]
    for (index, cand), (skip, decls) in zip(jobs_list, _run(process_file, files, labels, config, progress)):
        if skip:
            result.skips[skip] += 1
        else:
            per_project[index][cand.rel] = decls
        if decls is not None:
            read_of_root[index][cand.rel] = decls
            apis.append((cand.rel, decls.api))
    generated = [(i, c) for i, w in enumerate(walks) for c in w.generated]
    for (index, cand), decls in zip(generated, _run(generated_file, [c.path for _, c in generated],
                                                    [c.rel for _, c in generated], config, progress)):
        if decls is not None:
            read_of_root[index][cand.rel] = decls
            apis.append((cand.rel, decls.api))
    files = [str(package.lib / rel) for package, rel in package_jobs]
    labels = [f"package:{package.name}/{rel}" for package, rel in package_jobs]
    for label, api in zip(labels, _run(package_file_api, files, labels, config, progress)):
        if api is not None:
            package_apis.append((label, api))
    result.packages = [package.name for package in packages]
    result.symbols = ApiIndex.combined(index_of(package_apis), index_of(apis, merge=True))  # the projects' own win
    result.symbols.source = " + ".join(result.projects) + (f" + {len(packages)} packages" if packages else "")
    result.symbols.unindexed = tuple(sorted(set().union(*(
        unindexed_libraries({rel: decls.uris for rel, decls in files_of_root.items()},
                            own_packages(path if path.is_dir() else path.parent, dirs), result.packages)
        for path, dirs, files_of_root in zip(paths, projects_of_root, read_of_root)))))
    for name, files_of_project in zip(result.projects, per_project):
        records = project_records(Project(name, files_of_project), result.skips)
        result.samples.extend(records)
    result.files_harvested = len({(r["project"], r["source"]) for r in result.samples})
    result.skips = Counter({k: v for k, v in result.skips.items() if v})
    progress.finish(f"{len(result.samples)} samples from {result.files_harvested} files",
                    samples=len(result.samples))
    return result


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
