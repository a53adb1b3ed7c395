"""No page wider than the phone: every page of the permission walk, at 390x844, as a person who may see it.

The pages come from ``WALK`` of tests/test_permission_walk.py: every row with GET expectations, its kwargs
built by the walk's own builders on the walk's own world (so a new URL in the walk is covered here without
a line more). Each page is opened, at a 390x844 viewport in a plain (not mobile) context, by the first
person of ``VISITORS`` the walk lets see it on the ``own`` target (or ``any``, or ``foreign``: the stranger
assessor's), and checked: not wider than the screen (``scrollWidth <= innerWidth`` and ``<= 390``), axe
clean (no serious or critical violation), and a screenshot saved; its width is checked at 320 px too (WCAG's
reflow), and all of it again at the 1366x900 desktop.
Pages are also opened by the candidate and by the assessor when they may see them, who see different things
on them (at the phone only: the desktop is checked once a page).

Every page is read in the language whose translations run longest (``LANGUAGE``: the catalogues' lengths
against the English, Welsh today), the widest the pages get: each person's saved language, and the language
cookie of the visitor signed in as nobody.

Before the pages are opened the enrolment gets the data that makes pages wide: a long title, a long file
name, a duplicate upload (the warning), submitted and judged evidence, a signed-off unit.

Rows that are not pages (a file, a PDF, a CSV) are listed in ``NOT_PAGES`` with the reason, and a piece of a
page fetched by htmx in ``FRAGMENTS`` with the page it is shown on; the test checks they still answer with
something other than a page, so a row turning into a page is not left out unseen. Rows the walk opens with
a bad link only (a password link, a witness link) are opened once more with a real one (``REAL_LINKS``).

Not covered here, for they are no GET of the walk: what a POST answers with a page of its own (the preview
of an uploaded spec file or enrolment CSV, a form shown again with its errors).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, ViewportSize, expect

from assessments.services import mapping_refer
from candidates.models import User
from candidates.services import CSV_COLUMNS
from evidence import services as evidence_services
from evidence.models import EvidenceItem, EvidenceKind, EvidenceVersion
from evidence.services import witness_token
from tests.assessments.factories import accepted_evidence, items_of, signed_unit, submitted_evidence
from tests.conftest import PASSWORD
from tests.evidence import generated
from tests.evidence.evidence_factories import make_evidence
from tests.i18n import po
from tests.test_permission_walk import OK, WALK, build_world

pytestmark = pytest.mark.e2e

#: The language the pages are read in: the one whose text runs longest.
LANGUAGE = po.longest_language()
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1366, "height": 900}
#: The narrowest screen WCAG's reflow asks for (1.4.10): no sideways scrolling there either (width only).
SMALLEST: ViewportSize = {"width": 320, "height": 700}

#: Who opens a page: the first of these the walk lets see it (``anonymous`` first: a page for everyone is
#: seen signed out). The enrolment's pages are also opened by everyone of ``ALSO`` who may see them.
VISITORS = ("anonymous", "candidate", "assessor", "iqa", "centre_admin", "eqa", "platform_admin",
            "stranger_assessor", "employer")
ALSO = ("candidate", "assessor")
#: Which target of a row to open, in order; ``paused`` and ``self`` are the walk's, not a person's day.
TARGETS = ("own", "any", "foreign")

#: Rows whose GET is not a page: what they answer instead.
NOT_PAGES = {
    "evidence:file_download": "the evidence file itself, as an attachment",
    "evidence:file_preview": "the evidence file itself, shown inline by the browser",
    "exports:export_download": "the portfolio PDF, as an attachment",
    "exports:report_download": "a centre's report as CSV or XLSX, as an attachment",
    "assessments:claim_csv": "the centre's claims as a CSV file, as an attachment",
    "assessments:calendar_feed": "a person's visits as an iCalendar feed, for a calendar application",
    "privacy:export_download": "a copy of a person's data, a ZIP as an attachment",
}

#: Rows whose GET is a piece of a page, fetched by htmx into it: checked where it is shown, on its host page.
FRAGMENTS = {
    "exports:export_status": ("an export's state, polled into the exports page", "exports:export_list"),
    "privacy:export_status": ("a personal-data copy's state, polled into the person's page", "privacy:person_data"),
    "exports:report_status": ("a report's state, polled into the reports page", "exports:report_list"),
}

def _reset_link(person: User) -> dict:
    token = default_token_generator.make_token(person)
    return {"uidb64": urlsafe_base64_encode(force_bytes(person.pk)), "token": token}


def _witness_link(w: SimpleNamespace) -> dict:
    testimony = make_evidence(w.enrolment, kind=EvidenceKind.WITNESS_TESTIMONY, with_file=False,
                              title="Handled a difficult complaint at the front desk")
    return {"token": witness_token(_current(testimony))}


#: Pages the walk opens with a bad link only (its data cannot show the page itself): opened here once more,
#: signed out, with a real link, so the form behind the link is checked too.
REAL_LINKS: dict[str, Callable[[SimpleNamespace], dict]] = {
    "password_reset_confirm": lambda w: _reset_link(w.other_candidate),
    "set_password": lambda w: _reset_link(w.stranger_candidate),
    "evidence:witness_confirm": _witness_link,
}


@dataclass
class Visit:
    name: str
    role: str
    target: str
    url: str
    status: int
    desktop: bool = True  # checked at the desktop too (once a page: by its first visitor)


def _visits(w: SimpleNamespace) -> tuple[list[Visit], dict[str, str]]:
    """Every page of the walk with who opens it, and the rows that are not pages with their URLs."""
    visits: list[Visit] = []
    not_pages: dict[str, str] = {}
    for name, row in sorted(WALK.items()):
        if row.get is None:
            continue
        target = next(t for t in TARGETS if t in row.targets)
        w.role = "candidate"
        url = reverse(name, kwargs=row.targets[target](w))
        if name in FRAGMENTS:
            assert WALK[FRAGMENTS[name][1]].get, f"{name}: the page it is shown on is not walked"
            not_pages[name] = url
            continue
        if name in NOT_PAGES:
            not_pages[name] = url
            continue
        allowed = [role for role in VISITORS if row.get[role][target] == OK]
        if not allowed:
            # Nobody gets the page itself (a bad link answered 400 for everyone): it is seen signed out.
            status = row.get["anonymous"][target]
            assert isinstance(status, int), f"{name}: nobody sees it on {target}, nor is it an error page"
            visits.append(Visit(name, "anonymous", target, url, status))
            continue
        roles = [allowed[0]]
        if allowed[0] != "anonymous":
            roles += [role for role in ALSO if role in allowed and role not in roles]
        visits += [Visit(name, role, target, url, 200, desktop=role == roles[0]) for role in roles]
    for name, build in REAL_LINKS.items():
        visits.append(Visit(name, "anonymous", "a real link", reverse(name, kwargs=build(w)), 200))
    return visits, not_pages


def _current(item: EvidenceItem) -> EvidenceVersion:
    assert item.current_version is not None
    return item.current_version


def _wide_data(w: SimpleNamespace) -> None:
    """What makes the own enrolment's pages wide: long words, a duplicate upload, judged claims."""
    long_title = "Customer-feedback-spreadsheet-reconciliation-for-the-quarterly-complaints-review"
    item = make_evidence(w.enrolment, title=long_title, text="Reference " + "7f3a9c" * 12)
    evidence_services.file_add(
        version=_current(item), by=w.candidate,
        uploaded=SimpleUploadedFile("quarterly-complaints-review-final-version-signed-by-team-leader.png",
                                    generated.photo("PNG", gps=False, orientation=None)),
    )
    accepted_evidence(w.enrolment, items_of(w.enrolment, "A1")[:2], assessor=w.assessor)
    signed_unit(w.enrolment, "B3", assessor=w.assessor)
    referred = submitted_evidence(w.enrolment, items_of(w.enrolment, "A2")[:1])
    mapping_refer(mapping=_current(referred).mappings.get(), by=w.assessor,
                  feedback="Add the reply you sent to the guest, with the date it went out.")


