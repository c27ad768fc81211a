"""Make sure the configured database can be reached before `make run` migrates it.

A PostgreSQL database that does not exist yet is created when the server lets this role create
databases; anything else (no server, a wrong password, no CREATEDB right) ends with one line
that says what to do, never a traceback.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections


def _missing_database(error: Exception, name: str) -> bool:
    return f'database "{name}" does not exist' in str(error)


class Command(BaseCommand):
    help = "Create the PostgreSQL database named by DATABASE_URL if it does not exist yet."
    # The model checks ask the server for its version: they would fail before handle() runs.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database, **options):
        connection = connections[database]
        name = connection.settings_dict["NAME"]
        where = self._where(connection)
        if connection.vendor == "sqlite":
            Path(name).parent.mkdir(parents=True, exist_ok=True)
        try:
            connection.ensure_connection()
            return
        except OperationalError as error:
            if connection.vendor != "postgresql" or not _missing_database(error, name):
                raise CommandError(f"Cannot open the database {where}: {self._first_line(error)}")
        try:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
        except Exception as error:  # noqa: BLE001 - any refusal ends in the same one line
            raise CommandError(
                f"The database {where} does not exist and could not be created "
                f"({self._first_line(error)}); create it (createdb {name}) or fix DATABASE_URL."
            ) from None
        finally:
            connection.close()
        self.stdout.write(f"Created the database {where}.")

    @staticmethod
    def _where(connection) -> str:
        s = connection.settings_dict
        if connection.vendor != "postgresql":
            return f"{s['NAME']}"
        return f"{s['NAME']!r} on {s.get('HOST') or 'localhost'}:{s.get('PORT') or 5432}"

    @staticmethod
    def _first_line(error: Exception) -> str:
        lines = [line.strip() for line in str(error).splitlines() if line.strip()]
        return lines[0] if lines else error.__class__.__name__
