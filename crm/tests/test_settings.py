"""Settings refuse bad values: each case starts a fresh interpreter with that environment."""

import os
import subprocess
import sys

import pytest

GOOD_KEY = "k" * 40


def load_settings(**env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("KEDANG_", "DEBUG", "SECRET_KEY"))}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import crm.settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'])"],
        env=environment,
        capture_output=True,
        text=True,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
    )


def test_the_embedded_default_is_sqlite_with_debug():
    result = load_settings(DATABASE_URL="")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django.db.backends.sqlite3"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"KEDANG_MODE": "prod"}, "KEDANG_MODE must be one of"),
        ({"KEDANG_MODE": "production", "FIELD_ENCRYPTION_KEY": GOOD_KEY}, "SECRET_KEY"),
        (
            {"KEDANG_MODE": "production", "SECRET_KEY": GOOD_KEY, "FIELD_ENCRYPTION_KEY": GOOD_KEY, "DEBUG": "true"},
            "DEBUG must be off",
        ),
        ({"DEBUG": "maybe"}, "DEBUG must be true or false"),
        ({"KEDANG_DAILY_JOBS_AT": "25:00"}, "KEDANG_DAILY_JOBS_AT"),
        ({"LOYALTY_POINTS_PER_CNY": "one"}, "LOYALTY_POINTS_PER_CNY"),
        ({"CONN_MAX_AGE": "forever", "DATABASE_URL": "postgres://x@127.0.0.1/x"}, "CONN_MAX_AGE"),
    ],
)
def test_it_refuses_to_start_on_bad_values(env, message):
    result = load_settings(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_its_keys_and_debug_off():
    result = load_settings(KEDANG_MODE="production", SECRET_KEY=GOOD_KEY, FIELD_ENCRYPTION_KEY=GOOD_KEY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "False"
