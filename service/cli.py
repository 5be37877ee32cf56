"""The `handoff` command: demo, serve, worker, sweeper, doctor, db upgrade, bpmn validate/deploy, admin create."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import click

from .config import EMBEDDED, Config


def _services(config: Config | None = None):
    from . import runtime

    services = runtime.build(config or Config.from_env())
    runtime.install(services)
    return services


@click.group()
@click.option("--log-level", default=os.environ.get("HANDOFF_LOG_LEVEL", "INFO"), show_default=True)
@click.option("--log-format", type=click.Choice(["json", "text"]), default=None,
              help="logs as JSON lines or text (default: HANDOFF_LOG_FORMAT, else text on a terminal, JSON otherwise)")
def main(log_level: str, log_format: str | None) -> None:
    """Handoff: BPMN workflows that carry B2B projects from sales to cash."""
    from .logging_setup import configure

    try:
        configure(log_level, log_format)
    except ValueError as error:  # a wrong HANDOFF_LOG_FORMAT or level: say so, no traceback
        raise click.UsageError(str(error)) from error


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Applies pending migrations to DATABASE_URL."""
    from .store.db import make_engine
    from .store.migrate import upgrade

    config = Config.from_env()
    config.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(make_engine(config.database_url))
    click.echo("database is up to date")


@main.group()
def admin() -> None:
    """Administrators: the first one of a fresh install."""


@admin.command("create")
@click.argument("username")
@click.option("--display-name", default=None, help="the name people see (default: USERNAME)")
@click.option("--email", default=None)
def admin_create(username: str, display_name: str | None, email: str | None) -> None:
    """Creates an administrator; asks for the password twice, or reads one line from stdin when piped."""
    from .flows.admins import create_admin
    from .flows.errors import FlowError

    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        created = create_admin(_services(), username, password, display_name, email)
    except FlowError as error:
        click.echo(f"not created: {error.message}", err=True)
        sys.exit(1)
    click.echo(f"administrator {created.username} created; log in at /login")


@main.group()
def bpmn() -> None:
    """Process files: validate and deploy."""


@bpmn.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--forms", "forms_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="forms folder (default: the forms/ beside the BPMN folder)")
def bpmn_validate(files: tuple[Path, ...], forms_dir: Path | None) -> None:
    """Prints FILE:LINE: element-id: message for every problem; exit 1 if any."""
    from .engine.validate import validate

    root = logging.getLogger()
    root.setLevel(max(root.level, logging.WARNING))  # the problems are the output; the parser's traces are INFO
    problems = validate(list(files), forms_dir)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s)", err=True)
        sys.exit(1)
    click.echo(f"{len(files)} file(s) valid", err=True)


@bpmn.command("deploy")
@click.argument("root", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--by", "deployed_by", default=os.environ.get("USER", "cli"))
def bpmn_deploy(root: Path, deployed_by: str) -> None:
    """Deploys ROOT/bpmn and ROOT/forms; changed processes get a new version."""
    from .flows.errors import DeployInvalid

    try:
        results = _deploy(_services(), root, deployed_by)
    except DeployInvalid as error:
        for problem in error.problems:
            click.echo(str(problem))
        sys.exit(1)
    for r in results:
        click.echo(f"{r.process_id} v{r.version} {'deployed' if r.created else 'unchanged'}")
        for warning in r.warnings:  # words not translated yet: never a refusal
            click.echo(f"warning: {warning}", err=True)


def _deploy(services, root: Path, deployed_by: str):
    from .engine.bundle import read_tree
    from .flows.deploy import deploy

    return deploy(services, read_tree(root), deployed_by)


@main.command()
@click.option("--burst", is_flag=True, help="stop when the queues are empty")
def worker(burst: bool) -> None:
    """Runs an RQ worker (with RQ's scheduler) for timers and outbox deliveries; outlives Redis and database outages."""
    from .jobs.worker import make_worker, run_worker

    services = _services()
    if burst:  # tests and one-off runs: work what is queued once, no waiting for outages
        _preload_specs(services)
        make_worker(services).work(with_scheduler=True, burst=True, logging_level=logging.getLogger().level)
        return
    run_worker(services, lambda: _preload_specs(services), logging.getLogger().level)


def _preload_specs(services) -> None:
    """Parses deployed versions once, before the first job needs them; one that does not load is set aside."""
    from .flows.versions import preload

    preload(services)


@main.command()
@click.option("--interval", type=float, default=None, help="seconds between sweeps")
def sweeper(interval: float | None) -> None:
    """Re-arms timers Redis forgot and starts due alarms punctually."""
    from .jobs.sweeper import run_forever

    services = _services()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    config = services.config
    run_forever(services, stop, interval or config.sweep_interval_s, config.dispatch_resolution_s)


@main.command()
def doctor() -> None:
    """Checks the database, migrations, Redis, workers and sweeper; says what is wrong and how to fix it."""
    from .ops.doctor import diagnose, render

    root = logging.getLogger()
    root.setLevel(max(root.level, logging.WARNING))  # the report is the output; INFO lines would bury it
    results = diagnose(Config.from_env())
    click.echo(render(results))
    if any(not check.ok for check in results):
        sys.exit(1)


@main.command()
@click.argument("username")
@click.option("--days", type=int, default=365, show_default=True)
def token(username: str, days: int) -> None:
    """Prints an API token for a service account (an integration calling the API)."""
    from sqlalchemy import select

    from .api.auth import issue_token
    from .app import create_app
    from .store.models import User

    services = _services()
    with create_app(services.config, services).app_context(), services.sessions() as session:
        user = session.scalar(select(User).where(User.username == username, User.active))
        if user is None:
            raise click.ClickException(f"no active user {username!r}")
        click.echo(issue_token(user, ttl_s=days * 86400))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=int(os.environ.get("HANDOFF_PORT", 5000)), show_default=True)
