"""Capture on the phone: a photo and a video from the camera, a recorded discussion, a large upload that resumes.

Each journey runs at a 1366x900 desktop and on a 390x844 phone: every step is checked
with axe, must not scroll sideways, and is saved as a screenshot. The microphone is a
tone from the Web Audio API handed to the page's real MediaRecorder (headless Chromium
has no microphone); what it records is uploaded and checked by the server as any file.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Callable

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from playwright.sync_api import Browser, FilePayload, Page, Route, ViewportSize, expect

from candidates.models import Centre, Enrolment, Role, RoleKind, User
from evidence.models import EvidenceFile, EvidenceItem, ResumableUpload
from tests.evidence import generated
from tests.evidence.evidence_factories import make_evidence
from units.models import Qualification

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-and-memorable-phrase-42"
MiB = 1024 * 1024
VIEWPORTS: dict[str, ViewportSize] = {
    "desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844},
}
#: A microphone for a browser without one: a 440 Hz tone as the stream getUserMedia answers with.
FAKE_MICROPHONE = """
(() => {
  const devices = navigator.mediaDevices || {};
  devices.getUserMedia = async () => {
    const context = new AudioContext();
    const tone = context.createOscillator();
    const destination = context.createMediaStreamDestination();
    tone.connect(destination);
    tone.start();
    await context.resume();
    return destination.stream;
  };
  if (!navigator.mediaDevices) {
    Object.defineProperty(navigator, "mediaDevices", { value: devices });
  }
})();
"""


@pytest.fixture
def draft(transactional_db: None, private_storage: object) -> EvidenceItem:
    """A draft work product of Cara's, on the Customer Service National Standards Level 3."""
    call_command("load_specs", verbosity=0)
    centre = Centre.objects.create(name="Northgate Training", code="northgate")
    cara = User.objects.create_user("cara@example.org", PASSWORD, first_name="Cara", last_name="Candidate")
    ash = User.objects.create_user("ash@example.org", PASSWORD, first_name="Ash", last_name="Assessor")
    Role.objects.create(user=cara, centre=centre, kind=RoleKind.CANDIDATE)
    Role.objects.create(user=ash, centre=centre, kind=RoleKind.ASSESSOR)
    today = datetime.date.today()
    enrolment = Enrolment.objects.create(
        candidate=cara, centre=centre, assessor=ash, start_date=today - datetime.timedelta(days=30),
        planned_end_date=today + datetime.timedelta(days=300),
        qualification=Qualification.objects.filter(code="cs-standards-l3").latest_versions().get(),
    )
    return make_evidence(enrolment, title="Handling a complaint by phone", with_file=False)


