import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "q8v!2zr7w#m4n6p0t1y3u5i9o-a_s+d=f@g$h^j&k*l(x)c%v~b`n;m:,.<>?/QWERTYUIOP",
    "ALLOWED_HOSTS": "rapports.example.invalid",
    "HTTPS": "1",
    "BEHIND_PROXY": "1",
    "EMAIL_HOST": "smtp.example.invalid",
}


def test_check_deploy_is_clean_with_the_production_variables():
    env = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(PRODUCTION_ENV)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
