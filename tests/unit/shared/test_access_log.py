"""Access logs never hold a query string: a patient's address or id there would outlive any
erasure (the geocoding lookup sends the address in a body; this is the second guard)."""

import os
import runpy
import shutil
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config
from gunicorn.glogging import Logger

from scripts import stack
from shared.http.observability import ACCESS_LOG_FORMAT

ROOT = Path(__file__).resolve().parents[3]


def access_line(fmt: str, path: str, query: str) -> str:
    cfg = Config()
    cfg.set("access_log_format", fmt)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"{path}?{query}",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
    }
    response = SimpleNamespace(status="200 OK", sent=12, headers=[], response_length=12)
    request = SimpleNamespace(headers=[])
    atoms = Logger(cfg).atoms(response, request, environ, timedelta(milliseconds=3))
    return fmt % atoms


def test_the_access_log_line_has_the_path_but_no_query_string():
    """Failed before this change: gunicorn's default line ("%(r)s") kept the whole URL."""
    query = "street=Lindenallee&postal_code=52062&subject_id=42"
    line = access_line(ACCESS_LOG_FORMAT, "/api/geocode", query)
    assert "/api/geocode" in line and "200" in line
    assert "Lindenallee" not in line and "subject_id" not in line
    assert "Lindenallee" in access_line(Config().access_log_format, "/api/geocode", query)


def test_the_local_stack_starts_gunicorn_with_that_format(monkeypatch):
    """The format now comes from gunicorn.conf.py, which the local stack (and compose) load."""
    started = {}
    monkeypatch.setattr(stack, "_alive", lambda name: False)
    monkeypatch.setattr(stack.infra, "port_open", lambda port: False)
    monkeypatch.setattr(
        stack.infra, "start_process", lambda name, cmd, env: started.update({name: cmd})
    )
    stack.start_services("psymatch_unused")
    web = started["geocoding_service-web"]
    config_file = Path(web[web.index("--config") + 1])
    assert config_file == ROOT / "gunicorn.conf.py"
    assert "--access-logformat" not in web  # nothing on the command line overrides it
    # Loading the file sets PROMETHEUS_MULTIPROC_DIR: keep that out of this process.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "")
    monkeypatch.setenv("PSYMATCH_PROMETHEUS_MASTER", "")
    config = runpy.run_path(str(config_file))
    shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    assert config["access_log_format"] == ACCESS_LOG_FORMAT
    assert config["accesslog"] == "-"