def _width(page: Page) -> dict:
    return page.evaluate("""() => {
        // Inside a box that scrolls (or clips) sideways, an element wider than the screen widens nothing.
        const scrolledWithin = e => {
            for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
                if (getComputedStyle(a).overflowX !== 'visible') return true;
            }
            return false;
        };
        return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
        widest: [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
            .filter(e => getComputedStyle(e).position === 'absolute' || !scrolledWithin(e))
            .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className)
                .trim().split(/\\s+/).join('.') : '') + ' ' + Math.round(e.getBoundingClientRect().right))};
    }""")


def _checked(page: Page, where: str, viewport: ViewportSize, axe: Callable | None = None) -> list[str]:
    """What is wrong with the page at this viewport: wider than the screen, serious or critical axe violations."""
    problems = []
    width = _width(page)
    if width["scroll"] > width["inner"] or width["scroll"] > viewport["width"]:
        problems.append(f"{where}: {width['scroll']} px wide at {width['inner']}; overflowing: "
                        f"{', '.join(width['widest']) or '?'}")
    if axe is None:
        return problems
    try:
        axe(page, f"{where} at {viewport['width']} px")
    except pytest.fail.Exception as failure:  # every page's violations in one report, not the first only
        problems.append(str(failure))
    return problems


def _visit(page: Page, url: str, visit: Visit, axe: Callable, shot: Callable) -> list[str]:
    """Open one page at the phone (and at 320 px, and at the desktop if it is the page's first visitor)."""
    where = f"{visit.name} as {visit.role} ({visit.url})"
    try:
        response = page.goto(url)
    except PlaywrightError as error:
        if "Download is starting" not in error.message:
            raise
        return [f"{where}: answers a file, not a page: list it in NOT_PAGES, saying what it is"]
    assert response is not None and response.status == visit.status, (
        f"{where}: answered {response and response.status}, expected {visit.status}")
    problems = _checked(page, where, PHONE, axe)
    if (lang := page.locator("html").get_attribute("lang")) != LANGUAGE:
        problems.append(f"{where}: read in {lang!r}, not {LANGUAGE!r}")
    label = f"{visit.name}-{visit.role}" + ("-real-link" if visit.target == "a real link" else "")
    shot(page, f"{label}-390")
    page.set_viewport_size(SMALLEST)
    problems += _checked(page, where, SMALLEST)
    if visit.desktop:
        page.set_viewport_size(DESKTOP)
        problems += _checked(page, where, DESKTOP, axe)
        shot(page, f"{label}-1366")
    page.set_viewport_size(PHONE)
    return problems


