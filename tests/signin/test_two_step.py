"""Two-step sign-in: setting up an authenticator app, the code after the password, recovery codes, the ceiling,
and the platform admin who must set it up first."""

from __future__ import annotations

import time
from binascii import unhexlify
from urllib.parse import urlencode

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditRecord
from audit.sentences import sentence
from candidates.models import User
from signin import services
from signin.middleware import MARKED
from signin.views import CODES_KEY, SECRET_KEY
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def code_for(secret: str, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows for `secret` now (or `steps_ahead` 30-second steps later)."""
    totp = TOTP(unhexlify(secret))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def set_up(user: User) -> tuple[str, list[str]]:
    """`user` with an authenticator app: its secret and the recovery codes."""
    secret = services.new_secret()
    return secret, services.two_step_set_up(user=user, secret=secret, code=code_for(secret))


def sign_in_with_password(client, user: User) -> None:
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()


CODE_PAGE = "/accounts/two-step/code/"
SETUP_PAGE = "/accounts/two-step/set-up/"


# --------------------------------------------------------------------------- setting it up


def test_setting_up_shows_a_qr_code_and_the_key_and_turns_on_with_the_app_s_code(client, assessor) -> None:
    client.force_login(assessor)

    page = client.get(reverse("signin:two_step_setup"))
    secret = client.session[SECRET_KEY]
    text = page.content.decode()
    assert page.status_code == 200 and "<svg" in text and "QR code to scan with your authenticator app" in text
    assert services.secret_in_base32(secret) in text

    done = client.post(reverse("signin:two_step_setup"), {"code": code_for(secret)})

    assert done.status_code == 302 and done["Location"] == reverse("signin:recovery_codes")
    assert TOTPDevice.objects.get(user=assessor).confirmed
    codes = client.session[CODES_KEY]
    assert len(codes) == 10 and StaticToken.objects.filter(device__user=assessor).count() == 10
    shown = client.get(reverse("signin:recovery_codes")).content.decode()
    assert all(code in shown for code in codes)
    assert codes[0] not in client.get(reverse("signin:recovery_codes")).content.decode()  # shown once
    record = AuditRecord.objects.get(action="two-step sign-in set up")
    assert sentence(record) == "Ash Assessor set up two-step sign-in with an authenticator app."


def test_a_wrong_first_code_sets_nothing_up(client, assessor) -> None:
    client.force_login(assessor)
    client.get(reverse("signin:two_step_setup"))
    secret = client.session[SECRET_KEY]

    page = client.post(reverse("signin:two_step_setup"), {"code": code_for(secret, steps_ahead=10)})

    assert page.status_code == 200 and "That code is not the one your app shows now" in page.content.decode()
    assert not TOTPDevice.objects.filter(user=assessor).exists()


@pytest.mark.parametrize("person", ["candidate", "employer_contact"])
def test_people_who_are_not_staff_are_not_offered_it(client, request, person) -> None:
    user = request.getfixturevalue(person)
    client.force_login(user)

    assert client.get(reverse("signin:two_step")).status_code == 403
    assert client.get(reverse("signin:two_step_setup")).status_code == 403
    assert reverse("signin:two_step") not in client.get(reverse("home")).content.decode()
    with pytest.raises(ValidationError):
        services.two_step_set_up(user=user, secret=services.new_secret(), code="000000")


def test_staff_find_it_in_the_navigation(client, iqa) -> None:
    client.force_login(iqa)

    assert reverse("signin:two_step") in client.get(reverse("home")).content.decode()


# --------------------------------------------------------------------------- the code after the password


def test_sign_in_asks_for_the_code_after_the_password_on_every_page(client, assessor) -> None:
    secret, _codes = set_up(assessor)
    sign_in_with_password(client, assessor)

    for path in ("/", reverse("assessments:caseload"), reverse("admin:index"), reverse("signin:two_step")):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == f"{CODE_PAGE}?{urlencode({'next': path})}", path

    done = client.post(CODE_PAGE, {"code": code_for(secret, steps_ahead=1), "next": "/inbox/?page=2&x=1"})

    assert done.status_code == 302 and done["Location"] == "/inbox/?page=2&x=1"
    assert client.get("/").status_code == 200


def test_a_used_code_does_not_open_a_second_session(client, assessor) -> None:
    secret, _codes = set_up(assessor)
    sign_in_with_password(client, assessor)
    code = code_for(secret, steps_ahead=1)
    client.post(CODE_PAGE, {"code": code})
    client.logout()
    sign_in_with_password(client, assessor)

    page = client.post(CODE_PAGE, {"code": code})

    assert "That code is not right" in page.content.decode()
    assert client.get("/")["Location"].startswith(CODE_PAGE)


def test_a_recovery_code_signs_in_once(client, assessor) -> None:
    _secret, codes = set_up(assessor)
    sign_in_with_password(client, assessor)

    assert client.post(CODE_PAGE, {"code": codes[0].upper()})["Location"] == "/"
    client.logout()
    sign_in_with_password(client, assessor)
    again = client.post(CODE_PAGE, {"code": codes[0]})

    assert again.status_code == 200 and "That code is not right" in again.content.decode()
    assert services.recovery_codes_left(assessor) == 9


def test_people_without_an_app_sign_in_with_the_password_alone(client, assessor) -> None:
    sign_in_with_password(client, assessor)

    assert client.get("/").status_code == 200
    assert client.get(CODE_PAGE)["Location"] == "/"


def test_signing_out_is_open_before_the_code(client, assessor) -> None:
    set_up(assessor)
    sign_in_with_password(client, assessor)

    response = client.post(reverse("logout"))

    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get("/")["Location"].startswith(reverse("login"))


def test_an_invitation_link_does_not_skip_the_code(client, assessor) -> None:
    set_up(assessor)
    uid = urlsafe_base64_encode(force_bytes(assessor.pk))
    link = client.get(reverse("set_password", kwargs={"uidb64": uid,
                                                      "token": default_token_generator.make_token(assessor)}))
    new_password = "a-new-portfolio-password-2026"

    client.post(link["Location"], {"new_password1": new_password, "new_password2": new_password})

    assert client.get("/")["Location"].startswith(CODE_PAGE)


def test_wrong_codes_past_the_ceiling_lock_the_code_page(client, assessor, settings) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.TWO_STEP_FAILURES_PER_USER = 3
    secret, _codes = set_up(assessor)
    sign_in_with_password(client, assessor)
    for _attempt in range(3):
        assert "That code is not right" in client.post(CODE_PAGE, {"code": "000000"}).content.decode()

    locked = client.post(CODE_PAGE, {"code": code_for(secret, steps_ahead=1)})

    assert locked.status_code == 429 and "Too many wrong codes" in locked.content.decode()
    assert client.get("/")["Location"].startswith(CODE_PAGE)


def test_right_after_a_wrong_code_the_app_s_code_must_wait(client, assessor) -> None:
    secret, _codes = set_up(assessor)
    sign_in_with_password(client, assessor)
    client.post(CODE_PAGE, {"code": "000000"})

    page = client.post(CODE_PAGE, {"code": code_for(secret, steps_ahead=1)})

    assert "Wait a few seconds after a wrong code" in page.content.decode()


# --------------------------------------------------------------------------- platform admins


def test_a_platform_admin_must_set_it_up_before_any_page_when_required(client, platform_admin, settings) -> None:
    settings.REQUIRE_ADMIN_TOTP = True
    sign_in_with_password(client, platform_admin)

    for path in ("/", reverse("admin:index"), reverse("candidates:centre_list")):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == f"{SETUP_PAGE}?{urlencode({'next': path})}", path
    page = client.get(SETUP_PAGE)
    assert "Platform admins must use two-step sign-in" in page.content.decode()

    client.post(SETUP_PAGE, {"code": code_for(client.session[SECRET_KEY])})

    assert client.get(reverse("admin:index")).status_code == 200


def test_a_platform_admin_with_an_app_enters_its_code(client, platform_admin, settings) -> None:
    settings.REQUIRE_ADMIN_TOTP = True
    secret, _codes = set_up(platform_admin)
    sign_in_with_password(client, platform_admin)

    assert client.get(reverse("admin:index"))["Location"].startswith(CODE_PAGE)
    client.post(CODE_PAGE, {"code": code_for(secret, steps_ahead=1)})
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_s_own_sign_in_asks_too(client, platform_admin, settings) -> None:
    settings.REQUIRE_ADMIN_TOTP = True
    client.post(reverse("admin:login"), {"username": platform_admin.email, "password": PASSWORD})

    assert client.get(reverse("admin:index"))["Location"].startswith(SETUP_PAGE)


def test_a_platform_admin_signed_in_before_the_requirement_must_set_it_up_too(client, platform_admin,
                                                                            settings) -> None:
    client.force_login(platform_admin)
    session = client.session
    del session[MARKED]  # signed in before sessions were marked
    session.save()
    assert client.get("/").status_code == 200
    settings.REQUIRE_ADMIN_TOTP = True

    assert client.get("/")["Location"].startswith(SETUP_PAGE)


def test_without_the_requirement_a_platform_admin_signs_in_with_the_password(client, platform_admin,
                                                                              settings) -> None:
    settings.REQUIRE_ADMIN_TOTP = False
    sign_in_with_password(client, platform_admin)

    assert client.get(reverse("admin:index")).status_code == 200


# --------------------------------------------------------------------------- removing it, new recovery codes


def test_turning_it_off_needs_a_code_and_is_audited(client, assessor) -> None:
    secret, codes = set_up(assessor)
    client.force_login(assessor)
    client.post(CODE_PAGE, {"code": codes[0]})

    refused = client.post(reverse("signin:two_step_remove"), {"code": "123456"}, follow=True)
    assert "That code is not right" in refused.content.decode() and services.has_device(assessor)

    time.sleep(1.1)  # django-otp's pause after a wrong code
    client.post(reverse("signin:two_step_remove"), {"code": code_for(secret, steps_ahead=1)})

    assert not services.has_device(assessor) and services.recovery_codes_left(assessor) == 0
    record = AuditRecord.objects.get(action="two-step sign-in removed")
    assert sentence(record) == "Ash Assessor turned off two-step sign-in."


def test_new_recovery_codes_replace_the_old(client, assessor) -> None:
    _secret, old = set_up(assessor)
    client.force_login(assessor)
    client.post(CODE_PAGE, {"code": old[0]})

    response = client.post(reverse("signin:recovery_codes_renew"))

    assert response["Location"] == reverse("signin:recovery_codes")
    new = client.session[CODES_KEY]
    assert set(StaticToken.objects.filter(device__user=assessor).values_list("token", flat=True)) == set(new)
    assert AuditRecord.objects.filter(action="recovery codes renewed").count() == 1


def test_the_two_step_page_costs_a_fixed_number_of_queries(client, assessor, django_assert_num_queries) -> None:
    _secret, codes = set_up(assessor)
    client.force_login(assessor)
    client.post(CODE_PAGE, {"code": codes[0]})
    url = reverse("signin:two_step")
    client.get(url)

    # session, user, role kinds, the app, recovery codes left, the inbox count
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200
    services.recovery_codes_renew(user=assessor)
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200


def test_a_platform_admin_removes_a_lost_device_in_the_admin_audited(client, platform_admin, assessor) -> None:
    set_up(assessor)
    client.force_login(platform_admin)
    device = TOTPDevice.objects.get(user=assessor)

    response = client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})

    assert response.status_code == 302 and not services.has_device(assessor)
    record = AuditRecord.objects.get(action="two-step device removed in the admin")
    assert sentence(record) == f"Pat Platform removed a two-step sign-in device of {assessor.email} in the admin."
    assert client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403
