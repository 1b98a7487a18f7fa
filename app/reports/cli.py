"""flask workshop pack | import: the exports without a browser."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from app.extensions import db

workshop = AppGroup("workshop", help="Outcome pack, CSV and JSON exports, and importing a JSON export.")


def _get(workshop_id: int):
    from app.models import Workshop

    found = db.session.get(Workshop, workshop_id)
    if found is None:
        raise click.ClickException(f"no workshop {workshop_id}")
    return found


@workshop.command("pack", help="Build the outcome pack (PDF), the CSV tables and/or the JSON export of workshop ID.")
@click.argument("workshop_id", type=int)
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), help="Write the PDF pack here.")
@click.option("--letter", is_flag=True, help="US Letter paper instead of A4.")
@click.option("--csv", "csv_dir", type=click.Path(file_okay=False), help="Write every CSV table into this folder.")
@click.option("--json", "json_file", type=click.Path(dir_okay=False), help="Write the whole workshop as JSON here.")
def pack_command(workshop_id, out, letter, csv_dir, json_file):
    from app.reports import exports, pack
    from app.reports.pdf import PdfError

    if not (out or csv_dir or json_file):
        raise click.UsageError("say what to build: --out FILE.pdf, --csv DIR and/or --json FILE")
    found = _get(workshop_id)
    if json_file:
        Path(json_file).write_text(json.dumps(exports.export_workshop(found), ensure_ascii=False, indent=1),
                                   encoding="utf-8")
        click.echo(f"JSON: {json_file}")
    if csv_dir:
        folder = Path(csv_dir)
        folder.mkdir(parents=True, exist_ok=True)
        for name, (header, rows) in exports.csv_tables(found).items():
            (folder / f"{name}.csv").write_bytes(exports.csv_bytes(header, rows, found.language))
        click.echo(f"CSV: {folder}")
    if out:
        try:
            data = pack.pack_pdf(found, "Letter" if letter else "A4")
        except PdfError as error:
            raise click.ClickException(str(error)) from error
        Path(out).write_bytes(data)
        click.echo(f"PDF: {out} ({len(data) // 1024} KiB)")


@workshop.command("import", help="Restore a JSON export as a new (closed) workshop owned by --owner.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--owner", required=True, help="E-mail of the facilitator account that will own it.")
def import_command(file, owner):
    from app.models import User
    from app.reports.exports import ImportProblem, import_workshop

    user = db.session.scalar(select(User).where(func.lower(User.email) == owner.strip().lower()))
    if user is None:
        raise click.ClickException(f"no facilitator account {owner}")
    try:
        data = json.loads(Path(file).read_text(encoding="utf-8"))
        restored = import_workshop(data, user)
    except (ImportProblem, json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        db.session.rollback()
        raise click.ClickException(f"cannot import {file}: {error}") from error
    db.session.commit()
    click.echo(f"Imported workshop {restored.id}: {restored.title}")
