from tests.processes import run_manage

# The least a production deployment sets.
PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "x9!" + "k" * 60 + "Zq7_vT2#pL4mN8",
    "DJANGO_ALLOWED_HOSTS": "news.example.org",
}


def test_production_mode_passes_the_deploy_check_silently(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={
            **PRODUCTION,
            "TIPS_PUBLIC_KEY": "2kKOP0y1nN4cBP0mYpRmBKGF9/oVQOTwWzFFh2ljo1U=",
        },
        tmp_path=tmp_path,
    )

    assert result.returncode == 0, result.stderr
    # axes.W006 is silenced on purpose (lock-outs by username; no addresses are recorded).
    assert "System check identified no issues" in result.stdout


def test_deploy_check_warns_when_the_tip_line_has_no_key(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        env_overrides=PRODUCTION,
        tmp_path=tmp_path,
    )

    assert "tips.W001" in result.stdout + result.stderr


def test_deploy_check_refuses_a_private_key_inside_media(tmp_path):
    media = tmp_path / "media"
    result = run_manage(
        "check",
        "--deploy",
        env_overrides={
            **PRODUCTION,
            "MEDIA_ROOT": str(media),
            "TIPS_PRIVATE_KEY_FILE": str(media / "tips.key"),
        },
        tmp_path=tmp_path,
    )

    assert result.returncode != 0
    assert "tips.E002" in result.stdout + result.stderr


def test_production_mode_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_manage(
        "check",
        env_overrides={"DJANGO_ENV": "production", "DJANGO_ALLOWED_HOSTS": "news.example.org"},
        tmp_path=tmp_path,
    )

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_development_generates_a_private_secret_key_file_once(tmp_path):
    first = run_manage("check", env_overrides={}, tmp_path=tmp_path)
    key_file = tmp_path / "var" / "secret_key"
    key = key_file.read_text()
    second = run_manage("check", env_overrides={}, tmp_path=tmp_path)

    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert len(key) >= 50
    assert key_file.read_text() == key
    assert key_file.stat().st_mode & 0o077 == 0


def test_debug_is_off_unless_asked_for(tmp_path):
    script = "from django.conf import settings; print(settings.DEBUG)"
    result = run_manage("shell", "-c", script, env_overrides={}, tmp_path=tmp_path)

    assert result.stdout.strip().splitlines()[-1] == "False"
