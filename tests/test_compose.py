"""docker-compose.yml and .env.example stay consistent with each other and with the settings.

Docker does not run in CI, so these read the files: a dangling dependency, a service
that never restarts, or a variable nobody reads would otherwise surface only on the server.
"""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text()
SERVICES: dict[str, dict] = yaml.safe_load(COMPOSE_TEXT)["services"]
APP_SERVICES = ("web", "worker", "beat")

# os.environ.get("X"), os.getenv("X"), os.environ["X"] and the env_* helpers in base.py.
_SETTINGS_READ = re.compile(
    r'(?:os\.environ\.get|os\.getenv|env_bool|env_int|env_list)\(\s*"([A-Z][A-Z0-9_]*)"'
    r'|os\.environ\[\s*"([A-Z][A-Z0-9_]*)"\s*\]'
)
# ${NAME}, ${NAME:-default}, ${NAME:?error}; $$ is compose's escape for a literal $.
_COMPOSE_VAR = re.compile(r"(?<!\$)\$\{([A-Z_][A-Z0-9_]*)([^}]*)\}")


def _depends_on(service: dict) -> dict[str, dict]:
    deps = service.get("depends_on", {})
    # The short form is a list of names; it means "started", nothing more.
    return {name: {"condition": "service_started"} for name in deps} if isinstance(deps, list) else deps


def _command(service: dict) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def _one_shot_services() -> set[str]:
    return {
        name
        for service in SERVICES.values()
        for name, dep in _depends_on(service).items()
        if dep.get("condition") == "service_completed_successfully"
    }


def _settings_variables() -> set[str]:
    names = set()
    for path in (ROOT / "config").rglob("*.py"):
        for match in _SETTINGS_READ.finditer(path.read_text()):
            names.add(match.group(1) or match.group(2))
    return names


def _env_example_lines() -> list[str]:
    return (ROOT / ".env.example").read_text().splitlines()


def _env_example_variables() -> set[str]:
    return {m.group(1) for line in _env_example_lines() if (m := re.match(r"([A-Z_][A-Z0-9_]*)=", line))}


def test_every_depends_on_names_a_service_in_the_file() -> None:
    for name, service in SERVICES.items():
        missing = set(_depends_on(service)) - set(SERVICES)
        assert not missing, f"{name} depends on undefined services {missing}"


def test_long_running_services_restart_unless_stopped_and_have_a_healthcheck() -> None:
    for name in set(SERVICES) - _one_shot_services():
        service = SERVICES[name]
        assert service.get("restart") == "unless-stopped", name
        healthcheck = service.get("healthcheck", {})
        assert healthcheck.get("test") and not healthcheck.get("disable"), f"{name} has no healthcheck"


def test_one_shot_migrate_runs_once_and_is_not_restarted() -> None:
    # "unless-stopped" on a one-shot container reruns it forever after it exits.
    assert _one_shot_services() == {"migrate"}
    assert SERVICES["migrate"]["restart"] == "no"
    assert _command(SERVICES["migrate"]) == "python manage.py migrate --noinput"


def test_app_services_start_after_healthy_postgres_redis_and_finished_migrations() -> None:
    expected = {
        "postgres": "service_healthy",
        "redis": "service_healthy",
        "migrate": "service_completed_successfully",
    }
    for name in APP_SERVICES:
        conditions = {dep: spec.get("condition") for dep, spec in _depends_on(SERVICES[name]).items()}
        assert conditions == expected, name
    assert _depends_on(SERVICES["migrate"])["postgres"]["condition"] == "service_healthy"


def _gunicorn_settings(**env: str) -> dict:
    """config/gunicorn.py as gunicorn reads it, with these environment variables."""
    import os
    import runpy
    from unittest import mock

    with mock.patch.dict(os.environ, env):
        return runpy.run_path(str(ROOT / "config" / "gunicorn.py"))


def test_web_runs_gunicorn_with_its_config_and_without_the_control_socket() -> None:
    command = _command(SERVICES["web"])
    assert command.startswith("gunicorn -c config/gunicorn.py")
    assert "--no-control-socket" in command
    assert "/healthz" in " ".join(SERVICES["web"]["healthcheck"]["test"])
    config = _gunicorn_settings()
    assert config["wsgi_app"] == "config.wsgi:application"
    assert config["bind"] == "0.0.0.0:8000"
    assert config["control_socket_disable"] is True
    # The app writes the access line itself, as JSON with the request id; gunicorn's own
    # plain-text access log would break the one-JSON-object-a-line stream.
    assert config["accesslog"] is None
    assert "--access-logfile" not in command


