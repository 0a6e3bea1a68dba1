"""Settings refuse bad values: each case starts a fresh interpreter with that environment."""

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
GOOD_KEY = "k0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOP"
FIELD_KEY = "p4S0bJ8oQ3sB5kX9cW1zR7yT2vN6mL0aE8dF4gH2jK0="
PRODUCTION = {
    "KEDANG_MODE": "production",
    "SECRET_KEY": GOOD_KEY,
    "FIELD_ENCRYPTION_KEY": FIELD_KEY,
    "ALLOWED_HOSTS": "crm.example.com",
}
SCRUBBED = ("KEDANG_", "DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEY", "ALLOWED_HOSTS")


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(SCRUBBED)}
    environment["KEDANG_ENV_FILE"] = ""
    environment.update(env)
    return subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True, cwd=ROOT)


def load_settings(**env):
    return run_python("import crm.settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'])", **env)


def test_the_embedded_default_is_sqlite_with_debug():
    result = load_settings(DATABASE_URL="")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django.db.backends.sqlite3"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"KEDANG_MODE": "prod"}, "KEDANG_MODE must be one of"),
        ({**PRODUCTION, "SECRET_KEY": ""}, "SECRET_KEY"),
        ({**PRODUCTION, "SECRET_KEY": "k" * 60}, "SECRET_KEY (at least 50 random characters)"),
        ({**PRODUCTION, "SECRET_KEY": "embedded-demo-only-not-secret-0123456789abcdef"}, "public demo key"),
        ({**PRODUCTION, "DEBUG": "true"}, "DEBUG must be off"),
        ({**PRODUCTION, "KEDANG_DEMO": "1"}, "KEDANG_DEMO is for the embedded demo"),
        ({**PRODUCTION, "FIELD_ENCRYPTION_KEY": ""}, "FIELD_ENCRYPTION_KEY is required"),
        ({**PRODUCTION, "FIELD_ENCRYPTION_KEY": "x"}, "FIELD_ENCRYPTION_KEY must be a Fernet key"),
        ({**PRODUCTION, "FIELD_ENCRYPTION_KEY": "k" * 44}, "FIELD_ENCRYPTION_KEY must be a Fernet key"),
        ({**PRODUCTION, "FIELD_ENCRYPTION_KEY": GOOD_KEY}, "FIELD_ENCRYPTION_KEY must be a Fernet key"),
        ({**PRODUCTION, "SECRET_KEY": FIELD_KEY}, "SECRET_KEY (at least 50"),  # so never equal to the field key
        ({**PRODUCTION, "ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS must name"),
        ({**PRODUCTION, "ALLOWED_HOSTS": "crm.example.com,*"}, "ALLOWED_HOSTS must name"),
        ({**PRODUCTION, "ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must name"),
        ({**PRODUCTION, "SECURE_HSTS_SECONDS": "0"}, "SECURE_HSTS_SECONDS must be positive"),
        ({"DEBUG": "maybe"}, "DEBUG must be true or false"),
        ({"KEDANG_ENV_FILE": "/nonexistent/kedang.env"}, "KEDANG_ENV_FILE"),
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
    result = load_settings(**PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "False"


def test_production_sends_hsts_redirects_to_https_and_keeps_cookies_secure():
    code = (
        "import crm.settings as s; print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    result = run_python(code, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "31536000 True ('HTTP_X_FORWARDED_PROTO', 'https') True True"


def test_every_command_reads_the_environment_file_and_the_environment_wins(tmp_path):
    env_file = tmp_path / "kedang.env"
    env_file.write_text(
        "\n".join(f"{k}={v}" for k, v in {**PRODUCTION, "LOYALTY_POINTS_PER_CNY": "0.5"}.items()) + "\n"
    )
    code = f"import crm.settings as s; print(s.PRODUCTION, s.SECRET_KEY == {GOOD_KEY!r}, s.LOYALTY_POINTS_PER_CNY)"
    result = run_python(code, KEDANG_ENV_FILE=str(env_file))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "0.5"]
    result = run_python(code, KEDANG_ENV_FILE=str(env_file), LOYALTY_POINTS_PER_CNY="2")
    assert result.stdout.split()[-1] == "2"


WSGI = "import crm.wsgi; print('serving')"


@pytest.mark.parametrize(
    "env",
    [
        {},  # the embedded defaults: DEBUG on and the demo key
        {"DEBUG": "false"},  # still the public demo key
        {"SECRET_KEY": GOOD_KEY},  # a real key, but DEBUG on
    ],
)
def test_the_web_server_refuses_debug_or_the_demo_key_unless_the_demo_is_asked_for(env):
    result = run_python(WSGI, **env)
    assert result.returncode != 0
    assert "Refusing to serve" in result.stderr


def test_the_embedded_demo_serves_when_asked_for_and_production_serves_with_its_keys():
    assert run_python(WSGI, KEDANG_DEMO="1").stdout.strip() == "serving"
    result = run_python(WSGI, **PRODUCTION)
    assert result.stdout.strip() == "serving", result.stderr


def test_genkeys_prints_keys_that_production_accepts():
    result = subprocess.run(
        [sys.executable, "manage.py", "genkeys"],
        env={**os.environ, "KEDANG_ENV_FILE": ""},
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    keys = dict(line.split("=", 1) for line in result.stdout.split())
    assert set(keys) == {"SECRET_KEY", "FIELD_ENCRYPTION_KEY"}
    assert load_settings(**{**PRODUCTION, **keys}).returncode == 0
