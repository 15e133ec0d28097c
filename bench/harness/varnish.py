"""A varnishd of our own on a free port, running the repository's VCL (deploy/varnish/
default.vcl) with its backend pointed at a server on loopback: for tests/sites/test_varnish.py
and anyone measuring pages through an HTTP cache."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from .processes import REPO_ROOT, HarnessError, free_port, start_process, stop_process, wait_port

VCL = REPO_ROOT / "deploy" / "varnish" / "default.vcl"
BACKEND = re.compile(r'(backend default \{\s*\.host = )"[^"]*";(\s*\.port = )"[^"]*";')


def varnishd() -> str | None:
    return shutil.which("varnishd") or (
        "/usr/sbin/varnishd" if Path("/usr/sbin/varnishd").exists() else None
    )


class Varnish:
    """`start()`, then `url` (http://127.0.0.1:<port>) is Varnish in front of backend_port."""

    def __init__(self, directory: Path, backend_port: int, *, port: int | None = None):
        self.port = port or free_port()
        self.directory = directory
        self.backend_port = backend_port
        self.log_path = directory / "varnishd.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def vcl(self) -> Path:
        """The repository's VCL, only its backend changed to this server."""
        source = VCL.read_text()
        vcl, found = BACKEND.subn(rf'\1"127.0.0.1";\g<2>"{self.backend_port}";', source)
        if found != 1:
            raise HarnessError(f"{VCL} has no `backend default` with .host and .port to point")
        path = self.directory / "default.vcl"
        path.write_text(vcl)
        return path

    def start(self) -> None:
        binary = varnishd()
        if binary is None:
            raise HarnessError("varnishd is not installed (Debian's varnish package)")
        self.directory.mkdir(parents=True, exist_ok=True)
        # -j none: no privilege separation, so the VCL and work files in a private temporary
        # folder stay readable (varnishd started as root would switch to its own users).
        command = [binary, "-F", "-j", "none", "-n", str(self.directory / "instance"), "-a"]
        command += [f"127.0.0.1:{self.port}", "-f", str(self.vcl()), "-s", "malloc,32m"]
        self.process = start_process(command, self.log_path)
        wait_port(self.port, self.process, "varnishd", self.log_path)

    def stop(self) -> None:
        stop_process(self.process)
