"""HTML to PDF with WeasyPrint: only Tandem's own static files, tagged, in a time-bounded process.

Why a separate process. WeasyPrint is CPU-bound pure Python for seconds on a
large pack. Inside a gunicorn gevent worker it would freeze every live stream
that worker serves, and a thread cannot be stopped when it overruns. So
`render_pdf` runs `python -m app.reports.pdf` as a child process: gevent
patches `subprocess`, so the worker keeps serving while it waits; the
child is a fresh interpreter (no forked gevent hub, no database connection,
no Flask app), gets the HTML on stdin, answers with JSON on stdout, and is
killed when `timeout` runs out. The CLI uses the same path. The child caps its
own memory (RLIMIT_AS). A child is used for one job only; the next one is
started straight away and waits with WeasyPrint already imported, so a render
costs about what WeasyPrint itself costs (one idle child per process that has
rendered). The pack cache (app.reports.pack) makes renders rare anyway.

What WeasyPrint may fetch. `StaticFetcher` serves files under static/ from
disk, for URLs under STATIC_BASE (a reserved .invalid host that never
resolves), with a known font, style or image suffix. Everything else (file:,
http(s):, data:, ../ tricks, other hosts) is refused and recorded; nothing
ever goes to the network or reads outside static/.
"""
from __future__ import annotations

import atexit
import base64
import gc
import json
import os
import subprocess
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

