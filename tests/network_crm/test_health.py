import datetime

import pytest
from django.utils import timezone

from interactions.models import SchedulerTick
from interactions.tasks import record_scheduler_tick


@pytest.mark.django_db
def test_healthz_answers_without_sign_in_and_names_no_data(client, owner):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok" and body["broker"] == "ok"
    assert set(body) == {"status", "database", "broker", "scheduler", "scheduler_last_tick",
                         "worker", "worker_last_heartbeat", "worker_heartbeat_age_seconds"}
    assert "owner" not in response.content.decode()


@pytest.mark.django_db
def test_healthz_reports_the_last_scheduler_tick(client):
    record_scheduler_tick()
    body = client.get("/healthz").json()
    assert body["scheduler"] == "ok"
    tick = SchedulerTick.objects.get(name="scheduler-tick")
    assert body["scheduler_last_tick"] == tick.ticked_at.isoformat()


@pytest.mark.django_db
def test_healthz_is_503_when_the_scheduler_stopped_ticking(client, settings):
    SchedulerTick.objects.create(
        name="scheduler-tick",
        ticked_at=timezone.now() - datetime.timedelta(seconds=3 * settings.SCHEDULER_TICK_SECONDS),
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["scheduler"] == "stale"


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_down(client, settings):
    from network_crm.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json()["broker"] == "down"


@pytest.mark.django_db
def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_a_recent_tick_is_read_from_the_cache_without_a_query(django_assert_num_queries):
    from network_crm.health import scheduler_state

    record_scheduler_tick()
    with django_assert_num_queries(0):
        state, last_tick = scheduler_state()
    assert state == "ok"
    assert last_tick == SchedulerTick.objects.get(name="scheduler-tick").ticked_at


@pytest.mark.django_db
def test_an_old_tick_in_the_cache_is_checked_against_the_row(settings):
    """A tick whose cache write failed leaves an older copy there: no false alarm."""
    from django.core.cache import cache

    from network_crm.health import TICK_CACHE_KEY, scheduler_state

    old = timezone.now() - datetime.timedelta(seconds=3 * settings.SCHEDULER_TICK_SECONDS)
    cache.set(TICK_CACHE_KEY, old)
    SchedulerTick.objects.create(name="scheduler-tick", ticked_at=timezone.now())
    assert scheduler_state()[0] == "ok"


@pytest.mark.django_db
def test_the_tick_is_recorded_and_read_with_the_cache_down(cache_down):
    from network_crm.health import scheduler_state

    record_scheduler_tick()
    assert scheduler_state()[0] == "ok"


@pytest.mark.django_db
def test_healthz_reports_the_workers_heartbeat_and_its_age(client):
    from network_crm.health import remember_worker

    assert client.get("/healthz").json()["worker"] == "never"
    remember_worker()
    body = client.get("/healthz").json()
    assert body["worker"] == "ok" and body["worker_heartbeat_age_seconds"] <= 1
    beat = SchedulerTick.objects.get(name="worker-heartbeat")
    assert body["worker_last_heartbeat"] == beat.ticked_at.isoformat()


@pytest.mark.django_db
def test_healthz_is_503_when_the_worker_stopped_beating(client, settings):
    SchedulerTick.objects.create(
        name="worker-heartbeat",
        ticked_at=timezone.now() - datetime.timedelta(seconds=4 * settings.WORKER_HEARTBEAT_SECONDS),
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["worker"] == "stale" and body["status"] == "unhealthy"
    assert body["worker_heartbeat_age_seconds"] >= 4 * settings.WORKER_HEARTBEAT_SECONDS


@pytest.mark.django_db
def test_the_worker_heartbeat_step_beats_at_start_and_on_the_workers_timer(settings):
    from network_crm.celery import Heartbeat, app

    calls = []

    class Timer:
        def call_repeatedly(self, seconds, fun, priority=0):
            calls.append((seconds, fun))

            class Ref:
                def cancel(self):
                    calls.append("cancelled")

            return Ref()

    class Worker:
        timer = Timer()

    assert Heartbeat in app.steps["worker"]
    step = Heartbeat(Worker())
    step.start(Worker())
    assert SchedulerTick.objects.filter(name="worker-heartbeat").exists()
    assert calls[0][0] == settings.WORKER_HEARTBEAT_SECONDS
    step.stop(Worker())
    assert calls[-1] == "cancelled"
