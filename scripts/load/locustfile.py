"""The load test's people: candidates, assessors, IQAs and centre admins of a `generate_centre` centre, with think time.

`make load` (scripts/load/run.py) starts the site and runs this file; to load a deployment of
your own instead (staging, never a live site: it writes evidence and decisions), generate the
centre there and point Locust at it:

    manage.py generate_centre --candidates 10000 --assessors 500 --seed 1 --password '<a password>'
    LOAD_CANDIDATES=10000 LOAD_PASSWORD='<the password>' .venv/bin/locust -f scripts/load/locustfile.py \\
        --host https://staging.example.org --headless -u 50 -r 5 -t 10m Candidate Assessor IQA CentreAdmin

Environment: LOAD_CANDIDATES (the centre's size; assessors are one per 20 and IQAs one per
five assessors, as scripts/load/seed.py makes them), LOAD_SEED (generate_centre's seed, 1),
LOAD_PASSWORD, LOAD_THINK_MIN and LOAD_THINK_MAX (seconds between a person's actions, 5 and
15), LOAD_BURST_USERS (the SignInBurst class: how many sign in at once, 30) and
LOAD_BURST_RESULT (a file the burst's figures are written to).

Against plain HTTP (gunicorn with no TLS proxy in front) every request says
`X-Forwarded-Proto: https`, as the proxy would, and the site's Secure cookies are sent back anyway
(Person.send_secure_cookies).
Requests are named by their path with every number replaced by [pk], so each page is one row.
"""

from __future__ import annotations

import json
import os
import random
import re
import struct
import time
import zlib
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import gevent  # type: ignore[import-untyped]  # Locust's own; no stubs installed
from locust import HttpUser, between, constant, events, task
from locust.env import Environment