def test_production_gunicorn_logs_json_and_stops_within_compose_grace() -> None:
    production = _gunicorn_settings(DJANGO_SETTINGS_MODULE="config.settings.production")
    local = _gunicorn_settings(DJANGO_SETTINGS_MODULE="config.settings.local")
    formatter = production["logconfig_dict"]["formatters"]["json"]["()"]
    assert formatter == "core.logs.JsonLineFormatter"
    assert "logconfig_dict" not in local
    # Requests in flight finish before compose kills the container.
    assert production["graceful_timeout"] < int(SERVICES["web"]["stop_grace_period"].rstrip("s"))


def test_the_image_runs_gunicorn_the_same_way() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    cmd = re.search(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE).group(1)
    assert cmd.startswith('["gunicorn", "-c", "config/gunicorn.py"')
    assert "--no-control-socket" in cmd and "--access-logfile" not in cmd


def test_redis_keeps_queued_tasks_appends_to_disk_and_never_evicts() -> None:
    redis = SERVICES["redis"]
    command = redis["command"] if isinstance(redis["command"], list) else redis["command"].split()
    assert command[0] == "redis-server"
    flags = dict(zip(command[1::2], command[2::2], strict=True))
    assert flags["--appendonly"] == "yes"
    assert flags["--maxmemory-policy"] == "noeviction"
    assert any(volume.endswith(":/data") for volume in redis["volumes"])


def test_postgres_keeps_its_data_in_a_named_volume() -> None:
    volumes = SERVICES["postgres"]["volumes"]
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in volumes)
    named = {volume.split(":")[0] for service in SERVICES.values() for volume in service.get("volumes", [])}
    assert named <= set(yaml.safe_load(COMPOSE_TEXT)["volumes"])


def test_the_worker_consumes_every_queue_a_task_is_routed_to() -> None:
    from config.celery import app

    match = re.search(r"--queues=(\S+)", _command(SERVICES["worker"]))
    consumed = set(match.group(1).split(","))
    declared = {queue.name for queue in app.conf.task_queues}
    routed = {route["queue"] for route in app.conf.task_routes.values()} | {app.conf.task_default_queue}
    assert routed <= declared == consumed
    # Messages people wait for do not queue behind the periodic sweeps.
    assert app.conf.task_routes["bookings.tasks.deliver_message"]["queue"] == "mail"
    assert "bookings.tasks.sweep_expired_holds" not in app.conf.task_routes


def test_every_service_logs_with_bounded_files() -> None:
    for name, service in SERVICES.items():
        options = service.get("logging", {}).get("options", {})
        assert options.get("max-size") and options.get("max-file"), name


def test_app_services_run_production_settings_against_the_compose_database_and_redis() -> None:
    for name in (*APP_SERVICES, "migrate"):
        service = SERVICES[name]
        environment = service["environment"]
        assert service["env_file"] == ".env", name
        assert environment["DJANGO_SETTINGS_MODULE"] == "config.settings.production", name
        assert "@postgres:5432/" in environment["DATABASE_URL"], name
        assert environment["REDIS_URL"].startswith("redis://redis:6379/"), name


def test_beat_keeps_its_schedule_file_in_a_volume() -> None:
    beat = SERVICES["beat"]
    schedule = re.search(r"--schedule[= ](\S+)", _command(beat)).group(1)
    mounts = [volume.split(":")[1] for volume in beat["volumes"]]
    assert any(schedule.startswith(mount.rstrip("/") + "/") for mount in mounts)


def test_env_example_names_only_variables_the_settings_or_compose_read() -> None:
    compose_variables = {m.group(1) for m in _COMPOSE_VAR.finditer(COMPOSE_TEXT)}
    unread = _env_example_variables() - _settings_variables() - compose_variables
    assert not unread, f".env.example lists variables nothing reads: {sorted(unread)}"


def test_env_example_lists_every_variable_the_settings_read() -> None:
    missing = _settings_variables() - _env_example_variables()
    assert not missing, f".env.example does not document {sorted(missing)}"


def test_env_example_sets_every_compose_variable_that_has_no_default() -> None:
    required = {
        m.group(1) for m in _COMPOSE_VAR.finditer(COMPOSE_TEXT) if not m.group(2).startswith((":-", "-"))
    }
    assert required - _env_example_variables() == set()


def test_every_env_example_variable_has_a_comment_above_it() -> None:
    lines = _env_example_lines()
    for index, line in enumerate(lines):
        if re.match(r"[A-Z_][A-Z0-9_]*=", line):
            assert index > 0 and lines[index - 1].startswith("# "), f"no comment for {line}"
