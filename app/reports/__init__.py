"""Outcome pack (PDF), CSV and JSON exports, the command line and the download and sharing pages.

Kept light at import: `python -m app.reports.pdf` (the PDF child process)
imports this package and must not pull in Flask or the database.
"""


def init_app(app) -> None:
    import os

    from app.reports import action_plan, cli, parts, routes  # noqa: F401  (parts, action_plan register pack parts)

    app.register_blueprint(routes.bp)
    app.cli.add_command(cli.workshop)
    app.config.setdefault("TANDEM_PDF_TIMEOUT", float(os.environ.get("TANDEM_PDF_TIMEOUT", "120")))
    app.config.setdefault("TANDEM_PDF_MEMORY_MB", int(os.environ.get("TANDEM_PDF_MEMORY_MB", "2048")))
