"""Portfolio export benchmark: speed and memory of the PDF build, against WeasyPrint alone.

The portfolio: 300 evidence items with long statements, 100 photos (4000 x 3000 JPEG,
noise and gradients, generated once into var/bench/export-cache), 50 PDFs appended as
pages. It is built directly as `PortfolioData` dataclasses, NOT read from the database
(gathering is measured separately by the service tests' query bound); the files are read
from a FileSystemStorage in var/bench, as a worker reads them.

End to end = preparing the images (from storage) + rendering in the memory-capped child
(parts, merge, page stamps) + storing the PDF (SHA-256 and storage). WeasyPrint alone =
one `HTML(...).write_pdf()` of the same content as a single document, with the same
prepared images, in a child process of its own. Then the same at twice the size, to
show that the renderer's peak memory does not grow with the portfolio.

Targets: >= 10 rendered pages/s end to end (appended PDF pages not counted); end to end
<= 1.3 x WeasyPrint alone; renderer peak RSS < 600 MB at both sizes.
Run alone: `.venv/bin/python -m tests.bench export` (or `make bench`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "var" / "bench" / "export-cache"
PAGES_PER_SECOND_TARGET = 10
RATIO_TARGET = 1.3
RSS_TARGET_MB = 600


def _setup_django(storage: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio_site.settings")
    os.environ["MEDIA_ROOT"] = str(storage)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{storage}/unused.sqlite3")
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["STATIC_MANIFEST"] = "false"
    import django

    django.setup()


def _photos(count: int) -> list[Path]:
    from PIL import Image

    folder = CACHE / "photos"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"photo-{n:03d}.jpg"
        if not path.exists():
            noise = Image.effect_noise((1000, 750), 30 + n % 40).resize((4000, 3000))
            ramp = Image.linear_gradient("L").resize((4000, 3000)).rotate(n * 7 % 360)
            Image.merge("RGB", (noise, ramp, ramp.transpose(Image.Transpose.FLIP_LEFT_RIGHT))).save(
                path, "JPEG", quality=85)
        paths.append(path)
    return paths


def _pdf(n: int) -> bytes:
    template = CACHE / "evidence.pdf"
    if not template.exists():
        from weasyprint import HTML

        template.parent.mkdir(parents=True, exist_ok=True)
        HTML(string="".join(f"<h1 style='break-after: page'>Supplier contract page {p}</h1>" for p in (1, 2, 3))
             ).write_pdf(template)
    return template.read_bytes() + f"%bench {n}\n".encode()  # distinct bytes, still a valid PDF


def _portfolio(scale: int, storage: Path):
    """300*scale items (100*scale photos, 50*scale PDFs), 20*scale units; files saved into `storage`."""
    import datetime

    from exports.data import (
        Decision,
        EvidenceItem,
        ItemSection,
        MappedEvidence,
        PortfolioData,
        RulesStatus,
        SignOff,
        StoredFile,
        UnitSection,
    )

    day = datetime.date(2026, 3, 2)
    photos = _photos(100)
    paragraph = ("I took the call from a customer whose delivery had been missed twice. I listened, apologised, "
                 "checked the order history and agreed a new slot with the courier, then called back to confirm. ")
    items = []
    photo_count = 0
    for n in range(1, 300 * scale + 1):
        files = []
        if n % 3 == 1 and photo_count < 100 * scale:
            photo_count += 1
            source = photos[(n // 3) % len(photos)]
            name = f"evidence/photo-{n}.jpg"
            target = storage / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                os.link(source, target) if source.stat().st_dev == storage.stat().st_dev else shutil.copy(
                    source, target)
            files.append(StoredFile(f"till-{n}.jpg", target.stat().st_size, f"{n:064x}", name, "image/jpeg"))
        elif n % 6 == 2 and n // 6 < 50 * scale:
            data = _pdf(n)
            name = f"evidence/contract-{n}.pdf"
            (storage / name).parent.mkdir(parents=True, exist_ok=True)
            (storage / name).write_bytes(data)
            files.append(StoredFile(f"contract-{n}.pdf", len(data), hashlib.sha256(data).hexdigest(), name,
                                    "application/pdf"))
        items.append(EvidenceItem(
            ref=f"E{n}", title=f"Missed delivery, call {n}", kind="Personal statement", status="Submitted",
            version=1, created=day, submitted=day, author="Cara Candidate",
            text="\n\n".join(paragraph * 3 for _ in range(2 + n % 4)), files=tuple(files)))
    units = tuple(
        UnitSection(
            code=f"U{u}", title=f"Unit {u} of the diploma", level=3, value_label="6 credits", group="A",
            items=tuple(
                ItemSection(code=f"{o}.{c}", text=f"Criterion {o}.{c}: deal with the customer's problem",
                            outcome_code=str(o), outcome_title=f"Outcome {o}",
                            evidence=tuple(MappedEvidence(f"E{(u * 7 + k) % len(items) + 1}", "Missed delivery",
                                                          Decision("Accepted", "Ash Assessor", day, "Good."))
                                           for k in range(3)),
                            sign_off=SignOff("Ash Assessor", day))
                for o in (1, 2, 3) for c in (1, 2, 3)),
            sign_off=SignOff("Ash Assessor", day, "I confirm."))
        for u in range(1, 20 * scale + 1))
    return PortfolioData(
        candidate="Cara Candidate", candidate_email="cara@example.org", centre="Northgate Training",
        qualification="NVQ Level 3 Diploma in Customer Service", qualification_code="cs3 v1",
        awarding_body="OCR", assessor="Ash Assessor", iqa="Ivy Quality", start_date=day,
        planned_end_date=day + datetime.timedelta(days=365),
        generated_at=datetime.datetime(2026, 11, 23, tzinfo=datetime.UTC),
        plan=RulesStatus(True, "The plan meets the rules."), achieved=RulesStatus(False, "Not yet."),
        units=units, evidence=tuple(items))


def _baseline(data, assets, workdir: Path) -> dict:
    """WeasyPrint alone on the whole document, in a child process; seconds and peak RSS."""
    import pickle

    job = workdir / "baseline.pickle"
    job.write_bytes(pickle.dumps({"data": data, "assets": assets, "workdir": workdir}))
    code = (
        "import os, pickle, resource, sys, time, json, django; django.setup();"
        "from weasyprint import HTML; from exports.render import whole_document_html;"
        "from exports.fetcher import PortfolioFetcher;"
        f"job = pickle.load(open({str(job)!r}, 'rb'));"
        "html = whole_document_html(job['data'], job['assets'], include_pdf_evidence=True);"
        "start = time.perf_counter();"
        "doc = HTML(string=html, url_fetcher=PortfolioFetcher(job['workdir'])).render();"
        "pages = len(doc.pages); doc.write_pdf(job['workdir'] / 'baseline.pdf');"
        "print(json.dumps({'seconds': time.perf_counter() - start, 'pages': pages,"
        " 'rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=os.environ, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _end_to_end(data, storage: Path, workdir: Path) -> dict:
    from django.core.files import File
    from django.core.files.storage import default_storage
    from PIL import Image

    from exports.fetcher import image_url
    from exports.images import PreparedImage
    from exports.isolate import render_in_child
    from exports.render import Assets
    from exports.services import _sha256, prepare_assets

    timings = {}
    start = time.perf_counter()
    # As the worker does: PDFs copied here, images prepared by the renderer beside the unit sections.
    assets = prepare_assets(data, workdir=workdir, include_pdf_evidence=True, defer_images=True)
    timings["images"] = time.perf_counter() - start
    mark = time.perf_counter()
    target = workdir / "portfolio.pdf"
    result, rss_kib = render_in_child(
        data, assets=assets, workdir=workdir, target=target, include_pdf_evidence=True, memory_limit_mb=1500,
        timeout=3600, on_progress=lambda *args: None)
    timings["render"] = time.perf_counter() - mark
    mark = time.perf_counter()
    _sha256(target)
    name = "exports/bench/portfolio.pdf"
    if default_storage.exists(name):
        default_storage.delete(name)
    with open(target, "rb") as handle:
        default_storage.save(name, File(handle, name="portfolio.pdf"))
    timings["store"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - start
    # The images the renderer prepared, for WeasyPrint alone (the bench's photos are all JPEG).
    prepared = {}
    for name, index in assets.image_jobs:
        with Image.open(workdir / "img" / f"{index}.jpg") as image:
            prepared[name] = PreparedImage(image_url(index, "jpg"), *image.size)
    return {"timings": timings, "result": result, "rss_mb": rss_kib / 1024,
            "assets": Assets(images=prepared, pdfs=assets.pdfs)}


def run() -> None:
    storage = Path(tempfile.mkdtemp(prefix="bench-export-", dir=ROOT / "var"))
    CACHE.mkdir(parents=True, exist_ok=True)
    _setup_django(storage)
    failures = []
    try:
        print("Portfolio built as PortfolioData dataclasses directly (the database is bypassed: gathering is not "
              "timed here); files are read from a local FileSystemStorage.")
        started = time.perf_counter()
        _photos(100)
        print(f"photos ready in {time.perf_counter() - started:.1f} s (cached in {CACHE})")
        for scale in (1, 2):
            data = _portfolio(scale, storage)
            photos = sum(1 for _i, f in data.files if f.is_image)
            pdfs = sum(1 for _i, f in data.files if f.is_pdf)
            with tempfile.TemporaryDirectory(dir=storage) as folder:
                ours = _end_to_end(data, storage, Path(folder))
                result, t = ours["result"], ours["timings"]
                rate = result.rendered_pages / t["total"]
                print(f"\n{len(data.evidence)} items, {photos} photos, {pdfs} PDFs, {len(data.units)} units: "
                      f"{result.rendered_pages} rendered pages + {result.appended_pages} appended")
                print(f"  end to end  {t['total']:6.1f} s = PDF copies {t['images']:.1f} "
                      f"+ render (images prepared alongside) {t['render']:.1f} "
                      f"+ store {t['store']:.1f}; {rate:.1f} pages/s (target >= {PAGES_PER_SECOND_TARGET}); "
                      f"renderer peak RSS {ours['rss_mb']:.0f} MB (target < {RSS_TARGET_MB})")
                if rate < PAGES_PER_SECOND_TARGET:
                    failures.append(f"x{scale}: {rate:.1f} pages/s")
                if ours["rss_mb"] >= RSS_TARGET_MB:
                    failures.append(f"x{scale}: peak RSS {ours['rss_mb']:.0f} MB")
                if scale == 1:
                    alone = _baseline(data, ours["assets"], Path(folder))
                    ratio = t["total"] / alone["seconds"]
                    print(f"  WeasyPrint alone (one document, same HTML and prepared images): {alone['seconds']:.1f} s"
                          f" for {alone['pages']} pages, peak RSS {alone['rss_mb']:.0f} MB; "
                          f"end to end / alone = {ratio:.2f} (target <= {RATIO_TARGET})")
                    if ratio > RATIO_TARGET:
                        failures.append(f"ratio {ratio:.2f}")
    finally:
        shutil.rmtree(storage, ignore_errors=True)
    print("\nexport bench: " + ("all targets met" if not failures else "MISSED: " + "; ".join(failures)))
    if failures:
        raise SystemExit(1)


if __name__ == "__main__":
    run()
