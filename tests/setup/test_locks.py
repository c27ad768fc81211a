"""The two lock files: what runs (`make run`, the Docker image) carries no test tools, and the
development lock pins every shared package at the runtime lock's version."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def pins(name):
    text = (ROOT / name).read_text()
    return dict(re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", text, flags=re.M))


def names(requirements):
    return {re.split(r"[\[<>=!~ ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements}


def test_the_runtime_lock_holds_no_development_tools():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {n.lower() for n in pins("requirements.lock")}
    dev_only = names(project["optional-dependencies"]["dev"]) - names(project["dependencies"])
    assert not dev_only & runtime, dev_only & runtime
    for tool in ("pytest", "playwright", "faker", "factory-boy"):
        assert tool not in runtime
    assert names(project["dependencies"]) <= runtime


def test_the_development_lock_adds_tools_at_the_runtime_versions():
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert {n: dev.get(n) for n in runtime} == runtime
    assert {"pytest", "playwright", "pytest-django"} <= set(dev)


def test_the_image_and_make_run_install_the_runtime_lock_and_make_test_the_dev_lock():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "requirements.lock" in dockerfile and "requirements-dev" not in dockerfile
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test: install-dev\b", makefile, flags=re.M)
    assert re.search(r"^run: install\b", makefile, flags=re.M)
    for name in ("requirements.lock", "requirements-dev.lock"):
        assert "make lock" in (ROOT / name).read_text().splitlines()[1]
