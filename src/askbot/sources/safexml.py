"""Untrusted XML, refused before parsing when it declares entities (or is not XML).

defusedxml parses the document with expansion forbidden: a billion-laughs bomb, an
external entity (``file:///etc/passwd``, an internal URL) or a DTD that fetches anything
raises before any entity is expanded. Parsers used afterwards (feedparser, lxml) then never
see a document that depends on entities.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree

from askbot.errors import SourceError


def parse_xml(body: bytes, where: str) -> Element:
    """The root element; SourceError for entity declarations or malformed XML."""
    try:
        root: Element = defusedxml.ElementTree.fromstring(
            body, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except defusedxml.DefusedXmlException as exc:
        raise SourceError(
            f"{where}: the XML declares entities ({type(exc).__name__}); "
            "askbot refuses them (entity expansion attacks)"
        ) from None
    except ParseError as exc:
        raise SourceError(f"{where}: malformed XML ({exc})") from None
    return root


def local(tag: str) -> str:
    """A tag without its namespace: ``{http://...}urlset`` -> ``urlset``."""
    return tag.rsplit("}", 1)[-1]
