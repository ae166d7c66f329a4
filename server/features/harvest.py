"""``flutterTune.harvest``: the workspace's widgets into a dataset, as a cancellable background job.

Argument ``{roots?: [folder], out?: folder}``: the workspace folders (or ``roots``) into the dataset
folder (setting ``datasetDir``); returns ``{datasetDir, counts, kinds, filesSeen, filesHarvested, skips,
cancelled}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pygls.uris import to_fs_path

from dataset_tools.converter import FolderText, StrList

from ..app import FlutterTuneServer
from ..runtime.arguments import command_args
from ..runtime.errors import RequestFailed
from ..runtime.job_runner import run_in_background

HARVEST = "flutterTune.harvest"


@dataclass(frozen=True, kw_only=True)
class HarvestArgs:
    roots: StrList | None = None  # none (or empty): the workspace folders
    out: FolderText | None = None  # none: the dataset folder setting


def workspace_roots(ls: FlutterTuneServer) -> list[str]:
    roots = []
    for folder in ls.workspace.folders.values():
        path = to_fs_path(folder.uri)
        if path:
            roots.append(path)
    if not roots and ls.workspace.root_path:
        roots.append(ls.workspace.root_path)
    return roots


async def harvest(ls: FlutterTuneServer, *args) -> dict:
    from dataset_tools.pipeline import harvest_to_dataset

    options = command_args(HARVEST, args, HarvestArgs, positional=("roots",))
    roots = options.roots or workspace_roots(ls)
    if not roots:
        raise RequestFailed(f"{HARVEST}: no workspace folder is open and no 'roots' were given. "
                            "Open a Flutter project folder first.")
    out = Path(options.out or ls.settings.dataset_folder()).expanduser()
    outcome = await run_in_background(ls, ls.jobs, "harvest", "Flutter Tune: harvesting widgets",
                                      lambda p: harvest_to_dataset(roots, out, progress=p))
    if outcome.cancelled:
        ls.show("Harvest cancelled; the dataset was not changed.")
        return {"cancelled": True, "message": outcome.message}
    result = outcome.value
    manifest = result.manifest
    counts = manifest.get("counts", {})
    if result.unchanged:
        ls.show(f"The dataset in {result.out_dir} is up to date: no file changed since its harvest "
                f"({counts.get('total', 0)} samples).")
    else:
        ls.show(f"Harvested {counts.get('total', 0)} samples from {manifest.get('files_harvested', 0)} files "
                f"into {result.out_dir} (train {counts.get('train', 0)}, validation {counts.get('validation', 0)}, "
                f"test {counts.get('test', 0)}; {manifest.get('files_reread', 0)} files read anew).")
    return {"cancelled": False, "datasetDir": str(result.out_dir), "counts": counts, "unchanged": result.unchanged,
            "kinds": manifest.get("kinds", {}), "filesSeen": manifest.get("files_seen", 0),
            "filesHarvested": manifest.get("files_harvested", 0), "filesReread": manifest.get("files_reread", 0),
            "skips": manifest.get("skips", {})}


def register(server: FlutterTuneServer) -> None:
    server.command(HARVEST)(harvest)
