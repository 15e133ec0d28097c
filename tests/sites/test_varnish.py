"""A real Varnish, with the repository's VCL (deploy/varnish/default.vcl), in front of the demo
served as `make demo` serves it: a page is fetched from Django once, then served by Varnish
without reaching Django; publishing it purges it (Wagtail's frontend cache, FRONTEND_CACHE=
varnish) and the next request has the new words. Requests reaching Django are counted in the
server's own log. Needs Debian's varnish package (CI installs it; skipped without it, never
under CI=true)."""

import os
import re
import subprocess
import sys
import time

import pytest
import requests

from bench.harness.processes import RedisServer, wait_for
from bench.harness.varnish import Varnish, varnishd
from tests.e2e.support import REPO, serve_demo

pytestmark = pytest.mark.skipif(
    varnishd() is None and os.environ.get("CI") != "true",
    reason="Debian's varnish is not installed (CI installs it and never skips this)",
)

PUBLISH = """
import time
from wagtail.models import Site
about = Site.objects.get(is_default_site=True).root_page.get_children().get(slug="about").specific
about.title = "About the coalition, just published"
revision = about.save_revision()
started = time.perf_counter()
revision.publish()
print(f"published-and-purged-in {time.perf_counter() - started:.3f}")
from sites import page_cache
site = Site.objects.get(is_default_site=True)
started = time.perf_counter()
page_cache.page_cache.purge(page_cache.site_tag(site))
print(f"page-cache-purge-in {time.perf_counter() - started:.4f}")
started = time.perf_counter()
page_cache.purge_frontend({site.pk})
print(f"varnish-purge-of-the-site-in {time.perf_counter() - started:.3f}")
"""


def reached_django(log, path: str, port: int) -> int:
    """How many GETs of `path` the demo server answered. runserver logs each request once it
    has answered it: a request of our own straight to the server, logged after the others,
    says the log is complete."""
    marker = f"/healthz?settled={time.monotonic_ns()}"
    requests.get(f"http://127.0.0.1:{port}{marker}", timeout=10)
    wait_for(lambda: marker in log.read_text(), timeout=10, what="the server's log")
    return len(re.findall(rf'"GET {re.escape(path)} HTTP/1\.1"', log.read_text()))


@pytest.fixture
def varnish_in_front(tmp_path):
    redis = RedisServer(tmp_path)  # the page cache shared by the server and the publisher
    redis.start()
    varnish = Varnish(tmp_path / "varnish", backend_port=0)
    services = {
        "CACHE_URL": redis.url,
        "PAGE_CACHE_SECONDS": "600",
        "PAGE_CACHE_SHARED_SECONDS": "300",
        "FRONTEND_CACHE": "varnish",
        "FRONTEND_CACHE_URL": varnish.url,
    }
    try:
        with serve_demo(tmp_path / "demo", extra_env=services) as (port, env):
            varnish.backend_port = port
            varnish.start()
            try:
                yield varnish, port, env, tmp_path / "demo" / "runserver.log"
            finally:
                varnish.stop()
    finally:
        redis.stop()


def test_varnish_serves_hits_without_django_and_a_publish_purges_them(varnish_in_front):
    varnish, port, env, log = varnish_in_front
    host = {"Host": f"localhost:{port}"}

    def get(path):
        response = requests.get(varnish.url + path, headers=host, timeout=10)
        assert response.status_code == 200
        return response

    first = get("/about/")
    assert first.headers["X-Cache"] == "MISS" and reached_django(log, "/about/", port) == 1
    assert "s-maxage=300" in first.headers["Cache-Control"]
    for _ in range(5):
        hit = get("/about/")
        assert hit.headers["X-Cache"] == "HIT" and "Age" in hit.headers
    assert reached_django(log, "/about/", port) == 1  # five hits, not one reached Django

    published = subprocess.run(
        [sys.executable, str(REPO / "manage.py"), "shell", "-c", PUBLISH],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert published.returncode == 0, published.stderr[-2000:]
    seconds = float(re.search(r"published-and-purged-in ([\d.]+)", published.stdout)[1])
    started = time.monotonic()
    fresh = get("/about/")
    assert fresh.headers["X-Cache"] == "MISS" and reached_django(log, "/about/", port) == 2
    assert "About the coalition, just published" in fresh.text
    timings = dict(re.findall(r"([a-z-]+)-in ([\d.]+)", published.stdout))
    print(
        f"\npublish with its purges: {seconds * 1000:.0f} ms; the next request fresh in "
        f"{(time.monotonic() - started) * 1000:.0f} ms; a site's page cache purge alone "
        f"{float(timings['page-cache-purge']) * 1000:.1f} ms, its Varnish purge (every URL) "
        f"{float(timings['varnish-purge-of-the-site']) * 1000:.0f} ms"
    )
    assert get("/about/").headers["X-Cache"] == "HIT"


def test_editors_and_forms_always_reach_django(varnish_in_front):
    varnish, port, env, log = varnish_in_front
    host = {"Host": f"localhost:{port}"}
    for _ in range(2):
        page = requests.get(varnish.url + "/newsletter/", headers=host, timeout=10)
        assert page.status_code == 200 and page.headers["X-Cache"] == "MISS"
        assert "private" in page.headers["Cache-Control"]
    assert reached_django(log, "/newsletter/", port) == 2  # a form's token is per visitor
    editor = {**host, "Cookie": "sessionid=whatever"}
    for _ in range(2):
        requests.get(varnish.url + "/about/", headers=editor, timeout=10)
    assert reached_django(log, "/about/", port) == 2
    purge = requests.request("PURGE", varnish.url + "/about/", headers=host, timeout=10)
    assert purge.status_code == 200  # loopback may purge (the app's own processes)
