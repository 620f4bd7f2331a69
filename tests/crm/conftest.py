"""Fixtures for the outbox and its targets (defined in ``crm.helpers`` so the post-call tests
can use them too): a migrated SQLite database, a local Odoo-protocol server, an HTTP client."""

from crm.helpers import db, http, odoo  # noqa: F401
