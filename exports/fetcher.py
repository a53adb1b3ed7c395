"""The only way WeasyPrint may load anything while rendering a portfolio.

A portfolio is rendered from our own prepared files only: images that
`exports.images` wrote into the export's work folder, referenced as
``export:img/<n>.jpg``. Everything else (file://, http(s)://, other paths,
large data: URIs) is refused, so text or a file name crafted by a user can
never pull a file of the server or of the network into the PDF.
"""

from __future__ import annotations

import re
from pathlib import Path

from weasyprint.urls import URLFetcher, URLFetcherResponse

SCHEME = "export:"
_ALLOWED = re.compile(r"^export:img/(\d{1,7})\.(jpg|png)$")
#: A data: URI this long or shorter is harmless (a bullet, a 1-pixel rule); anything bigger is refused.
TINY_DATA_URI = 512
_TYPES = {"jpg": "image/jpeg", "png": "image/png"}


class RefusedURL(ValueError):
    """The renderer asked for something outside the export's own prepared files."""


def image_url(index: int, suffix: str = "jpg") -> str:
    """The URL under which the renderer finds prepared image number `index`."""
    return f"{SCHEME}img/{index}.{suffix}"


def image_path(folder: Path, index: int, suffix: str = "jpg") -> Path:
    """Where prepared image number `index` lives in the work folder."""
    return folder / "img" / f"{index}.{suffix}"


# WeasyPrint ships no type hints (mypy ignores its imports), so URLFetcher is Any to mypy and the strict
# disallow_subclassing_any reports this class as [misc]; the subclass is what WeasyPrint asks for.
class PortfolioFetcher(URLFetcher):  # type: ignore[misc]
    """Serves ``export:img/<n>.<jpg|png>`` from `folder`; refuses every other URL and remembers it."""

    def __init__(self, folder: Path) -> None:
        super().__init__(allowed_protocols=())
        self.folder = Path(folder)
        self.fetched: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith("data:") and len(url) <= TINY_DATA_URI:
            # Only the data: handler of urllib runs here: it reads the URI itself, never a file.
            return _fetch_tiny_data(self, url)
        match = _ALLOWED.match(url)
        if match is None:
            self.refused.append(url)
            raise RefusedURL(f"Refused to load {url[:200]!r}: portfolios are rendered from their own files only.")
        path = image_path(self.folder, int(match[1]), match[2])
        self.fetched.append(url)
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": _TYPES[match[2]]})


def _fetch_tiny_data(fetcher: PortfolioFetcher, url: str) -> URLFetcherResponse:
    """Decode a tiny data: URI without going through urllib's other handlers."""
    from urllib.request import DataHandler, Request

    response = DataHandler().data_open(Request(url))
    fetcher.fetched.append(url[:40])
    return URLFetcherResponse(url, body=response.read(), headers=dict(response.headers))
