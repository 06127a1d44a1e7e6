"""The checks a release must pass: migrations, deploy settings, admin in Chinese."""

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse


def readme_production_env():
    """The variables the README's production section exports, as a reader would type them."""
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    section = readme.split("## Running on PostgreSQL and Redis", 1)[1].split("\n## ", 1)[0]
    env = {}
    for line in section.splitlines():
        if line.startswith("export "):
            env.update(pair.split("=", 1) for pair in shlex.split(line)[1:])
    return env


@pytest.mark.django_db
def test_every_model_change_has_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def bare_environment():
    """A new checkout's shell: no settings module, no local run, no secret."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/")}


def test_the_migration_check_runs_in_a_bare_checkout():
    # makemigrations reads only the models: it needs no secret, and runs as a local run.
    result = run_manage("makemigrations", "--check", "--dry-run", env=bare_environment())
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_a_command_without_settings_says_why_in_one_line():
    result = run_manage("check", env=bare_environment())
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]  # no traceback
    assert result.stderr.startswith("Settings refused: SECRET_KEY must be set")


# Real-looking field keys (config/crypto.py): production refuses to start without them.
FIELD_KEYS = {
    "FIELD_ENCRYPTION_KEYS": "Xb1QW0Jx5m3p3w2Yb2fQm8cK5kq5g2H6m9u3ZQ2vYkE=",
    "FIELD_HMAC_KEY": "k3Jd8sLq2vN7xR4tY9wB1mC6zF0hG5aP8eU2iO7lK4jH",
}


def production_environment(**overrides):
    """This process's environment without what makes a run local, with real field keys."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("LOCAL_RUN", "DEBUG", "DJANGO_SETTINGS_MODULE", "SECRET_KEY")
        and not key.startswith("SECURE_")
    }
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env.update(FIELD_KEYS)
    env.update(overrides)
    return env


def run_manage(*args, env):
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_a_real_secret_key():
    for key in (None, "django-insecure-local-development-only", "short", "a" * 60):
        env = production_environment(**({"SECRET_KEY": key} if key else {}))
        result = run_manage("check", env=env)
        assert result.returncode != 0, key
        assert "SECRET_KEY must be set to a real secret" in result.stderr, key


def test_production_is_https_only_unless_told_otherwise():
    show = (
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS)"
    )
    key = "p7Jc2vQ9sLm4Xw8zR1tY6uB3nE5kH0aFgD2sQ8wE4rT6yU9iO1pL3kJ7hG5fD"
    on = run_manage("shell", "--no-imports", "-c", show, env=production_environment(SECRET_KEY=key))
    assert on.stdout.split() == ["True", "True", "True", "31536000"], on.stderr
    off = run_manage(
        "shell",
        "--no-imports",
        "-c",
        show,
        env=production_environment(SECRET_KEY=key, SECURE_SSL_REDIRECT="false"),
    )
    assert off.stdout.split()[0] == "False", off.stderr
    local = run_manage(
        "shell", "--no-imports", "-c", show, env=production_environment(LOCAL_RUN="true")
    )
    assert local.stdout.split() == ["False", "False", "False", "0"], local.stderr


def test_deploy_check_is_clean_with_the_readmes_production_settings():
    production = readme_production_env()
    assert production["SECRET_KEY"] == "..."  # the reader puts a real key there; so do we
    production["SECRET_KEY"] = "p7Jc2vQ9sLm4Xw8zR1tY6uB3nE5kH0aFgD2sQ8wE4rT6yU9iO1pL3kJ7hG5fD"
    assert production["FIELD_ENCRYPTION_KEYS"] == production["FIELD_HMAC_KEY"] == "..."
    production.update(FIELD_KEYS)
    # The check needs no database server: the URL is only parsed. Production: not the test
    # settings, not a local run.
    env = {**production_environment(), **production}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


ADMIN_PAGES = [
    "admin:index",
    "admin:institutions_township_changelist",
    "admin:institutions_institution_changelist",
    "admin:institutions_institution_add",
    "admin:institutions_user_changelist",
    "admin:institutions_user_add",
    "admin:axes_accessattempt_changelist",
    "admin:axes_accesslog_changelist",
]


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_admin_pages_open_in_chinese(client_for, admin_user, institution1, page):
    response = client_for(admin_user).get(reverse(page))
    assert response.status_code == 200
    assert '<html lang="zh-hans"' in response.content.decode()


def test_admin_shows_an_institutions_change_history(client_for, admin_user, institution1):
    url = reverse("admin:institutions_institution_history", args=[institution1.pk])
    response = client_for(admin_user).get(url)
    assert response.status_code == 200


def test_only_admins_reach_the_admin(client_for, officer):
    response = client_for(officer).get(reverse("admin:index"))
    assert response.status_code == 302


def test_the_admin_names_the_login_lockout_section_in_chinese(client_for, admin_user):
    page = client_for(admin_user).get(reverse("admin:index")).content.decode()
    assert "登录锁定" in page
    assert "登录尝试" in page
    assert "Access attempts" not in page and "Axes" not in page
