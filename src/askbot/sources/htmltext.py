"""The text of an HTML fragment (a feed's full-text ``content``), one paragraph a line."""

from __future__ import annotations

BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt"}
DROPPED = {"script", "style", "figure", "figcaption", "noscript", "iframe"}


def html_text(fragment: str) -> str:
    """Paragraphs of ``fragment`` separated by blank lines; markup and scripts dropped."""
    import lxml.etree
    import lxml.html

    if "<" not in fragment:
        return fragment.strip()
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return ""
    for element in list(root.iter(*DROPPED)):
        element.drop_tree()
    paragraphs = []
    for element in root.iter(*BLOCKS):
        if any(parent.tag in BLOCKS for parent in element.iterancestors()):
            continue  # its text is in the enclosing block already
        text = " ".join(element.text_content().split())
        if text:
            paragraphs.append(text)
    if not paragraphs:
        text = " ".join(root.text_content().split())
        return text
    return "\n\n".join(paragraphs)


def words(fragment: str | None) -> int:
    return len(html_text(fragment).split()) if fragment else 0
