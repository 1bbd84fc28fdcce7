"""File → Document: the text as written, its normalised copy, metadata, flags and structure.

    read_report (read.py) → normalize (normalize.py) → detect_flags (hygiene.py)
    → parse_structure (structure.py) → extract_metadata (metadata.py)

A Document is what every later stage reads: the matcher looks for rubric
terms in its sentences, and evidence is quoted from `original` through the
offset map.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .hygiene import Flag, detect_flags, mask
from .metadata import Metadata, extract_metadata
from .normalize import Normalized, normalize
from .read import RawText, read_report
from .spans import Spans
from .structure import Part, PartRole, Sentence, parse_structure
from .tokens import tokenize


@dataclass(frozen=True)
class Document:
    path: str
    sha256: str
    kind: str  # txt | docx | pdf | html
    encoding: str | None
    warnings: tuple[str, ...]
    original: str  # the text as written (after extraction from its file)
    norm: Normalized  # the text for matching and its offset map
    match_text: str  # norm.text with flagged spans blanked out
    metadata: Metadata
    flags: tuple[Flag, ...]
    parts: tuple[Part, ...]
    sentences: tuple[Sentence, ...]
    paragraphs: Spans  # each line's (start, end), read as a tuple of pairs

    @property
    def text(self) -> str:
        return self.norm.text

    def quote(self, start: int, end: int) -> str:
        """The original text behind a span of the normalised text, as written."""
        a, b = self.norm.to_original(start, end)
        return self.original[a:b]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        return self.norm.to_original(start, end)

    def excluded_spans(self) -> list[tuple[int, int]]:
        return [span for flag in self.flags if flag.excluded for span in flag.spans]

    def flag_names(self) -> list[str]:
        return [flag.name for flag in self.flags]

    def parts_with_role(self, role: PartRole) -> list[Part]:
        return [p for top in self.parts for p in top.walk() if p.role == role]


def load_document(path: str | Path, data_sha256: str | None = None) -> Document:
    """Read a report file and build its Document."""
    raw = read_report(path)
    sha = data_sha256 or hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return build_document(raw, path=str(path), sha256=sha)


def document_from_text(text: str, path: str = "<text>") -> Document:
    """Build a Document from a string (rubric examples, tests)."""
    raw = RawText(text=text, kind="txt", encoding="utf-8")
    return build_document(raw, path=path, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())


def build_document(raw: RawText, *, path: str, sha256: str) -> Document:
    norm = normalize(raw.text)
    flags = detect_flags(norm)
    excluded = [span for flag in flags if flag.excluded for span in flag.spans]
    parts, sentences, paragraphs = parse_structure(norm.text, excluded)
    metadata = extract_metadata(norm.text, parts, excluded, tokenize)
    return Document(
        path=path, sha256=sha256, kind=raw.kind, encoding=raw.encoding, warnings=raw.warnings,
        original=raw.text, norm=norm, match_text=mask(norm.text, excluded), metadata=metadata,
        flags=flags, parts=parts, sentences=sentences, paragraphs=paragraphs,
    )