def check(page: Page, axe: Callable, shot: Callable, viewport: str, step: str) -> None:
    """One step of a journey: axe-clean, no sideways scroll, a screenshot."""
    width = VIEWPORTS[viewport]["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{step}: wider than {width} px"
    axe(page, f"{step} at {width} px")
    shot(page, f"{step}-{viewport}")


def open_draft(page: Page, live_url: Callable[[str], str], sign_in: Callable, draft: EvidenceItem,
               viewport: str) -> None:
    # No colour transitions (Bootstrap honours the setting): axe then reads a focused button's settled colours.
    page.emulate_media(reduced_motion="reduce")
    sign_in("cara@example.org", PASSWORD)  # at the desktop width, where the header shows who is signed in
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(live_url(f"/evidence/{draft.pk}/"))
    expect(page.get_by_role("heading", name="Handling a complaint by phone")).to_be_visible()
    page.wait_for_load_state("load")  # the scripts listen before anything is chosen


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_photo_and_a_video_from_the_camera_show_their_size_before_upload(
    page: Page, live_url: Callable[[str], str], draft: EvidenceItem, sign_in: Callable, shot: Callable,
    axe: Callable, console_errors: list, settings, viewport: str,
) -> None:
    settings.EVIDENCE_MAX_FILE_SIZE = 8_000_000
    open_draft(page, live_url, sign_in, draft, viewport)
    photo_input = page.get_by_label("Take a photo")
    assert photo_input.get_attribute("accept") == "image/*"
    assert photo_input.get_attribute("capture") == "environment"
    video_input = page.get_by_label("Record a video")
    assert (video_input.get_attribute("accept"), video_input.get_attribute("capture")) == ("video/*", "environment")
    check(page, axe, shot, viewport, "draft-with-camera")

    # A photo: its name and size, then Upload.
    photo = generated.photo(size=(640, 480))
    photo_input.set_input_files(files=[FilePayload(name="till-display.jpg", mimeType="image/jpeg", buffer=photo)])
    pending = page.get_by_test_id("capture-pending")
    expect(pending).to_contain_text("till-display.jpg")
    expect(pending).to_contain_text(f"{len(photo) / 1000:.1f} KB: ready to upload")
    expect(pending.get_by_role("button", name="Upload till-display.jpg", exact=True)).to_be_focused()
    check(page, axe, shot, viewport, "photo-ready")
    pending.get_by_role("button", name="Upload").click()
    expect(pending).to_have_count(0)
    expect(page.locator("[data-upload-results] .upload-ok")).to_have_count(1)
    expect(page.get_by_test_id("evidence-file")).to_have_count(1)
    expect(page.get_by_role("img", name="Preview of till-display.jpg")).to_be_visible()
    check(page, axe, shot, viewport, "photo-uploaded")

    # A video over the limit: its size and the limit, no Upload button, nothing sent; then discarded.
    video_input.set_input_files(files=[FilePayload(name="demo.mp4", mimeType="video/mp4",
                                                   buffer=generated.iso_media(b"isom") + bytes(9_000_000))])
    expect(pending).to_contain_text("demo.mp4 (9 MB): this file is 9 MB, more than the 8 MB limit for one file, "
                                    "so it was not sent")
    expect(pending.get_by_role("button", name="Upload")).to_have_count(0)
    check(page, axe, shot, viewport, "video-too-big")
    pending.get_by_role("button", name="Discard demo.mp4", exact=True).click()
    expect(pending).to_contain_text("demo.mp4 discarded; nothing was sent.")
    check(page, axe, shot, viewport, "video-discarded")

    # The same limit on the files chosen from the device: refused in the browser, no request made.
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url) if request.method != "GET" else None)
    page.get_by_label("Choose one or more files, or drop them here").set_input_files(
        files=[FilePayload(name="shift-video.mp4", mimeType="video/mp4",
                           buffer=generated.iso_media(b"isom") + bytes(8_500_000))])
    refused = page.locator("[data-upload-results] li", has_text="shift-video.mp4")
    expect(refused.locator("label")).to_have_text("shift-video.mp4 (8.5 MB)")
    expect(refused.get_by_role("status")).to_have_text(
        "\u2717 Refused: this file is 8.5 MB, more than the 8 MB limit for one file, so it was not sent. Make it "
        "smaller (a video can be recorded at a lower resolution or split in parts) and upload it again.")
    check(page, axe, shot, viewport, "chosen-file-too-big")
    assert sent == []
    assert list(EvidenceFile.objects.values_list("original_name", "mime")) == [("till-display.jpg", "image/jpeg")]
    assert console_errors == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_recorded_discussion_is_timed_played_back_discarded_or_uploaded_by_keyboard(
    page: Page, live_url: Callable[[str], str], draft: EvidenceItem, sign_in: Callable, shot: Callable,
    axe: Callable, console_errors: list, viewport: str,
) -> None:
    page.add_init_script(FAKE_MICROPHONE)
    open_draft(page, live_url, sign_in, draft, viewport)
    recorder = page.get_by_role("region", name="Record a professional discussion or a spoken answer")
    status = recorder.get_by_role("status")
    timer = recorder.get_by_role("timer", name="Time recorded")
    expect(recorder).to_be_visible()
    expect(timer).to_have_text("0:00")
    check(page, axe, shot, viewport, "recorder-ready")

    # Start with the keyboard; the timer runs; Stop has the focus.
    recorder.get_by_role("button", name="Start recording").focus()
    page.keyboard.press("Enter")
    expect(status).to_have_text("Recording. Press Stop recording when you have finished.")
    stop = recorder.get_by_role("button", name="Stop recording")
    expect(stop).to_be_focused()
    expect(timer).to_have_text("0:02", timeout=5000)
    check(page, axe, shot, viewport, "recording")
    page.keyboard.press("Enter")
    expect(status).to_have_text(
        re.compile(r"^Recorded 0:0[2-9], [\d.]+ KB\. Play it back, then upload it or discard it\.$"))
    assert status.inner_text().startswith(f"Recorded {timer.inner_text()},")  # the time the timer stopped at
    audio = recorder.locator("audio[controls]")
    expect(audio).to_be_visible()
    assert audio.evaluate("audio => audio.src.startsWith('blob:')")
    expect(recorder.get_by_role("button", name="Upload recording")).to_be_focused()
    check(page, axe, shot, viewport, "recorded")

    # Discard: nothing is sent.
    recorder.get_by_role("button", name="Discard recording").focus()
    page.keyboard.press("Enter")
    expect(status).to_have_text("Recording discarded.")
    expect(audio).to_be_hidden()
    expect(recorder.get_by_role("button", name="Start recording")).to_be_focused()
    check(page, axe, shot, viewport, "recording-discarded")
    assert not EvidenceFile.objects.exists()

    # Record again and upload it: stored as a WebM recording, sniffed by its content.
    page.keyboard.press("Enter")
    expect(timer).to_have_text("0:01", timeout=5000)
    page.keyboard.press("Enter")
    expect(recorder.get_by_role("button", name="Upload recording")).to_be_focused()
    expect(status).to_contain_text(" KB. Play it back")
    page.keyboard.press("Enter")
    expect(status).to_have_text("Uploading the recording; its progress is listed below.")
    expect(page.locator("[data-upload-results] .upload-ok")).to_have_count(1)
    expect(page.get_by_test_id("evidence-file")).to_have_count(1)
    expect(page.locator("[data-upload-results] label")).to_contain_text("Recording ")
    check(page, axe, shot, viewport, "recording-uploaded")
    stored = EvidenceFile.objects.get()
    assert (stored.mime, stored.kind) == ("audio/webm", "audio")
    assert stored.original_name.startswith("Recording ") and stored.original_name.endswith(".webm")
    assert console_errors == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_large_upload_resumes_where_the_connection_dropped(
    page: Page, live_url: Callable[[str], str], draft: EvidenceItem, sign_in: Callable, shot: Callable,
    axe: Callable, viewport: str,
) -> None:
    content = generated.wav(0.01)
    content += os.urandom(6 * MiB + 123 - len(content))
    offsets: list[str] = []
    connection = {"down": True}

    def flaky(route: Route) -> None:
        request = route.request
        if request.method == "PATCH":
            offsets.append(request.headers.get("upload-offset", ""))
            # The first part arrives; then the connection is down until the candidate presses Resume.
            if request.headers.get("upload-offset") != "0" and connection["down"]:
                route.abort("internetdisconnected")
                return
        route.continue_()

    page.route("**/evidence/uploads/**", flaky)
    open_draft(page, live_url, sign_in, draft, viewport)
    page.get_by_label("Choose one or more files, or drop them here").set_input_files(
        files=[FilePayload(name="team-meeting.wav", mimeType="audio/wav", buffer=content)])
    row = page.locator("[data-upload-results] li", has_text="team-meeting.wav")
    expect(row.locator("label")).to_have_text("team-meeting.wav (6.3 MB)")
    resume = row.get_by_role("button", name="Resume")
    expect(resume).to_be_visible(timeout=30_000)
    expect(row.get_by_role("status")).to_contain_text("the connection dropped after 5.2 MB of 6.3 MB")
    assert ResumableUpload.objects.get().offset == 5 * MiB
    check(page, axe, shot, viewport, "upload-dropped")

    connection["down"] = False
    resume.click()
    expect(row.locator(".upload-ok")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("evidence-file")).to_have_count(1)
    expect(page.get_by_test_id("evidence-file")).to_contain_text("team-meeting.wav")
    check(page, axe, shot, viewport, "upload-resumed")

    # The first part went once; every later attempt started where the server said it stood.
    assert offsets[0] == "0" and offsets.count("0") == 1, offsets
    assert set(offsets[1:]) == {str(5 * MiB)}, offsets
    stored = EvidenceFile.objects.get()
    with default_storage.open(stored.name, "rb") as fp:
        assert fp.read() == content
    assert not ResumableUpload.objects.exists()

    # Another large file, the connection down again: Cancel deletes what arrived, on the server too.
    connection["down"] = True
    page.get_by_label("Choose one or more files, or drop them here").set_input_files(
        files=[FilePayload(name="second-meeting.wav", mimeType="audio/wav", buffer=content[:44] + os.urandom(6 * MiB))])
    second = page.locator("[data-upload-results] li", has_text="second-meeting.wav")
    expect(second.get_by_role("button", name="Resume")).to_be_visible(timeout=30_000)
    assert ResumableUpload.objects.get().offset == 5 * MiB
    second.get_by_role("button", name="Cancel second-meeting.wav").click()
    expect(second.get_by_role("status")).to_have_text("\u2717 Cancelled; what had arrived was deleted.")
    expect(second.get_by_role("button")).to_have_count(0)
    check(page, axe, shot, viewport, "upload-cancelled")
    assert not ResumableUpload.objects.exists()
    assert EvidenceFile.objects.count() == 1


