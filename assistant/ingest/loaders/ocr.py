"""OCR of scanned pages with the Tesseract command-line program (Arabic + English).

Used for PDF pages that have images but no text layer. The page is rendered by pdfium at
300 dpi and read by ``tesseract`` with the ``ara+eng`` models; its paragraphs (blocks
separated by blank lines) come back with their lines joined. Tesseract is optional: without
it (or without its Arabic model) such pages are reported with :data:`HOW_TO_ENABLE`.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

LANGUAGES = ("ara", "eng")
DPI = 300
TIMEOUT_SECONDS = 180
HOW_TO_ENABLE = (
    "install Tesseract with its Arabic model to OCR such pages "
    "(Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-ara) and ingest again"
)


class OcrError(Exception):
    pass


@functools.lru_cache(maxsize=1)
def available() -> bool:
    """Tesseract is installed with the Arabic and English models."""
    exe = shutil.which("tesseract")
    if exe is None:
        return False
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    langs = set((out.stdout + out.stderr).split())
    return all(lang in langs for lang in LANGUAGES)


def has_images(page: Any) -> bool:
    """The pypdfium2 page draws at least one image (a scan), directly or in a form."""
    import pypdfium2.raw as raw

    return any(
        raw.FPDFPageObj_GetType(obj.raw) in (raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_FORM)
        for obj in page.get_objects(max_depth=2)
    )


def ocr_page(page: Any) -> str:
    """The text of a rendered pypdfium2 page: paragraphs separated by blank lines."""
    exe = shutil.which("tesseract")
    if exe is None:
        raise OcrError("tesseract is not installed")
    image = page.render(scale=DPI / 72, grayscale=True).to_pil()
    with tempfile.TemporaryDirectory(prefix="assistant-ocr-") as tmp:
        png = Path(tmp) / "page.png"
        image.save(png)
        try:
            out = subprocess.run(
                [exe, str(png), "stdout", "-l", "+".join(LANGUAGES), "--dpi", str(DPI), "--psm", "3"],
                capture_output=True,
                text=True,
                timeout=TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise OcrError(f"tesseract took more than {TIMEOUT_SECONDS} s") from exc
        except OSError as exc:
            raise OcrError(str(exc)) from exc
    if out.returncode != 0:
        raise OcrError(" ".join(out.stderr.split())[:160] or f"tesseract exited with {out.returncode}")
    return paragraphs(out.stdout)


_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def paragraphs(text: str) -> str:
    """Tesseract's blocks, one paragraph per block with its lines joined (without the
    direction marks Tesseract puts around Latin words in Arabic lines)."""
    blocks = []
    for block in _BIDI_CONTROLS.sub("", text).replace("\f", "").split("\n\n"):
        joined = " ".join(block.split())
        if joined:
            blocks.append(joined)
    return "\n\n".join(blocks)
