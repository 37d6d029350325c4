"""Mail bodies made from sanitised HTML (an APB issue): absolute links, and a plain-text
part that carries the same words as the HTML part, never the Markdown source, and never
text the sanitiser removed."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin

_LINK_ATTRIBUTE = re.compile(r'(?P<attr>\s(?:href|src)=")(?P<url>[^"]*)"')
_HAS_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.IGNORECASE)
_NESTED_ITEM = re.compile(r"^(  )+(- |\d+\. )")
BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "pre",
          "table", "tr", "dl", "dt", "dd"}


def absolute_links(html: str, base_url: str) -> str:
    """`html` with every relative href/src resolved against `base_url` (SITE_URL)."""
    base = base_url.rstrip("/") + "/"

    def resolve(match: re.Match) -> str:
        url = match.group("url")
        if not _HAS_SCHEME.match(url):
            url = urljoin(base, url)
        return f'{match.group("attr")}{url}"'

    return _LINK_ATTRIBUTE.sub(resolve, html)


def html_to_text(html: str) -> str:
    """Readable plain text of (already sanitised) HTML: paragraphs apart, list items as
    "- item", links as "words (url)"."""
    maker = _TextMaker()
    maker.feed(html)
    maker.close()
    text = "".join(maker.parts)
    lines = [line.rstrip() if _NESTED_ITEM.match(line) else line.strip()
             for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class _TextMaker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._links: list[tuple[str | None, int]] = []
        self._pre = 0
        self._lists: list[list] = []  # per open list: [ordered, items so far]

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in BLOCKS:
            self.parts.append("\n\n")
        if tag == "pre":
            self._pre += 1
        elif tag in {"ul", "ol"}:
            self._lists.append([tag == "ol", 0])
        elif tag == "li":
            self.parts.append("\n" + self._bullet())
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "hr":
            self.parts.append("\n\n----\n\n")
        elif tag in {"td", "th"}:
            self.parts.append("  ")
        elif tag == "a":
            self._links.append((dict(attrs).get("href"), len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._links:
            href, start = self._links.pop()
            words = "".join(self.parts[start:]).strip()
            if href and href != words and not href.startswith("mailto:" + words):
                self.parts.append(f" ({href})")
        elif tag == "pre":
            self._pre = max(0, self._pre - 1)
        elif tag in {"ul", "ol"} and self._lists:
            self._lists.pop()
        if tag in BLOCKS:
            self.parts.append("\n")

    def _bullet(self) -> str:
        if not self._lists:
            return "- "
        self._lists[-1][1] += 1
        ordered, count = self._lists[-1]
        return "  " * (len(self._lists) - 1) + (f"{count}. " if ordered else "- ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data if self._pre else re.sub(r"\s+", " ", data))
