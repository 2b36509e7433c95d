"""The database function that writes a hold is the one the current models make."""

import pytest
from django.db import connection

from bookings.services.hold_write import FUNCTION, hold_function_sql, install_hold_function

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _installed_source() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [FUNCTION])
        row = cursor.fetchone()
    return row[0] if row else None


def test_migrate_installs_the_hold_function_as_the_models_make_it():
    # The test database was built by `migrate`, whose post_migrate installs the function.
    source = _installed_source()
    assert source is not None
    assert source.strip() in hold_function_sql(connection)


def test_installing_again_replaces_a_stale_function():
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE OR REPLACE FUNCTION {FUNCTION}(p_session bigint, p_seats integer,"
            " p_now timestamptz, p_holder text, p_user bigint, p_email text, p_max_holds integer,"
            " p_booking jsonb, p_lines jsonb)"
            " RETURNS bigint LANGUAGE sql AS 'SELECT 0::bigint'"
        )
    assert "SELECT 0" in _installed_source()

    install_hold_function()

    assert _installed_source().strip() in hold_function_sql(connection)
