"""HTML (.html/.htm) files: the article text, title and stated metadata of a web page.

trafilatura extracts the main text (without navigation, comments and other boilerplate) and
the metadata the markup states. When it finds no text, a simple fallback keeps the block
elements outside navigation, header, footer, aside and form elements.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.ingest.loaders import LoadedText, fail, short_error
from assistant.ingest.loaders.text import read_text_file

# Elements whose text is never article text; removed by the fallback extractor.
_HTML_DROP = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form")
_HTML_BLOCKS = (
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "th", "dt", "dd",
    "figcaption", "caption",
)  # fmt: skip


def load_html(path: Path) -> LoadedText:
    """An HTML page: its main text as paragraphs separated by blank lines, title and metadata."""
    import trafilatura
    from trafilatura.metadata import extract_metadata

    html = read_text_file(path)
    if not html.strip():
        fail(path, "it contains no text")
    try:
        tree = trafilatura.load_html(html)
    except Exception as exc:
        fail(path, f"it is not valid HTML ({short_error(exc)})")
    if tree is None:
        fail(path, "it is not valid HTML")

    title: str | None = None
    metadata: dict[str, Any] = {}
    try:
        # Only dates the page's markup states (meta tags, <time>): the extensive search
        # guesses from any year in the text, e.g. a copyright line.
        meta = extract_metadata(
            tree, date_config={"extensive_search": False, "original_date": True}, extensive=False
        )
    except Exception:  # metadata is a bonus; never fail the file for it
        meta = None
    if meta is not None:
        title = meta.title or None
        for key in ("author", "date", "sitename", "description", "url"):
            value = getattr(meta, key, None)
            if value:
                metadata[key] = value

    try:
        # include_comments=False: reader comments are not article text.
        text = trafilatura.extract(
            html, include_comments=False, include_tables=True, favor_precision=True, deduplicate=False
        )
    except Exception:
        text = None
    if text and text.strip():
        # trafilatura writes one block element (paragraph, heading, list item) per line;
        # separate them by blank lines like the other formats.
        blocks = [line.strip() for line in text.split("\n")]
        text = "\n\n".join(b for b in blocks if b)
    else:
        text = _fallback_text(html)
    if title is None:
        title = _title(html)
    return LoadedText(text=text or "", title=title, metadata=metadata)


def _fallback_text(html: str) -> str:
    """Text of the block elements outside nav/header/footer/aside/form, one per paragraph."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(html)
    except Exception:
        return ""
    for el in list(root.iter(*_HTML_DROP)):
        if el.getparent() is not None:
            el.drop_tree()
    blocks: list[str] = []
    for el in root.iter(*_HTML_BLOCKS):
        # Skip blocks nested in another block (e.g. <p> inside <li>): the outer one has the text.
        if any(anc.tag in _HTML_BLOCKS for anc in el.iterancestors()):
            continue
        text = " ".join(el.text_content().split())
        if text:
            blocks.append(text)
    if not blocks:
        body = root.find("body")
        node = body if body is not None else root
        blocks = [" ".join(line.split()) for line in node.text_content().splitlines()]
    return "\n\n".join(b for b in blocks if b)


def _title(html: str) -> str | None:
    """The page's <title>, or else its first non-empty <h1>."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(html)
    except Exception:
        return None
    for xpath in ("//title", "//h1"):
        for el in root.xpath(xpath):
            text = " ".join(el.text_content().split())
            if text:
                return text
    return None