def check_without_script(page: Page, scripted: Page, axe: Callable, shot: Callable, viewport: str,
                         step: str) -> None:
    """`check` for a page whose scripts are off: axe (a script itself) reads the same document, scripts removed,
    in a browser page of its own served that document at the same address (so the site's styles apply)."""
    width = VIEWPORTS[viewport]["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{step}: wider than {width} px"
    html = re.sub(r"<script\b.*?</script>", "", page.content(), flags=re.DOTALL)
    scripted.set_viewport_size(VIEWPORTS[viewport])
    scripted.route(page.url, lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
    scripted.goto(page.url)
    axe(scripted, f"{step} at {width} px, without script")
    scripted.unroute(page.url)
    shot(page, f"{step}-{viewport}")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_without_script_the_camera_inputs_post_with_the_form(
    page: Page, browser: Browser, live_url: Callable[[str], str], draft: EvidenceItem, shot: Callable,
    axe: Callable, viewport: str,
) -> None:
    context = browser.new_context(java_script_enabled=False, locale="en-GB", viewport=VIEWPORTS[viewport])
    try:
        plain = context.new_page()
        plain.goto(live_url("/accounts/login/"))
        plain.get_by_label("Email address").fill("cara@example.org")
        plain.get_by_label("Password").fill(PASSWORD)
        plain.get_by_role("button", name="Sign in").click()
        plain.goto(live_url(f"/evidence/{draft.pk}/"))
        expect(plain.get_by_role("heading", name="Handling a complaint by phone")).to_be_visible()
        expect(plain.locator("[data-recorder]")).to_be_hidden()  # the recorder needs script
        check_without_script(plain, page, axe, shot, viewport, "no-script-draft")
        plain.get_by_label("Take a photo").set_input_files(files=[FilePayload(
            name="till-display.jpg", mimeType="image/jpeg", buffer=generated.photo(size=(320, 240)))])
        plain.get_by_role("button", name="Upload", exact=True).click()
        expect(plain.get_by_text("till-display.jpg: saved.")).to_be_visible()
        expect(plain.get_by_test_id("evidence-file")).to_contain_text("till-display.jpg")
        check_without_script(plain, page, axe, shot, viewport, "no-script-photo-uploaded")
        assert list(EvidenceFile.objects.values_list("original_name", flat=True)) == ["till-display.jpg"]
    finally:
        context.close()
