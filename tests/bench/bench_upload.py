"""Upload memory benchmark: a 200 MB file raises the web process's peak memory by less than 20 MB.

For each storage (the local folder, then S3 on a moto server running in its own
process), a fresh child process sets Django up with that storage from the
environment, warms up with one small upload, then sends a 200 MB multipart POST
(a WAV recording, generated on disk) through Django's WSGI handler, the
configured upload handlers and a view calling `store_upload`. The child reports
its peak resident memory above the warmed-up baseline (Linux VmHWM, reset via
/proc/self/clear_refs; ru_maxrss where that is unavailable) and tracemalloc's
peak of Python allocations.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import socket
import struct
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.core.handlers.wsgi import WSGIHandler
    from django.http import HttpRequest, JsonResponse

FILE_SIZE = 200 * 1000 * 1000
TARGET_MB = 20
BOUNDARY = "----bench-upload-boundary"
ROOT = Path(__file__).resolve().parents[2]

# The view the child process serves (ROOT_URLCONF points at this module there).
urlpatterns: list = []


def upload_view(request: HttpRequest) -> JsonResponse:
    from django.http import JsonResponse

    from evidence.upload_handlers import refused_uploads
    from evidence.uploads import store_upload

    refusals = refused_uploads(request)
    if refusals:
        return JsonResponse({"refused": [r.messages[0] for r in refusals]}, status=400)
    uploaded = request.FILES.get("file")
    if uploaded is None:
        return JsonResponse({"refused": ["no file"]}, status=400)
    stored = store_upload(uploaded)
    return JsonResponse({"name": stored.name, "size": stored.size, "sha256": stored.sha256})


def write_multipart_wav(path: Path, *, size: int) -> str:
    """A multipart body holding one WAV file of `size` bytes, written in chunks; returns the file's SHA-256."""
    data_size = size - 44
    header = b"RIFF" + struct.pack("<I", size - 8) + b"WAVE"
    header += b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 16000, 32000, 2, 16)
    header += b"data" + struct.pack("<I", data_size)
    digest = hashlib.sha256(header)
    chunk = bytes(range(256)) * 4096  # 1 MiB of a repeating ramp: sound-ish, not all zeros
    with path.open("wb") as body:
        body.write(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="discussion.wav"\r\n'
            "Content-Type: audio/wav\r\n\r\n".encode()
        )
        body.write(header)
        remaining = data_size
        while remaining:
            piece = chunk[: min(len(chunk), remaining)]
            body.write(piece)
            digest.update(piece)
            remaining -= len(piece)
        body.write(f"\r\n--{BOUNDARY}--\r\n".encode())
    return digest.hexdigest()


def _post(handler: WSGIHandler, body: Path) -> dict[str, Any]:
    with body.open("rb") as stream:
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/bench-upload",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
            "CONTENT_LENGTH": str(body.stat().st_size),
            "wsgi.input": stream,
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        answer: list[bytes] = []

        def start_response(status: str, headers: list[tuple[str, str]],
                           exc_info: Any = None) -> Callable[[bytes], None]:
            answer.append(status.encode())
            return answer.append

        result = handler(environ, start_response)
        payload = b"".join(result)
        result.close()
    if not answer or not answer[0].startswith(b"200"):
        raise RuntimeError(f"the upload view answered {answer}: {payload[:500]!r}")
    return json.loads(payload)


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def child(workdir: Path) -> None:
    """In the child: set Django up from the environment, warm up, then measure one big upload."""
    import django
    from django.conf import settings

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.urls import path
    from django.views.decorators.csrf import csrf_exempt

    urlpatterns.append(path("bench-upload", csrf_exempt(upload_view)))
    settings.ROOT_URLCONF = __name__
    handler = WSGIHandler()

    small = workdir / "small.body"
    write_multipart_wav(small, size=2 * 1000 * 1000)
    _post(handler, small)  # warm-up: imports, the S3 client, the first temporary file

    big = workdir / "big.body"
    expected_sha256 = write_multipart_wav(big, size=FILE_SIZE)

    hwm_available = _reset_peak()
    baseline_kb = _status_kb("VmRSS") if hwm_available else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    started = time.perf_counter()
    answer = _post(handler, big)
    seconds = time.perf_counter() - started
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak_kb = _status_kb("VmHWM") if hwm_available else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "ok": answer.get("size") == FILE_SIZE and answer.get("sha256") == expected_sha256,
                "answer": answer,
                "rss_delta_mb": (peak_kb - baseline_kb) / 1024,
                "traced_peak_mb": traced_peak / 1024 / 1024,
                "seconds": seconds,
                "method": "VmHWM" if hwm_available else "ru_maxrss",
            }
        )
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_moto(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("moto server did not start")


def measure(target: str) -> dict:
    """Run one child process uploading 200 MB to `target` ("local" or "s3") and return its figures."""
    with tempfile.TemporaryDirectory(
        prefix="bench-upload-", dir=ROOT / "var" if (ROOT / "var").exists() else None
    ) as tmp:
        workdir = Path(tmp)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portfolio_site.settings",
            "SECURE_SSL_REDIRECT": "false",
            "STATIC_MANIFEST": "false",
            "VAR_DIR": str(workdir / "var"),
            "MEDIA_ROOT": str(workdir / "private"),
            "FILE_UPLOAD_TEMP_DIR": str(workdir),
            "PYTHONPATH": str(ROOT),
        }
        server = None
        if target == "s3":
            import boto3

            port = _free_port()
            server = _start_moto(port)
            endpoint = f"http://127.0.0.1:{port}"
            credentials = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
            boto3.client(
                "s3",
                endpoint_url=endpoint,
                region_name="us-east-1",
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
            ).create_bucket(Bucket="bench-evidence")
            env.update(
                credentials,
                AWS_STORAGE_BUCKET_NAME="bench-evidence",
                AWS_S3_ENDPOINT_URL=endpoint,
                AWS_S3_REGION_NAME="us-east-1",
            )
        try:
            done = subprocess.run(
                [sys.executable, "-m", "tests.bench.bench_upload", "--child", str(workdir)],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=900,
                check=False,
            )
        finally:
            if server:
                server.terminate()
                server.wait(timeout=10)
        if done.returncode != 0:
            raise RuntimeError(f"the {target} upload child failed:\n{done.stderr[-3000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])


def run() -> None:
    for target in ("local", "s3"):
        figures = measure(target)
        verdict = (
            "ok"
            if figures["ok"] and figures["rss_delta_mb"] < TARGET_MB and figures["traced_peak_mb"] < TARGET_MB
            else "OVER TARGET"
            if figures["ok"]
            else "UPLOAD FAILED"
        )
        print(
            f"upload 200 MB to {target:5}: peak RSS +{figures['rss_delta_mb']:.1f} MB ({figures['method']}), "
            f"Python allocations peak {figures['traced_peak_mb']:.1f} MB, {figures['seconds']:.1f} s "
            f"(target < {TARGET_MB} MB) {verdict}"
        )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]))
    else:
        run()
