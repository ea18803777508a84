"""Drop the B-tree index on the search index's site column.

Every row of the search index has a site, and most searches may see most
sites, so the index selects nothing. On PostgreSQL it did harm: for a query
such as ``Hussein & (one of fifteen spellings of Abdullah)`` the planner
keeps one bitmap plan per table, the cheapest in total, and that was the
full-text index AND-ed with this one (77 ms to read a million entries of
it); against it, a scan of the table in physical order looked cheaper under
``LIMIT 200`` and read 146,000 rows (67 ms) where the full-text index alone
took 9 ms. Over forty names typed keystroke by keystroke at a million
persons, 276 of 1,498 index queries took such a plan; without the index
162, and the slowest query fell from 94 to 55 ms (docs/performance.md,
session 17). Searches still filter by site: inside the full-text index
(site tokens) when a user holds few sites, and on the column always.

Only the index goes: Django's ``AlterField`` would rebuild the table on
SQLite and drop and re-validate the foreign key on PostgreSQL.
"""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "matching_personsearchindex_site_id_9c2837e0"
"""The name Django gave the foreign key's index, on both databases."""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_enrolment_code_failures"),
        ("matching", "0016_search_names_in_order"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="personsearchindex",
                    name="site",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.site",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    reverse_sql=f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "matching_personsearchindex" ("site_id")',
                ),
            ],
        ),
    ]
