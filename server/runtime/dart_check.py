"""The final check of an editor request with the user's Dart SDK (``trainer.generation.analyzer``): the
candidates formatted by ``dart format`` and the best ones analysed in place by ``dart analyze``, in a
scratch copy of the project, as a job of kind ``generate`` (work-done progress, every kind of cancel).

``dart_for(settings, document, workspace)`` is the ``dart`` to run for an open file: the ``flutterSdkPath``
setting (a relative one is looked up in the file's project, then in the workspace folders), else
``$FLUTTER_ROOT``, else ``flutter`` on ``PATH``; None (no SDK, or a document that is not a file): no final
check, and nothing else changes. ``placement(document, start, end, shape)`` says where a candidate goes
in a snapshot of the document's text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from pygls.uris import to_fs_path
from pygls.workspace import TextDocument, Workspace

from dataset_tools.dart.scratch import project_root
from dataset_tools.dart.tool import DartTool, find_dart
from trainer.generation.analyzer import Placement, final_check

from .client import Client
from .engine import GenerationRequest
from .job_runner import run_job
from .jobs import JobRegistry, run_in_thread
from .progress_bridge import WorkDone

TITLE = "Flutter Tune: checking with the Dart analyzer"


def document_path(document: TextDocument) -> Path | None:
    """The file behind ``document`` (None for an unsaved or remote document)."""
    path = to_fs_path(document.uri) if document.uri.startswith("file:") else None
    return Path(path) if path else None


def dart_for(settings, document: TextDocument, workspace: Workspace) -> DartTool | None:
    """The ``dart`` for the final check of ``document`` (see the module docstring), or None."""
    path = document_path(document)
    if path is None:
        return None
    roots = [Path(p) for p in (to_fs_path(f.uri) for f in workspace.folders.values()) if p]
    return find_dart(settings.flutter_sdk_path, [p for p in (project_root(path), *roots) if p is not None])


def snapshot(document: TextDocument) -> TextDocument:
    """The document's text now, as a document of its own (the editor's copy may change meanwhile)."""
    return TextDocument(document.uri, document.source, version=document.version, language_id=document.language_id,
                        position_codec=document.position_codec)


def placement(document: TextDocument, start: int, end: int, shape: Callable[[str], str]) -> Placement:
    """A candidate replacing ``document.source[start:end]`` as ``shape(code)``."""
    return Placement(document_path(document), document.source, start, end, shape)


async def check_with_dart(client: Client, jobs: JobRegistry, request: GenerationRequest, feature: str, result,
                          dart: DartTool, where: Placement):
    """``result`` after the final check (``trainer.generation.analyzer.final_check``) as a job with its own
    progress, or None when the request was cancelled. Problems with ``dart`` go to the log, not to the user."""
    work = WorkDone(client, jobs, feature, TITLE, cancel_event=request.cancel)
    outcome = await run_job(client, jobs, "generate", work, lambda: run_in_thread(
        "dart-check", final_check, result, dart, where, cancel=request.cancel, log=client.log))
    if outcome.cancelled or request.cancel.is_set():
        return None
    return outcome.value