def _not_pages_answer_no_page(page: Page, live_url: Callable[[str], str], not_pages: dict[str, str]) -> None:
    """What NOT_PAGES and FRAGMENTS list still answers something other than a page (else check it as a page)."""
    for name, url in not_pages.items():
        answer = page.request.get(live_url(url))
        assert answer.status == 200, f"{name} ({url}): {answer.status}"
        if name in FRAGMENTS:
            assert "<title" not in answer.text(), f"{name} now answers a page: take it out of FRAGMENTS"
        else:
            assert "text/html" not in answer.headers.get("content-type", ""), (
                f"{name} now answers a page: take it out of NOT_PAGES so its width is checked")


@pytest.fixture
def world(transactional_db) -> SimpleNamespace:
    """The walk's world, committed: the live server's thread reads it on a connection of its own; everyone in it
    reads in ``LANGUAGE``."""
    built = build_world()
    User.objects.update(language=LANGUAGE)
    return built


def test_every_row_of_the_walk_is_opened_or_answers_no_page(
    page: Page, live_url: Callable[[str], str], world: SimpleNamespace, private_storage, sign_in: Callable,
) -> None:
    assert set(REAL_LINKS) <= set(WALK), "REAL_LINKS names a row the walk no longer has"
    _wide_data(world)
    visits, not_pages = _visits(world)
    for name in WALK:
        if WALK[name].get is not None:
            assert name in not_pages or any(v.name == name for v in visits), f"{name} is not opened"
    assert {visit.role for visit in visits} <= set(VISITORS), "a page is opened by someone not in VISITORS"
    page.set_viewport_size(DESKTOP)
    sign_in(world.platform_admin.email, PASSWORD)  # who may fetch every one of them
    _not_pages_answer_no_page(page, live_url, not_pages)


#: The visitors in groups, one test each (each with a world of its own), so that parallel test processes share
#: the walk: the candidate, the assessor, the centre admin and the signed-out visitor open the most pages.
VISITOR_GROUPS = (("anonymous",), ("candidate",), ("assessor",), ("centre_admin",),
                  ("iqa", "eqa", "platform_admin", "stranger_assessor", "employer"))


def test_the_visitor_groups_are_the_visitors() -> None:
    grouped = [role for group in VISITOR_GROUPS for role in group]
    assert sorted(grouped) == sorted(VISITORS), "every visitor in exactly one group of VISITOR_GROUPS"


@pytest.mark.parametrize("roles", VISITOR_GROUPS, ids="+".join)
def test_no_page_of_the_walk_is_wider_than_a_phone(
    page: Page, live_url: Callable[[str], str], world: SimpleNamespace,
    private_storage, sign_in: Callable, shot: Callable, axe: Callable, roles: tuple[str, ...],
) -> None:
    _wide_data(world)
    visits, _not_pages = _visits(world)
    assert any(visit.role in roles for visit in visits), f"nobody of {roles} opens a page: regroup VISITOR_GROUPS"
    problems: list[str] = []
    for role in roles:
        role_visits = [visit for visit in visits if visit.role == role]
        if not role_visits:
            continue  # the first visitor of every page they may see comes before them in VISITORS
        page.context.clear_cookies()
        if role == "anonymous":
            page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": LANGUAGE,
                                       "url": live_url("/")}])
        else:
            page.set_viewport_size(DESKTOP)  # the sign-in helper reads the name in the navigation bar
            sign_in(getattr(world, role).email, PASSWORD)
        page.set_viewport_size(PHONE)
        for visit in role_visits:
            problems += _visit(page, live_url(visit.url), visit, axe, shot)
    assert not problems, "Pages wider than the screen, or not axe-clean:\n" + "\n".join(problems)


