"""Deploy checks for the tip line: `manage.py check --deploy` names what would break a promise."""

from pathlib import Path

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def tips_keys(app_configs, **kwargs):
    problems = []
    if not settings.TIPS_PUBLIC_KEY and not settings.TIPS_PRIVATE_KEY_FILES:
        problems.append(
            checks.Warning(
                "No tips public key is configured: the tip form stays closed.",
                hint="Run `manage.py tips_keygen /secure/path/tips.key` on the desk host and "
                "set TIPS_PUBLIC_KEY to the value it prints.",
                id="tips.W001",
            )
        )
    public_dirs = [Path(settings.MEDIA_ROOT), Path(settings.STATIC_ROOT)]
    public_dirs += [Path(d) for d in settings.STATICFILES_DIRS]
    for key_file in settings.TIPS_PRIVATE_KEY_FILES:
        resolved = Path(key_file).resolve()
        if any(resolved.is_relative_to(d.resolve()) for d in public_dirs):
            problems.append(
                checks.Error(
                    f"The tips private key {key_file} is inside a directory the web serves.",
                    hint="Keep it outside MEDIA_ROOT and the static directories.",
                    id="tips.E002",
                )
            )
    return problems
