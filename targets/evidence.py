"""Evidence files: the allowed types, checked by their content as well as their name."""

from __future__ import annotations

import zipfile
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError

ALLOWED = {".pdf", ".xlsx", ".csv", ".docx", ".png", ".jpg", ".jpeg"}


def _detect(head: bytes, stream: IO[bytes]) -> str | None:
    """The file's real type from its first bytes (and, for Office files, its zip members)."""
    if head.startswith(b"%PDF-"):
        return ".pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return ".png"
    if head.startswith(b"\xff\xd8\xff"):
        return ".jpg"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(stream).namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            if any(n.startswith("xl/") for n in names):
                return ".xlsx"
            if any(n.startswith("word/") for n in names):
                return ".docx"
        return None
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the sample is still text.
            if exc.start < len(head) - 3:
                return None
        return ".csv"
    return None


def validate_evidence(upload: IO[bytes]) -> None:
    name = getattr(upload, "name", "") or ""
    size = getattr(upload, "size", 0) or 0
    extension = PurePath(name).suffix.lower()
    if extension not in ALLOWED:
        raise ValidationError(f"{name}: evidence must be a PDF, XLSX, CSV, DOCX, PNG or JPG file.")
    limit = settings.EVIDENCE_MAX_BYTES
    if size > limit:
        raise ValidationError(
            f"{name} is {size / 1_048_576:.1f} MB: evidence files must be at most "
            f"{limit / 1_048_576:.0f} MB."
        )
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    detected = _detect(head, upload)
    upload.seek(0)
    expected = ".jpg" if extension == ".jpeg" else extension
    if detected != expected:
        raise ValidationError(
            f"{name} is not a real {expected.lstrip('.').upper()} file: its content does not "
            "match its name."
        )