def _inside_the_screen(page: Page, selector: str) -> None:
    """Every element matching `selector` is shown whole: not cut off at the screen's right edge."""
    rights = page.locator(selector).evaluate_all("els => els.map(e => e.getBoundingClientRect().right)")
    assert rights, f"nothing matches {selector}"
    width = page.evaluate("window.innerWidth")
    assert all(right <= width for right in rights), f"{selector} reaches {max(rights)} px on a {width} px screen"


def test_the_duplicate_upload_warning_is_shown_whole_on_a_phone(
    page: Page, live_url: Callable[[str], str], enrolment, candidate, private_storage, tmp_path,
    sign_in: Callable, shot: Callable, axe: Callable, console_errors: list,
) -> None:
    photo = generated.photo("PNG", gps=False, orientation=None)
    first = make_evidence(enrolment, title="Customer-feedback-spreadsheet-reconciliation-for-the-quarterly-review",
                          with_file=False)
    evidence_services.file_add(version=_current(first), by=candidate,
                               uploaded=SimpleUploadedFile("feedback.png", photo))
    second = make_evidence(enrolment, title="Reply to a complaint", with_file=False)
    again = tmp_path / "the-same-screenshot-of-the-quarterly-customer-feedback-spreadsheet.png"
    again.write_bytes(photo)

    sign_in(candidate.email, PASSWORD)
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        if viewport is DESKTOP:  # the same file once more, for the desktop's turn
            evidence_services.file_remove(evidence_file=_current(second).files.get(), by=candidate)
        page.goto(live_url(f"/evidence/{second.pk}/"))
        page.wait_for_load_state("load")  # upload.js listens before the file is chosen
        page.get_by_label("Choose one or more files, or drop them here").set_input_files(str(again))
        result = page.locator("[data-upload-results] .upload-ok")
        expect(result).to_contain_text("already uploaded in 'Customer-feedback-spreadsheet-reconciliation")
        _inside_the_screen(page, "[data-upload-results] li")
        problems = _checked(page, "the duplicate just uploaded", viewport, axe)
        shot(page, f"duplicate-uploaded-{viewport['width']}")

        page.reload()
        warning = page.get_by_test_id("evidence-file").locator(".badge", has_text="Already uploaded in")
        expect(warning).to_be_visible()
        _inside_the_screen(page, "[data-testid=evidence-file] .badge")
        problems += _checked(page, "the evidence with its duplicate", viewport, axe)
        shot(page, f"duplicate-listed-{viewport['width']}")
        assert not problems, "\n".join(problems)
    assert not console_errors


def test_the_enrolment_csv_preview_scrolls_in_its_own_region_on_a_phone(
    page: Page, live_url: Callable[[str], str], centre, qualification, assessor, iqa, centre_admin, tmp_path,
    sign_in: Callable, shot: Callable, axe: Callable, console_errors: list,
) -> None:
    """A page a POST answers with (no GET of the walk): the preview of an enrolment CSV, its table wide."""
    rows = [",".join(CSV_COLUMNS),
            "anna.able-with-a-rather-long-address@example.org,Anna,Able,tiny,1,ash.assessor@example.org,"
            "ivy.quality@example.org,2026-09-01,2027-08-31,,",
            "cat@example.org,Cat,Cole,tiny,1,nobody@example.org,,2026-31-01,2027-08-31,,"]
    csv = tmp_path / "enrol.csv"
    csv.write_text("\n".join(rows) + "\n")

    sign_in(centre_admin.email, PASSWORD)
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.goto(live_url(f"/centres/{centre.pk}/enrolments/upload/"))
        page.get_by_label("CSV file").set_input_files(str(csv))
        page.get_by_role("button", name="Check the file").click()
        # The table scrolls inside a region with a name, which a keyboard can focus and scroll.
        region = page.get_by_role("region").filter(has=page.get_by_test_id("bulk-preview"))
        expect(region).to_be_visible()
        expect(region).to_have_accessible_name(re.compile(r"\w"))
        expect(region.get_by_test_id("bulk-preview")).to_contain_text("nobody@example.org")
        problems = _checked(page, "the enrolment CSV preview", viewport, axe)
        shot(page, f"csv-preview-{viewport['width']}")
        assert not problems, "\n".join(problems)
    region.focus()
    expect(region).to_be_focused()
    assert not console_errors