SEED = int(os.environ.get("LOAD_SEED", "1"))
CANDIDATES = int(os.environ.get("LOAD_CANDIDATES", "10000"))
ASSESSORS = max(1, CANDIDATES // 20)
IQAS = max(1, ASSESSORS // 5)
PASSWORD = os.environ.get("LOAD_PASSWORD", "generated-centre-password")
THINK = (float(os.environ.get("LOAD_THINK_MIN", "5")), float(os.environ.get("LOAD_THINK_MAX", "15")))
BURST_USERS = int(os.environ.get("LOAD_BURST_USERS", "30"))
BURST_RESULT = os.environ.get("LOAD_BURST_RESULT", "")

NUMBER = re.compile(r"/\d+")
CENTRE_LINK = re.compile(r'href="/centres/(\d+)/enrolments/"')
ENROLMENT_LINK = re.compile(r'href="/enrolments/(\d+)/')
REVIEW_LINK = re.compile(r'href="(/enrolments/\d+/review/\d+/)"')
ACCEPT_FORM = re.compile(r'action="(/enrolments/\d+/mappings/\d+/accept/)"')


def page(path: str) -> str:
    """One row of the figures a page: `/enrolments/[pk]/progress/` (the same rule as scripts/load/run.py's)."""
    return NUMBER.sub("/[pk]", path.split("?")[0])


def email(kind: str, number: int) -> str:
    return f"{kind}-{SEED}-{number}@generated.example"


def small_png() -> bytes:
    """A 32 x 32 grey PNG, made here so that the load test needs no image library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + bytes([128]) * 32 for _ in range(32))
    header = struct.pack(">IIBBBBB", 32, 32, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


PNG = small_png()


class Person(HttpUser):
    """Signs in as one account of the generated centre, then acts on its pages with think time between."""

    abstract = True
    wait_time = between(*THINK)
    #: Whose accounts this kind of person signs in as (generate_centre's email prefix), and how many there are.
    role = "candidate"
    accounts = 1

    def account(self) -> str:
        """One of the generated accounts of `role`, chosen at random."""
        return email(self.role, random.randint(1, self.accounts))

    def on_start(self) -> None:
        self.client.headers["X-Forwarded-Proto"] = "https"
        self.origin = "https://" + urlsplit(self.host or "").netloc
        self.sign_in(self.account())

    def send_secure_cookies(self) -> None:
        """Send the site's Secure cookies over the plain HTTP between the load test and gunicorn (the TLS proxy's
        hop): requests would keep them for https:// addresses only."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def get(self, path: str) -> str:
        self.send_secure_cookies()
        with self.client.get(path, name=page(path), catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {path}")
            return response.text or ""

    def post(self, path: str, data: dict[str, Any], *, expect: tuple[int, ...] = (200, 302), **kwargs: Any) -> Any:
        self.send_secure_cookies()
        token = self.client.cookies.get("csrftoken", "")
        headers = {"Referer": self.origin + path, "X-CSRFToken": token, **kwargs.pop("headers", {})}
        with self.client.post(path, data={"csrfmiddlewaretoken": token, **data}, headers=headers,
                              name=page(path), allow_redirects=False, catch_response=True,
                              **kwargs) as response:
            if response.status_code not in expect:
                response.failure(f"{response.status_code} for POST {path}")
            return response

    def sign_in(self, address: str) -> None:
        self.get("/accounts/login/")
        response = self.post("/accounts/login/", {"username": address, "password": PASSWORD}, expect=(302,))
        if response.status_code != 302 or response.headers.get("Location") != "/":
            raise RuntimeError(f"{address} could not sign in (status {response.status_code}): check LOAD_PASSWORD")


class Candidate(Person):
    weight = 70
    role, accounts = "candidate", CANDIDATES

    def on_start(self) -> None:
        super().on_start()
        found = ENROLMENT_LINK.search(self.get("/"))
        self.enrolment = found.group(1) if found else None

    @task(3)
    def home(self) -> None:
        self.get("/")

    @task(3)
    def progress(self) -> None:
        if self.enrolment:
            self.get(f"/enrolments/{self.enrolment}/progress/")

    @task(3)
    def evidence_library(self) -> None:
        if self.enrolment:
            self.get(f"/enrolments/{self.enrolment}/evidence/")

    @task(2)
    def unit_choice(self) -> None:
        if self.enrolment:
            self.get(f"/enrolments/{self.enrolment}/units/")

    @task(1)
    def upload(self) -> None:
        """A new draft (work product) and a photo of it, as the capture form sends it."""
        if not self.enrolment:
            return
        new = f"/enrolments/{self.enrolment}/evidence/new/"
        self.get(new)
        created = self.post(new, {"kind": "work_product", "title": "Photo of the shelf display I set up",
                                  "date": date.today().isoformat(), "text": ""}, expect=(302,))
        location = created.headers.get("Location", "")
        if not re.fullmatch(r"/evidence/\d+/", location):
            return
        self.send_secure_cookies()
        with self.client.post(location + "files/", files={"files": ("display.png", PNG, "image/png")},
                              data={"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")},
                              headers={"Referer": self.origin + location, "Accept": "application/json"},
                              name=page(location + "files/"), catch_response=True) as response:
            results = response.json().get("results", []) if response.status_code == 200 else []
            if not results or not all(result["ok"] for result in results):
                response.failure(f"upload refused: {response.status_code} {results}")


class Assessor(Person):
    weight = 20
    role, accounts = "assessor", ASSESSORS

    def on_start(self) -> None:
        super().on_start()
        self.reviews: list[str] = []

    @task(2)
    def home(self) -> None:
        self.get("/")

    @task(3)
    def caseload(self) -> None:
        self.get("/caseload/")

    @task(3)
    def review_queue(self) -> None:
        self.reviews = REVIEW_LINK.findall(self.get("/caseload/review/"))

    @task(4)
    def review_and_accept(self) -> None:
        """Open a piece of evidence from the queue and, half the time, accept one of its claims."""
        if not self.reviews:
            self.review_queue()
        if not self.reviews:
            return
        claims = ACCEPT_FORM.findall(self.get(random.choice(self.reviews)))
        if claims and random.random() < 0.5:
            self.post(random.choice(claims), {}, expect=(200,), headers={"HX-Request": "true"})


class IQA(Person):
    weight = 5
    role, accounts = "iqa", IQAS

    @task(1)
    def home(self) -> None:
        self.get("/")

    @task(2)
    def sampling(self) -> None:
        self.get("/quality/sampling/")


class CentreAdmin(Person):
    weight = 5
    role, accounts = "admin", 1

    def on_start(self) -> None:
        super().on_start()
        self.enrolments: list[str] = []
        # The menu's "Enrolments": straight to the list of one's only centre, else a list of centres.
        self.send_secure_cookies()
        with self.client.get("/centres/", name="/centres/", allow_redirects=False, catch_response=True) as response:
            found = CENTRE_LINK.search(f'href="{response.headers.get("Location", "")}"' + (response.text or ""))
            if not found:
                response.failure(f"{response.status_code} for /centres/, naming no centre")
        self.centre = found.group(1) if found else None

    @task(1)
    def home(self) -> None:
        self.get("/")

    @task(3)
    def enrolment_list(self) -> None:
        """One of the first five pages (a page past the end shows the last)."""
        if self.centre:
            path = f"/centres/{self.centre}/enrolments/?page={random.randint(1, 5)}"
            self.enrolments = ENROLMENT_LINK.findall(self.get(path))

    @task(3)
    def enrolment_page(self) -> None:
        if not self.enrolments:
            self.enrolment_list()
        if self.enrolments:
            self.get(f"/enrolments/{random.choice(self.enrolments)}/")


# A class of BURST_USERS candidates signing in at nine o'clock: run this class alone with -u BURST_USERS -r
# BURST_USERS. Each signs in once; when the last has, the figures are written to LOAD_BURST_RESULT and Locust stops.
_burst: dict[str, Any] = {"started": None, "done": [], "next": 0}


@events.test_start.add_listener
def _burst_start(environment: Environment, **_kwargs: Any) -> None:
    _burst.update(started=time.perf_counter(), done=[], next=0)


class SignInBurst(Person):
    # Name the classes on Locust's command line (as run.py does), or this one joins the mix.
    wait_time = constant(3600)

    def account(self) -> str:
        _burst["next"] += 1
        return email("candidate", (_burst["next"] - 1) % CANDIDATES + 1)

    def on_start(self) -> None:
        super().on_start()  # signs in
        _burst["done"].append(time.perf_counter() - _burst["started"])
        if len(_burst["done"]) == BURST_USERS:
            figures = {"users": BURST_USERS, "all_signed_in_seconds": max(_burst["done"]),
                       "first_signed_in_seconds": min(_burst["done"])}
            if BURST_RESULT:
                with open(BURST_RESULT, "w") as out:
                    json.dump(figures, out)
            print(f"Burst: {BURST_USERS} sign-ins complete in {figures['all_signed_in_seconds']:.2f} s", flush=True)
            runner = self.environment.runner
            if runner is not None:
                # From a greenlet of its own: quitting stops every user, this one included.
                gevent.spawn_later(0.1, runner.quit)

    @task
    def idle(self) -> None:
        pass
