import getpass
import os

from django.core.management.base import BaseCommand, CommandError

from tips import crypto


class Command(BaseCommand):
    help = (
        "Create a tips key pair. The private key goes to a file (mode 600) that belongs on the "
        "desk host, never in the database or media storage; the public key is printed for "
        "TIPS_PUBLIC_KEY on the public servers."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="where to write the private key file")
        parser.add_argument(
            "--passphrase-env",
            metavar="VAR",
            help="protect the private key with the passphrase in this environment variable",
        )
        parser.add_argument(
            "--ask-passphrase", action="store_true", help="prompt for a passphrase"
        )

    def handle(self, *args, path, passphrase_env=None, ask_passphrase=False, **options):
        if os.path.exists(path):
            raise CommandError(f"{path} exists; refusing to overwrite a key.")
        passphrase = None
        if passphrase_env:
            passphrase = os.environ.get(passphrase_env)
            if not passphrase:
                raise CommandError(f"{passphrase_env} is empty.")
        elif ask_passphrase:
            passphrase = getpass.getpass("Passphrase: ")
            if passphrase != getpass.getpass("Again: "):
                raise CommandError("The passphrases differ.")
        public = crypto.generate_key_file(path, passphrase)
        self.stdout.write(f"Private key written to {path} (keep it off the public servers).")
        self.stdout.write(f"TIPS_PUBLIC_KEY={public}")
