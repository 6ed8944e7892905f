"""deploy/: the shipped nginx config passes `nginx -t` (Debian's nginx) and really runs in front of two Streamlit
app processes and an API process on loopback — health through nginx, a websocket handshake to Streamlit, sticky
sessions by cookie, the API under /api/ — and the systemd units name commands that exist."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest
from conftest import PROJECT
from servers import free_port, free_ports, http_ok, wait_until

pytestmark = pytest.mark.server
DEPLOY = PROJECT / "deploy"
SITE = DEPLOY / "nginx" / "shuxiang.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
SLOW = 60  # seconds; see the member client below


def render(site: str, app_ports: list[int], api_ports: list[int], listen: int) -> str:
    """The shipped site with this test's ports (the same number of replicas as shipped)."""
    shipped_app = re.findall(r"server 127\.0\.0\.1:(85\d\d);", site)
    shipped_api = re.findall(r"server 127\.0\.0\.1:(80\d\d);", site)
    assert len(shipped_app) == len(app_ports) and len(shipped_api) == len(api_ports)
    for old, new in [*zip(shipped_app, app_ports), *zip(shipped_api, api_ports)]:
        site = site.replace(f"server 127.0.0.1:{old};", f"server 127.0.0.1:{new};")
    return site.replace("listen 80;", f"listen 127.0.0.1:{listen};")


def main_config(prefix: Path, site: Path) -> Path:
    """A minimal nginx.conf around the site, as Debian's includes conf.d/* inside http (logs name the upstream)."""
    user = "user root;\n" if os.geteuid() == 0 else ""
    config = prefix / "nginx.conf"
    config.write_text(
        f"""{user}worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{ worker_connections 256; }}
http {{
    log_format upstream '$request_uri $upstream_addr $status';
    access_log {prefix}/access.log upstream;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {site};
}}
""",
        encoding="utf-8",
    )
    return config


@pytest.fixture
def nginx() -> str:
    if NGINX is None:
        pytest.skip("nginx is not installed (apt-get install nginx; scripts/install.sh --dev does it)")
    return NGINX


@contextmanager
def process(command: list[str], env: dict[str, str], log: Path, ready_url: str) -> Iterator[None]:
    with open(log, "wb") as out:
        proc = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: proc.poll() is None and http_ok(ready_url), 180, " ".join(command[:4]))
        yield
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_shipped_config_passes_nginx_t(nginx: str, tmp_path: Path) -> None:
    site = tmp_path / "shuxiang.conf"
    site.write_text(render(SITE.read_text(encoding="utf-8"), [18501, 18502], [18000, 18001], free_port()))
    checked = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(main_config(tmp_path, site))], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr and "test is successful" in checked.stderr
    shipped = SITE.read_text(encoding="utf-8")
    assert "proxy_set_header Upgrade $http_upgrade" in shipped and "hash $shuxiang_route consistent" in shipped
    assert "client_max_body_size 101m" in shipped  # SHUXIANG_MAX_UPLOAD_MB (100) + the multipart envelope


def test_nginx_in_front_of_two_app_processes_and_the_api(nginx: str, tmp_path: Path) -> None:
    app_a, app_b, api_port, spare_api, listen = free_ports(5)
    app_ports = [app_a, app_b]
    site = tmp_path / "shuxiang.conf"
    site.write_text(render(SITE.read_text(encoding="utf-8"), app_ports, [api_port, spare_api], listen))
    env = {**os.environ, "SHUXIANG_DATA_DIR": str(tmp_path / "data"), "SHUXIANG_EMBEDDING_MODEL": "none"}
    streamlit = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true"]
    base = f"http://127.0.0.1:{listen}"
    with ExitStack() as stack:
        for port in app_ports:
            command = [*streamlit, "--server.address", "127.0.0.1", "--server.port", str(port)]
            stack.enter_context(
                process(command, env, tmp_path / f"app{port}.log", f"http://127.0.0.1:{port}/_stcore/health")
            )
        api = [sys.executable, "-m", "api", "--port", str(api_port), "--root-path", "/api", "--no-seed"]
        stack.enter_context(process(api, env, tmp_path / "api.log", f"http://127.0.0.1:{api_port}/health"))
        command = [nginx, "-p", str(tmp_path), "-c", str(main_config(tmp_path, site)), "-g", "daemon off;"]
        stack.enter_context(process(command, env, tmp_path / "nginx.out", f"{base}/_stcore/health"))

        # a busy CI machine answered a health check through nginx in more than httpx's 5 s default once
        with httpx.Client(base_url=base, timeout=SLOW) as member:
            first = member.get("/")
            assert first.status_code == 200 and "shuxiang_route=" in first.headers["set-cookie"]
            for _ in range(6):
                assert member.get("/_stcore/health").text == "ok"
            later = member.get("/_stcore/health").headers.get_list("set-cookie")
            assert not any("shuxiang_route" in c for c in later)  # set once
            assert websocket_handshake(listen, member.cookies["shuxiang_route"]).startswith("HTTP/1.1 101")
        served = upstreams(tmp_path / "access.log")
        member_rows = served[[uri for uri, _ in served].index("/") :]  # before it: nginx's readiness probe
        assert len({addr for _, addr in member_rows}) == 1  # one member, one app process

        for _ in range(20):  # new visitors are spread over both processes
            httpx.get(f"{base}/_stcore/health", timeout=SLOW)
        assert {addr for _, addr in upstreams(tmp_path / "access.log")} == {f"127.0.0.1:{p}" for p in app_ports}

        assert httpx.get(f"{base}/api/health", timeout=SLOW).json()["status"] == "ok"
        # the API's first question loads what it loads lazily (1.0-1.2 s here under load): httpx's 5 s default
        # leaves a slow CI machine too little room
        assert httpx.post(f"{base}/api/ask", json={"question": "任期"}, timeout=SLOW).status_code == 200
        assert "/api/openapi.json" in httpx.get(f"{base}/api/docs", timeout=SLOW).text
        assert "/ask" in httpx.get(f"{base}/api/openapi.json", timeout=SLOW).json()["paths"]


def websocket_handshake(port: int, route: str) -> str:
    """The status line of a websocket upgrade to Streamlit's /_stcore/stream, through nginx."""
    request = (
        "GET /_stcore/stream HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        f"Origin: http://127.0.0.1:{port}\r\nCookie: shuxiang_route={route}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request.encode())
        return sock.recv(4096).decode("latin-1").splitlines()[0]


def upstreams(access_log: Path) -> list[tuple[str, str]]:
    rows = [line.split() for line in access_log.read_text().splitlines()]
    return [(row[0], row[1]) for row in rows if len(row) == 3 and not row[0].startswith("/api/")]


def test_systemd_units_run_commands_that_exist() -> None:
    units = sorted((DEPLOY / "systemd").glob("*.service"))
    assert [u.name for u in units] == ["shuxiang-api@.service", "shuxiang-app@.service", "shuxiang-chroma.service"]
    for unit in units:
        text = unit.read_text(encoding="utf-8")
        assert "[Install]" in text and "Restart=on-failure" in text
        command = re.search(r"^ExecStart=(.+)$", text, re.M).group(1).split()
        if "-m" in command:
            module = command[command.index("-m") + 1]
            assert module == "streamlit" or (PROJECT / module / "__main__.py").exists()
    assert (
        "-m api --host 127.0.0.1 --port %i --root-path /api"
        in (DEPLOY / "systemd" / "shuxiang-api@.service").read_text()
    )
