from kvalitet.celery import app


def test_beat_schedule_runs_the_sweep_task_that_exists():
    app.loader.import_default_modules()
    schema = app.conf.beat_schedule["bevakningssvep"]
    assert schema["task"] in app.tasks
    assert schema["schedule"] == 60.0


def test_tasks_are_acks_late_and_retry_on_broker_errors():
    uppgift = app.tasks["kvalitet.tasks.bevakningssvep"]
    assert uppgift.acks_late is True
    assert uppgift.autoretry_for
