"""Prepare evidence images for print before WeasyPrint sees them.

A phone photo is 12 megapixels or more; the PDF needs about 150 dpi across a
text column. Decoding JPEGs in draft mode (the decoder scales by 1/2, 1/4 or
1/8 while decoding) makes that almost free; EXIF orientation is applied so
photos stand the right way up, and the result is a modest JPEG in the work
folder that the fetcher serves by URL.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from PIL import Image, ImageOps

from .fetcher import image_path, image_url

try:  # HEIC photos from phones, when pillow-heif is installed (it is in requirements.txt).
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover
    pass

#: The longest side of a prepared image: 16 cm of column at about 150 dpi.
PRINT_PIXELS = 1000
JPEG_QUALITY = 82
# Leave a core to WeasyPrint, which lays out meanwhile on one thread.
IMAGE_THREADS = max(1, min(4, (os.cpu_count() or 1) - 1))


@dataclass(frozen=True, slots=True)
class PreparedImage:
    url: str
    width: int
    height: int


class UnreadableImage(ValueError):
    """The stored file is not an image Pillow can read (it is listed, not embedded)."""


def prepare_image(source: IO[bytes], *, folder: Path, index: int, max_pixels: int = PRINT_PIXELS) -> PreparedImage:
    """Write `source` as image number `index` into `folder`, upright and at most `max_pixels` on its long side.

    Raises `UnreadableImage` when the bytes are not an image Pillow can decode.
    """
    try:
        with Image.open(source) as img:
            if img.format == "JPEG":
                # Draft mode: the decoder scales by 1/2, 1/4 or 1/8 while decoding, to the smallest
                # size still at least the one asked. Ask for the target size in the image's own
                # proportions (a square box would keep twice the pixels of a 4:3 photo).
                scale = min(1.0, max_pixels / max(img.size))
                img.draft("RGB", (math.ceil(img.width * scale), math.ceil(img.height * scale)))
            upright = ImageOps.exif_transpose(img)
            upright.thumbnail((max_pixels, max_pixels), Image.Resampling.LANCZOS, reducing_gap=2.0)
            has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
            suffix = "png" if has_alpha else "jpg"
            target = image_path(folder, index, suffix)
            target.parent.mkdir(parents=True, exist_ok=True)
            if has_alpha:
                upright.convert("RGBA").save(target, "PNG", optimize=False)
            else:
                upright.convert("RGB").save(target, "JPEG", quality=JPEG_QUALITY, optimize=False)
            return PreparedImage(image_url(index, suffix), upright.width, upright.height)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise UnreadableImage(str(error)) from error


def prepare_images_in_background(
    jobs: tuple[tuple[str, int], ...],
    *,
    folder: Path,
    open_stored: Callable[[str], IO[bytes]] | None,
    max_pixels: int = PRINT_PIXELS,
    threads: int = IMAGE_THREADS,
) -> Callable[[], dict[str, PreparedImage]]:
    """Start preparing each (storage name, index) of `jobs` on a few threads; returns a function that
    waits for them and gives the prepared images by storage name (unreadable ones left out)."""
    if open_stored is None:
        raise ValueError("Images to prepare need a way to open stored files (open_stored).")
    # Pillow releases the GIL while decoding and encoding, so the threads run beside the layout.
    pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="prepare-image")

    def prepare(name: str, index: int) -> PreparedImage | None:
        try:
            with open_stored(name) as source:
                return prepare_image(source, folder=folder, index=index, max_pixels=max_pixels)
        except (UnreadableImage, OSError):
            return None

    futures = {name: pool.submit(prepare, name, index) for name, index in jobs}

    def wait() -> dict[str, PreparedImage]:
        try:
            return {name: prepared for name, future in futures.items() if (prepared := future.result())}
        finally:
            pool.shutdown()

    return wait