STATIC_ROOT = Path(__file__).resolve().parent.parent.parent / "static"
# Templates of the pack use relative URLs ("css/pack.css", "fonts/..."), resolved against this.
STATIC_BASE = "https://static.tandem.invalid/"
ALLOWED_SUFFIXES = {
    ".css": "text/css",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
PAGE_SIZES = ("A4", "Letter")
PDF_VARIANT = "pdf/ua-1"
RENDER_GC_THRESHOLD = 10_000  # first-generation threshold while WeasyPrint renders (see _fewer_collections)


class PdfError(RuntimeError):
    """The PDF could not be built (timeout, crash); the message is safe to log."""


@dataclass
class Rendered:
    pdf: bytes
    fetched: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFetcher(URLFetcher):
        """Serves only static/ files below STATIC_BASE; records what was asked."""

        def __init__(self, static_root: Path = STATIC_ROOT):
            super().__init__(allowed_protocols=())
            self.static_root = Path(static_root).resolve()
            self.fetched: list[str] = []
            self.refused: list[str] = []

        def resolve(self, url: str) -> Path | None:
            if not url.startswith(STATIC_BASE):
                return None
            parts = urlsplit(url)
            if parts.query:
                return None
            relative = unquote(parts.path).lstrip("/")
            path = (self.static_root / relative).resolve()
            if not path.is_relative_to(self.static_root) or path.suffix not in ALLOWED_SUFFIXES:
                return None
            return path if path.is_file() else None

        def fetch(self, url, headers=None):
            path = self.resolve(url)
            if path is None:
                self.refused.append(url)
                raise ValueError(f"Tandem's PDF renderer fetches only its own static files, not {url[:200]}")
            self.fetched.append(url)
            return URLFetcherResponse(
                url, path.read_bytes(), headers={"Content-Type": ALLOWED_SUFFIXES[path.suffix]}
            )

    return StaticFetcher


def write_pdf(html: str, *, static_root: Path = STATIC_ROOT, variant: str | None = PDF_VARIANT) -> Rendered:
    """Render in this process, without a time bound (the child process and benchmarks use it)."""
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    fetcher = _fetcher_class()(static_root)
    options = {"pdf_variant": variant} if variant else {"pdf_tags": True}
    with _fewer_collections():
        document = HTML(string=html, base_url=STATIC_BASE, url_fetcher=fetcher)
        pdf = document.write_pdf(**options)
    return Rendered(pdf=pdf, fetched=fetcher.fetched, refused=fetcher.refused)


@contextmanager
def _fewer_collections(first_generation: int = RENDER_GC_THRESHOLD):
    """WeasyPrint allocates millions of short-lived objects: with Python's default threshold (700) the cyclic
    garbage collector runs thousands of times in one render and walks every young object each time, about
    a tenth of the render. A higher first-generation threshold for the render only keeps that to a few dozen
    runs (a few more MiB held meanwhile); the previous thresholds come back afterwards."""
    previous = gc.get_threshold()
    gc.set_threshold(max(first_generation, previous[0]), *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def _child_env() -> dict:
    env = {key: value for key, value in os.environ.items()
           if key in ("PATH", "LANG", "LC_ALL", "HOME", "TMPDIR", "FONTCONFIG_FILE", "FONTCONFIG_PATH")}
    env["PYTHONPATH"] = str(STATIC_ROOT.parent)
    return env


def _spawn() -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "app.reports.pdf"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=_child_env(), cwd=str(STATIC_ROOT.parent),
    )


# One renderer waits, warm (WeasyPrint imported), for the next job; each job uses it up
# and a new one starts in the background. A render then costs what WeasyPrint costs.
_warm: subprocess.Popen | None = None
_warm_lock = threading.Lock()


def _discard(child: subprocess.Popen) -> None:
    """Stop a renderer and close its pipes (no zombie, no open file left behind)."""
    child.kill()
    try:
        child.communicate(timeout=5)
    except (subprocess.TimeoutExpired, ValueError, OSError):
        pass
    for stream in (child.stdin, child.stdout, child.stderr):
        if stream is not None and not stream.closed:
            stream.close()
    child.wait()


def _take_renderer() -> subprocess.Popen:
    global _warm
    with _warm_lock:
        child, _warm = _warm, None
    if child is not None and child.poll() is None:
        return child
    if child is not None:
        _discard(child)
    return _spawn()


def _keep_one_warm() -> None:
    global _warm
    with _warm_lock:
        if _warm is not None and _warm.poll() is None:
            return
        if _warm is not None:
            _discard(_warm)
        _warm = _spawn()


@atexit.register
def _stop_warm() -> None:
    global _warm
    child, _warm = _warm, None
    if child is not None:
        _discard(child)


def render_pdf(html: str, *, timeout: float = 60, memory_mb: int = 2048,
               variant: str | None = PDF_VARIANT, keep_warm: bool = True) -> Rendered:
    """Render in a child process that is killed after `timeout` seconds."""
    request = json.dumps({"html": html, "variant": variant, "memory_mb": memory_mb}).encode()
    child = _take_renderer()
    try:
        stdout, stderr = child.communicate(request, timeout=timeout)
    except subprocess.TimeoutExpired as error:
        _discard(child)
        raise PdfError(f"the PDF took longer than {timeout:g} s and was stopped") from error
    finally:
        if keep_warm:
            _keep_one_warm()
    if child.returncode != 0:
        tail = stderr.decode(errors="replace")[-500:]
        raise PdfError(f"the PDF renderer failed (exit {child.returncode}): {tail}")
    answer = json.loads(stdout)
    return Rendered(pdf=base64.b64decode(answer["pdf"]), fetched=answer["fetched"], refused=answer["refused"])


WARM_UP_HTML = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tandem</title>'
                '<link rel="stylesheet" href="css/pack.css"></head><body><h1>Tandem</h1><h2>Árvíztűrő</h2>'
                '<p><strong>tükörfúrógép</strong> 1 2 3</p><table><thead><tr><th>a</th></tr></thead>'
                '<tbody><tr><td>b</td></tr></tbody></table>'
                '<svg width="10" height="10" role="img"><title>x</title><rect width="5" height="5"/></svg>'
                '</body></html>')


def _warm_up() -> None:
    """While waiting for a job: one tiny render with the pack's stylesheet and fonts, so the real job
    does not pay for loading fonts, fontconfig and the CSS machinery (it is idle time anyway)."""
    try:
        write_pdf(WARM_UP_HTML)
    except Exception:  # noqa: BLE001 - warming is an optimisation; the real job reports real errors
        pass


def _child() -> None:
    """`python -m app.reports.pdf`: import WeasyPrint, then one JSON request on stdin, JSON answer on stdout."""
    import weasyprint  # noqa: F401  (warm before the job arrives)

    _warm_up()
    raw = sys.stdin.buffer.read()
    if not raw:  # the parent went away without a job
        return
    request = json.loads(raw)
    try:
        import resource

        limit = int(request.get("memory_mb") or 0) * 1024 * 1024
        if limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # not on every platform; the timeout still holds
        pass
    rendered = write_pdf(request["html"], variant=request.get("variant"))
    sys.stdout.write(json.dumps({
        "pdf": base64.b64encode(rendered.pdf).decode(),
        "fetched": rendered.fetched,
        "refused": rendered.refused,
    }))


if __name__ == "__main__":
    _child()
