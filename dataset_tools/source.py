"""Read a Dart file into clean UTF-8 bytes for the parser, or say why it is skipped.

Clean means: no BOM, LF line endings, valid UTF-8. Skip reasons: ``unreadable`` (OS error),
``too_large`` (over the size cap), ``binary`` (NUL bytes), ``invalid_utf8``, ``generated_header``
(a ``GENERATED CODE`` / ``DO NOT EDIT`` / ``DO NOT MODIFY`` line comment in the first KiB;
``///`` doc comments do not count). The size cap is checked here, on the bytes read, so the walk
needs no ``stat`` per file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

BOM = b"\xef\xbb\xbf"
HEADER_BYTES = 1024
_GENERATED = re.compile(rb"^\s*(?://(?!/)|/\*|\*).*?(GENERATED CODE|DO NOT EDIT|DO NOT MODIFY)",
                        re.IGNORECASE | re.MULTILINE)


@dataclass
class SourceText:
    """The cleaned bytes of one file, or the reason it was skipped (then ``data`` is empty)."""

    data: bytes = b""
    skip: str | None = None


def clean_bytes(raw: bytes) -> SourceText:
    """Strip the BOM, normalise CRLF/CR to LF and check encoding and generated headers."""
    if b"\x00" in raw:
        return SourceText(skip="binary")
    if raw.startswith(BOM):
        raw = raw[3:]
    if not raw.isascii():
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return SourceText(skip="invalid_utf8")
    if b"\r" in raw:
        raw = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    head = raw[:HEADER_BYTES]
    lowered = head.lower()
    if (b"generated code" in lowered or b"do not edit" in lowered or b"do not modify" in lowered) \
            and _GENERATED.search(head):
        return SourceText(skip="generated_header")
    return SourceText(raw)


def read_source(path: str, max_bytes: int | None = None) -> SourceText:
    """Read and clean ``path``; unreadable or oversized files become a skip, never an exception."""
    try:
        with open(path, "rb") as handle:
            if max_bytes is not None and os.fstat(handle.fileno()).st_size > max_bytes:
                return SourceText(skip="too_large")
            raw = handle.read()
    except OSError:
        return SourceText(skip="unreadable")
    return clean_bytes(raw)
