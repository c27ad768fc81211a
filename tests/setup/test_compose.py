"""docker-compose.yml: migrations run once before web, worker and beat; the app's port is
published on this machine only (the reverse proxy is the way in); the file is valid."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_web_worker_and_beat_start_after_the_migrations_succeeded(compose):
    services = compose["services"]
    assert "migrate" in services["migrate"]["command"]
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}, name
        assert depends["postgres"]["condition"] == "service_healthy"
    assert "migrate" not in services["web"]["command"]  # one migrator, not one per restart


def test_the_port_is_published_on_loopback_only(compose):
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), (name, port)


def test_the_proxy_headers_are_believed_only_from_trusted_proxies(compose):
    env = compose["x-app"]["environment"]
    assert env["DJANGO_BEHIND_PROXY"] == "1" and "DJANGO_TRUSTED_PROXIES" in env


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="needs docker-compose")
def test_docker_compose_config_accepts_the_file():
    env = {**os.environ, "POSTGRES_PASSWORD": "ci", "DJANGO_SECRET_KEY": "ci",
           "DOMAIN": "crm.example.com", "EMAIL_URL": "smtp://mail.example.com"}
    result = subprocess.run(["docker-compose", "-f", "docker-compose.yml", "config", "-q"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
