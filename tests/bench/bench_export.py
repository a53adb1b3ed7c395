"""Portfolio export benchmark: speed and memory of the whole export, against WeasyPrint alone.

The portfolio, in a throwaway database (`support.setup_django`, specs loaded): one enrolment
on the first loaded qualification with 300 submitted evidence items with long statements,
100 of them with a photo (4000 x 3000 JPEG, noise and gradients, generated once into
var/bench/export-cache and saved into the default storage as hard links), 50 with a PDF
(appended as pages); each item mapped to three assessable items (claims, no decisions or
sign-offs). The rows are bulk-created (not the upload path, and not timed).

End to end = the real in-process export, `exports.services.export_build` as
`manage.py export_portfolio --here` runs it: claim the row, GATHER from the database,
copy the PDFs, render in the memory-capped child (images prepared alongside, parts, merge,
page stamps), store the PDF (SHA-256 and storage) and finish the row. The stages are
timed by wrapping the functions export_build calls. WeasyPrint alone = one
`HTML(...).write_pdf()` of the same gathered content as a single document, with the same
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
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench import support

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "var" / "bench" / "export-cache"
PAGES_PER_SECOND_TARGET = 10
RATIO_TARGET = 1.3
RSS_TARGET_MB = 600


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


def _stored_photos(count: int) -> list[tuple[str, int, str]]:
    """`count` photos in the default storage (hard links to the cached JPEGs, copies across devices):
    (storage name, size, SHA-256). Saved once; a name stays distinct, so no export deduplicates them."""
    from django.core.files.storage import default_storage

    cached = _photos(100)
    digests = {}
    stored = []
    for n in range(count):
        source = cached[n % len(cached)]
        name = f"evidence/bench/photo-{n:04d}.jpg"
        target = Path(default_storage.path(name))
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, target)
            except OSError:
                shutil.copy(source, target)
        if source not in digests:
            digests[source] = hashlib.sha256(source.read_bytes()).hexdigest()
        stored.append((name, source.stat().st_size, digests[source]))
    return stored


def _enrolment(scale: int):
    """One enrolment on a loaded spec with 300*scale submitted evidence items (100*scale photos, 50*scale PDFs,
    the rest long statements), each mapped to three assessable items; rows bulk-created. Returns the enrolment."""
    import datetime

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from candidates.models import Centre, Enrolment, User
    from evidence.models import EvidenceFile, EvidenceItem, EvidenceKind, EvidenceVersion, Mapping, VersionStatus
    from units.models import AssessableItem, Qualification, QualificationKind

    qualification = (Qualification.objects.latest_versions()
                     .filter(kind=QualificationKind.QUALIFICATION, units__isnull=False).distinct().order_by("code")
                     .first())
    cells = list(AssessableItem.objects.filter(unit__qualification=qualification)
                 .order_by("unit__order", "order", "pk").values_list("pk", "unit_id"))
    centre, _ = Centre.objects.get_or_create(code="bench-export", defaults={"name": "Northgate Training"})
    people = {role: User.objects.create(email=f"{role}-{scale}@bench.example", first_name=role.title(),
                                        last_name=f"Bench{scale}") for role in ("candidate", "assessor", "iqa")}
    day = datetime.date(2026, 3, 2)
    enrolment = Enrolment.objects.create(
        candidate=people["candidate"], centre=centre, qualification=qualification, assessor=people["assessor"],
        iqa=people["iqa"], start_date=day, planned_end_date=day + datetime.timedelta(days=365))
    candidate = people["candidate"]
    total = 300 * scale
    photos = _stored_photos(100 * scale)
    paragraph = ("I took the call from a customer whose delivery had been missed twice. I listened, apologised, "
                 "checked the order history and agreed a new slot with the courier, then called back to confirm. ")
    items = EvidenceItem.objects.bulk_create(
        [EvidenceItem(enrolment=enrolment, kind=EvidenceKind.PERSONAL_STATEMENT, created_by=candidate)
         for _ in range(total)])
    submitted = timezone.now()
    versions = EvidenceVersion.objects.bulk_create([
        EvidenceVersion(item=item, number=1, title=f"Missed delivery, call {n}", date=day,
                        text="\n\n".join(paragraph * 3 for _ in range(2 + n % 4)), status=VersionStatus.SUBMITTED,
                        created_by=candidate, submitted_at=submitted, submitted_by=candidate)
        for n, item in enumerate(items, start=1)])
    for item, version in zip(items, versions, strict=True):
        item.current_version = version
    EvidenceItem.objects.bulk_update(items, ["current_version"], batch_size=500)
    files, pdfs = [], 0
    for n, version in enumerate(versions, start=1):
        if n % 3 == 1 and (n - 1) // 3 < len(photos):
            name, size, digest = photos[(n - 1) // 3]
            files.append(EvidenceFile(version=version, name=name, original_name=f"till-{n}.jpg", size=size,
                                      sha256=digest, mime="image/jpeg", kind="image", uploaded_by=candidate))
        elif n % 6 == 2 and pdfs < 50 * scale:
            pdfs += 1
            data = _pdf(n)
            name = default_storage.save(f"evidence/bench/x{scale}/contract-{n}.pdf", ContentFile(data))
            files.append(EvidenceFile(version=version, name=name, original_name=f"contract-{n}.pdf", size=len(data),
                                      sha256=hashlib.sha256(data).hexdigest(), mime="application/pdf", kind="pdf",
                                      uploaded_by=candidate))
    EvidenceFile.objects.bulk_create(files, batch_size=500)
    mappings = [Mapping(version=version, assessable_item_id=cells[(n * 3 + k) % len(cells)][0], mapped_by=candidate)
                for n, version in enumerate(versions) for k in range(3)]
    Mapping.objects.bulk_create(mappings, batch_size=1000)
    return enrolment


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


def _end_to_end(enrolment, workdir: Path) -> dict:
    """The real in-process export of `enrolment` (`services.export_build`, as `export_portfolio --here` runs it):
    claim, gather from the database, PDF copies, render in the memory-capped child, store, finish the row.

    The stages are timed by wrapping the functions `export_build` calls (no change in what they do), and its
    scratch folder is `workdir` instead of a fresh temporary one, so WeasyPrint alone can reuse the images the
    renderer prepared.
    """
    import contextlib
    import types

    from PIL import Image

    from exports import services
    from exports.fetcher import image_url
    from exports.images import PreparedImage
    from exports.models import ExportFormat, PortfolioExport
    from exports.render import Assets
    from exports.services import build

    timings: dict[str, float] = {}
    seen: dict = {}

    def timed(stage: str, function):
        def wrapper(*args, **kwargs):
            mark = time.perf_counter()
            value = function(*args, **kwargs)
            timings[stage] = time.perf_counter() - mark
            seen[stage] = value
            return value
        return wrapper

    export = PortfolioExport.objects.create(enrolment=enrolment, format=ExportFormat.PDF, include_pdf_evidence=True)
    from exports import isolate  # build imports the renderer where it renders: time it where it is looked up

    originals = {name: getattr(build, name) for name in ("gather_portfolio", "prepare_assets", "tempfile")}
    original_render = isolate.render_in_child
    build.gather_portfolio = timed("gather", originals["gather_portfolio"])
    build.prepare_assets = timed("copies", originals["prepare_assets"])
    isolate.render_in_child = timed("render", original_render)
    build.tempfile = types.SimpleNamespace(
        TemporaryDirectory=lambda **kwargs: contextlib.nullcontext(str(workdir)))
    try:
        start = time.perf_counter()
        outcome = services.export_build(export_id=export.pk)
        timings["total"] = time.perf_counter() - start
    finally:
        for name, value in originals.items():
            setattr(build, name, value)
        isolate.render_in_child = original_render
    export.refresh_from_db()
    if outcome != "done":
        raise SystemExit(f"The export did not finish: {outcome}: {export.error}")
    timings["rest"] = timings["total"] - timings["gather"] - timings["copies"] - timings["render"]
    data, assets = seen["gather"], seen["copies"]
    result, rss_kib = seen["render"]
    # The images the renderer prepared, for WeasyPrint alone (the bench's photos are all JPEG).
    prepared = {}
    for name, index in assets.image_jobs:
        with Image.open(workdir / "img" / f"{index}.jpg") as image:
            prepared[name] = PreparedImage(image_url(index, "jpg"), *image.size)
    return {"timings": timings, "result": result, "rss_mb": rss_kib / 1024, "data": data, "export": export,
            "assets": Assets(images=prepared, pdfs=assets.pdfs)}


def run() -> None:
    storage = Path(tempfile.mkdtemp(prefix="bench-export-", dir=ROOT / "var"))
    CACHE.mkdir(parents=True, exist_ok=True)
    os.environ["MEDIA_ROOT"] = str(storage)  # beside the photo cache, so stored photos are hard links
    scratch = support.setup_django("export")
    failures = []
    try:
        from django.core.management import call_command

        started = time.perf_counter()
        _photos(100)
        print(f"photos ready in {time.perf_counter() - started:.1f} s (cached in {CACHE})")
        with open(os.devnull, "w") as quiet:
            call_command("load_specs", verbosity=0, stdout=quiet)
        print("End to end = the real in-process export (services.export_build, as `export_portfolio --here`): "
              "gathering from a throwaway database, PDF copies, rendering (images prepared alongside) and storing "
              "in a local FileSystemStorage.")
        for scale in (1, 2):
            mark = time.perf_counter()
            enrolment = _enrolment(scale)
            built = time.perf_counter() - mark
            with tempfile.TemporaryDirectory(dir=storage) as folder:
                ours = _end_to_end(enrolment, Path(folder))
                data, result, t = ours["data"], ours["result"], ours["timings"]
                photos = sum(1 for _i, f in data.files if f.is_image)
                pdfs = sum(1 for _i, f in data.files if f.is_pdf)
                rate = result.rendered_pages / t["total"]
                print(f"\n{len(data.evidence)} items, {photos} photos, {pdfs} PDFs, {len(data.units)} units "
                      f"(rows bulk-created in {built:.1f} s, not timed): "
                      f"{result.rendered_pages} rendered pages + {result.appended_pages} appended")
                print(f"  end to end  {t['total']:6.1f} s = gather {t['gather']:.2f} + PDF copies {t['copies']:.2f} "
                      f"+ render (images prepared alongside) {t['render']:.1f} + store and bookkeeping "
                      f"{t['rest']:.2f}; {rate:.1f} pages/s (target >= {PAGES_PER_SECOND_TARGET}); "
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
                          f"end to end (with gathering) / alone = {ratio:.2f} (target <= {RATIO_TARGET})")
                    if ratio > RATIO_TARGET:
                        failures.append(f"ratio {ratio:.2f}")
        print(f"\nbench process (gathering, storing) peak RSS over both sizes: "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    finally:
        shutil.rmtree(storage, ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)
    print("\nexport bench: " + ("all targets met" if not failures else "MISSED: " + "; ".join(failures)))
    if failures:
        raise SystemExit(1)


if __name__ == "__main__":
    run()