def serve(host: str, port: int) -> None:
    """Serves the web UI and API (development server; use gunicorn for production)."""
    from .app import create_app

    create_app().run(host=host, port=port, threaded=True)


@main.command()
@click.option("--port", default=int(os.environ.get("HANDOFF_PORT", 5000)), show_default=True,
              help="the web port (also HANDOFF_PORT)")
@click.option("--root", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--locale", "locale", default=os.environ.get("HANDOFF_DEMO_LOCALE", "en"), show_default=True,
              help="the demo company's language: en, or zh-CN for a Chinese company (also HANDOFF_DEMO_LOCALE)")
def demo(port: int, root: Path, locale: str) -> None:
    """One command: database, embedded Redis, worker, sweeper, demo data, web UI on localhost.

    One demo per data folder: a second one on the same folder, or one on a taken port, stops at
    once, before it starts or changes anything.
    """
    from . import i18n
    from .ops.demo_lock import DemoLock, DemoRunning, port_taken

    demo_locale = i18n.normalize(locale)
    if demo_locale is None:
        raise click.BadParameter(f"{locale!r}: one of {', '.join(i18n.SUPPORTED)}", param_hint="--locale")
    if demo_locale != i18n.DEFAULT:  # the service's default language is the demo company's (the worker's too)
        os.environ.setdefault("HANDOFF_DEFAULT_LOCALE", demo_locale)
    config = Config.from_env()
    lock = DemoLock(config.data_dir)
    try:
        lock.acquire()
    except DemoRunning as running:
        raise click.ClickException(str(running)) from None
    try:
        if port_taken("127.0.0.1", port):
            raise click.ClickException(f"port {port} is already in use on this computer, so the demo did not "
                                       f"start. Stop what uses it, or choose another port: ./dev demo --port "
                                       f"{port + 1}")
        _run_demo(config, lock, port, root, demo_locale)
    finally:
        lock.release()


def _run_demo(config: Config, lock, port: int, root: Path, locale: str) -> None:
    from .demo import DEMO_PASSWORD, seed_people
    from .demo_projects import seed_projects
    from .redis_conn import start_embedded, stop_embedded
    from .store.migrate import upgrade

    config.data_dir.mkdir(parents=True, exist_ok=True)
    socket_path = None
    if config.redis_url == EMBEDDED:
        socket_path = start_embedded(config.data_dir)
        os.environ["REDIS_URL"] = "unix://" + socket_path
    url = f"http://127.0.0.1:{port}/"
    lock.describe(url, socket_path)
    children = []
    try:
        os.environ.setdefault("DATABASE_URL", config.database_url)
        services = _services(Config.from_env())
        upgrade(services.db_engine)
        for r in _deploy(services, root, "demo"):
            click.echo(f"process {r.process_id} v{r.version} {'deployed' if r.created else 'unchanged'}")
        with services.sessions() as session:
            seed_people(session, DEMO_PASSWORD, locale)
            session.commit()
        seeded = seed_projects(services, locale)
        if seeded:
            click.echo(f"seeded {seeded} demo projects across the eight stages")
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop children and the embedded Redis too
        children = [_spawn("worker"), _spawn("sweeper")]
        click.echo(f"Handoff demo on {url}  (data in {config.data_dir}; Ctrl-C stops)")
        from .app import create_app

        create_app(services=services).run(host="127.0.0.1", port=port, threaded=True)
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.wait(timeout=10)
        stop_embedded()


def _spawn(command: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "service.cli", command], env=os.environ.copy())


if __name__ == "__main__":
    main()
