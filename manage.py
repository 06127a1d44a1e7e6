#!/usr/bin/env python
import os
import sys

# Commands that read only the code (the models, the templates' strings) and neither data nor
# a secret: they run in a bare checkout too, where production settings would refuse to load
# without SECRET_KEY and the field keys (config/settings.py).
CODE_ONLY_COMMANDS = {"makemigrations", "makemessages", "compilemessages"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    command = sys.argv[1] if len(sys.argv) > 1 else "help"
    if command in CODE_ONLY_COMMANDS:
        os.environ.setdefault("LOCAL_RUN", "true")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    if command not in ("help", "--help", "-h", "version", "--version"):
        # Django keeps a settings error to itself so that `help` still works, and the command
        # then fails on something else ("Models aren't loaded yet"): say the real reason.
        try:
            settings.INSTALLED_APPS  # noqa: B018 - loads the settings
        except ImproperlyConfigured as error:
            sys.exit(f"Settings refused: {error}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
