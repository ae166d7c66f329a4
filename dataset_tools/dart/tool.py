"""The SDK's ``dart`` executable: ``dart analyze --format=machine`` and ``dart format``.

``find_dart(configured, bases)`` picks the executable (``dart_in(folder)``: the one of an SDK folder): ``configured`` (a Flutter SDK folder or a Dart SDK
folder; a relative path is looked up under each of ``bases``), else the Flutter SDK ``find_sdk`` finds
(``$FLUTTER_ROOT``, ``flutter`` on ``PATH``). In a Flutter SDK the Dart SDK it ships
(``bin/cache/dart-sdk/bin/dart``) is run directly when it is there: ``bin/dart`` is a wrapper script that
may first update the Flutter tool.

``DartTool.analyze(target, cwd=)`` returns the analyzer's diagnostics (``dataset_tools.dart.diagnostics``);
``DartTool.format(files, cwd=)`` formats files in place. Each runs with a timeout and an optional cancel
event; when either fires, the whole process group is killed (``dart analyze`` starts an analysis server of
its own). Anything but a normal end raises ``DartToolError`` saying what happened.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from .diagnostics import Diagnostic, parse_machine_output
from .sdk import FlutterSdk, find_sdk, is_sdk

ANALYZE_TIMEOUT_S = 60.0
FORMAT_TIMEOUT_S = 20.0
POLL_S = 0.1
ANALYZE_EXIT_CODES = (0, 1, 2, 3)  # none, infos, warnings, errors (dartdev's analyze command)
FORMAT_PARSE_ERROR = 65  # dart format: some file could not be parsed; the others were formatted
EXECUTABLE = "dart.exe" if os.name == "nt" else "dart"


class DartToolError(Exception):
    """``dart`` could not start, timed out, was cancelled, or ended in a way its output cannot be trusted."""

    def __init__(self, message: str, *, cancelled: bool = False) -> None:
        super().__init__(message)
        self.cancelled = cancelled


@dataclass(frozen=True)
class Run:
    """How one ``dart`` command ended."""

    returncode: int
    stdout: str
    stderr: str

    def last_error_line(self) -> str:
        lines = [line.strip() for line in self.stderr.splitlines() if line.strip()]
        return lines[-1] if lines else ""


def _kill_group(process: subprocess.Popen) -> None:
    try:
        if os.name == "nt":
            process.kill()
        else:
            os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass


def run_dart(args: Sequence[str], *, cwd: Path, timeout: float,
             cancel: threading.Event | None = None, what: str = "dart") -> Run:
    """Run ``args`` in ``cwd`` (in a process group of its own), waiting at most ``timeout`` seconds and
    stopping when ``cancel`` is set."""
    group = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP} if os.name == "nt" else {"start_new_session": True}
    try:
        process = subprocess.Popen(list(args), cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace", **group)
    except OSError as exc:
        raise DartToolError(f"{what} could not start: {exc}") from exc
    deadline = time.monotonic() + timeout
    while True:
        try:
            stdout, stderr = process.communicate(timeout=POLL_S)
            return Run(process.returncode, stdout, stderr)
        except subprocess.TimeoutExpired:
            cancelled = cancel is not None and cancel.is_set()
            if cancelled or time.monotonic() >= deadline:
                _kill_group(process)
                process.communicate()
                if cancelled:
                    raise DartToolError(f"{what} was cancelled", cancelled=True) from None
                raise DartToolError(f"{what} took longer than {timeout:g} s and was stopped") from None


@dataclass(frozen=True)
class DartTool:
    """A ``dart`` executable of the user's SDK."""

    executable: Path

    def analyze(self, target: Path, *, cwd: Path, timeout: float = ANALYZE_TIMEOUT_S,
                cancel: threading.Event | None = None) -> list[Diagnostic]:
        """The diagnostics of ``dart analyze --format=machine target``. An exit code outside 0–3, or one
        that says there are errors when no error could be read, raises ``DartToolError``."""
        run = run_dart([str(self.executable), "analyze", "--format=machine", str(target)], cwd=cwd,
                       timeout=timeout, cancel=cancel, what="dart analyze")
        if run.returncode not in ANALYZE_EXIT_CODES:
            raise DartToolError(f"dart analyze ended with exit code {run.returncode}"
                                + (f": {run.last_error_line()}" if run.last_error_line() else ""))
        diagnostics = parse_machine_output(run.stdout)
        if run.returncode == 3 and not any(d.is_error for d in diagnostics):
            raise DartToolError("dart analyze reported errors but printed none in the machine format")
        return diagnostics

    def format(self, files: Iterable[Path], *, cwd: Path, timeout: float = FORMAT_TIMEOUT_S,
               cancel: threading.Event | None = None) -> None:
        """Format ``files`` in place with ``dart format``; a file it cannot parse is left as it was."""
        files = [str(f) for f in files]
        if not files:
            return
        run = run_dart([str(self.executable), "format", *files], cwd=cwd, timeout=timeout, cancel=cancel,
                       what="dart format")
        if run.returncode not in (0, FORMAT_PARSE_ERROR):
            raise DartToolError(f"dart format ended with exit code {run.returncode}"
                                + (f": {run.last_error_line()}" if run.last_error_line() else ""))


def _is_dart_sdk(folder: Path) -> bool:
    """A Dart SDK folder: ``bin/dart`` beside the SDK's ``lib`` and ``version``."""
    return (folder / "bin" / EXECUTABLE).is_file() and (folder / "lib").is_dir() and (folder / "version").is_file()


def dart_in(folder: Path) -> DartTool | None:
    """The ``dart`` of a Flutter SDK folder (the Dart SDK it ships, else its ``bin/dart``) or of a Dart SDK
    folder; None when ``folder`` is neither."""
    executable = None
    if is_sdk(folder):
        shipped = folder / "bin" / "cache" / "dart-sdk" / "bin" / EXECUTABLE
        executable = shipped if shipped.is_file() else FlutterSdk(folder).dart
    elif _is_dart_sdk(folder):
        executable = folder / "bin" / EXECUTABLE
    return DartTool(executable.absolute()) if executable is not None and executable.is_file() else None


def find_dart(configured: str | Path | None = None, bases: Iterable[Path] = ()) -> DartTool | None:
    """The ``dart`` executable to use (see the module docstring), or None when there is none."""
    if configured:
        path = Path(configured).expanduser()
        for folder in ([path] if path.is_absolute() else [Path(base) / path for base in bases]):
            dart = dart_in(folder)
            if dart is not None:
                return dart
    sdk = find_sdk()
    return dart_in(sdk.root) if sdk is not None else None
