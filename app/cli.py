"""flask commands: users, recipes, demo."""
from __future__ import annotations

import click
from flask import current_app, url_for
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from app.extensions import db


def init_app(app) -> None:
    app.cli.add_command(users)
    app.cli.add_command(recipes)
    app.cli.add_command(demo)


users = AppGroup("users", help="Facilitator accounts.")


@users.command("create", help="Create a facilitator account (the first one is the instance admin).")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option("--organisation", default="")
@click.password_option()
def users_create(email, name, organisation, password):
    from app.auth.accounts import create_user, email_taken

    if email_taken(email):
        raise click.ClickException(f"an account with {email} exists already")
    if len(password) < 10:
        raise click.ClickException("use a password of at least 10 characters")
    user = create_user(email, name, password, organisation)
    db.session.commit()
    click.echo(f"Created {user.email}{' (admin)' if user.is_admin else ''}.")


recipes = AppGroup("recipes", help="Workshop recipes in workshops/.")


@recipes.command("check", help="Validate every recipe; name the file and line of any problem.")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False))
def recipes_check(paths):
    from pathlib import Path

    from app.recipes import RecipeError, load_recipe

    files = [Path(p) for p in paths] or sorted(Path(current_app.config["TANDEM_RECIPES_DIR"]).glob("*.toml"))
    failed = 0
    for path in files:
        try:
            recipe = load_recipe(path)
        except RecipeError as error:
            failed += 1
            click.echo(f"FAIL {error}", err=True)
        else:
            click.echo(f"ok   {path}: {recipe.name} ({len(recipe.agenda)} activities, {len(recipe.groups)} groups)")
    if failed:
        raise click.ClickException(f"{failed} recipe(s) have problems")


DEMO_EMAIL = "demo@tandem.local"
DEMO_PASSWORD = "tandem-demo-2026"
DEMO_RECIPE = "family-support"


@click.command(help="Create the demo facilitator and a demo workshop if none exist, and print how to reach them.")
@click.option("--participants", default=0, show_default=True,
              help="Simulated people who take part in the new demo workshop: they map the journey, give ideas, "
                   "vote and pledge, and the facilitator moderates a little (0: an empty workshop).")
@click.option("--seed", default=1, show_default=True, help="The same seed gives the same simulated run.")
@click.option("--base-url", envvar="TANDEM_BASE_URL", default="http://localhost:5000", show_default=True)
@with_appcontext
def demo(participants, seed, base_url):
    from app.auth.accounts import create_user
    from app.demo import simulate
    from app.models import Participant, User, Workshop
    from app.workshops.services import create_from_recipe, move_to, start

    user = db.session.scalar(select(User).where(User.email == DEMO_EMAIL))
    if user is None:
        user = create_user(DEMO_EMAIL, "Demo facilitator", DEMO_PASSWORD, "Riverside Council")
    workshop = db.session.scalar(
        select(Workshop).where(Workshop.owner_id == user.id, Workshop.status != "closed").order_by(Workshop.id)
    )
    if workshop is None:
        recipes_ = current_app.extensions["tandem_recipes"]
        recipe = recipes_.get(DEMO_RECIPE) or next(iter(recipes_.values()))
        workshop = create_from_recipe(user, recipe)
        workshop.challenge = "How might we make it easier for families to get support early, before things get hard?"
        workshop.place = "Riverside Library, community room"
        start(workshop)
    already = db.session.scalar(select(Participant.id).filter_by(workshop_id=workshop.id).limit(1)) is not None
    if participants > 0 and not already:
        with current_app.test_request_context():  # the domain functions translate their messages
            done = simulate(workshop, participants, seed=seed, user_id=user.id)
            move_to(workshop, workshop.activities[0])
            db.session.commit()
        click.echo(f"Simulated {len(done.people)} people: {done.cards} journey cards, {done.ideas} ideas, "
                   + ", ".join(f"{n} {method} votes" for method, n in done.votes.items())
                   + f", {done.pledges} pledges.")
    db.session.commit()

    base = base_url.rstrip("/")
    with current_app.test_request_context(base_url=base):
        run_url = base + url_for("workshops.run", workshop_id=workshop.id)
        projector_url = base + url_for("workshops.projector", workshop_id=workshop.id)
        join_url = base + url_for("participants.join_workshop", code=workshop.join_code)
    click.echo(
        "\n".join(
            [
                "",
                "Tandem demo",
                f"  Log in:      {base}/auth/login   e-mail {DEMO_EMAIL}   password {DEMO_PASSWORD}",
                f"  Facilitate:  {run_url}",
                f"  Projector:   {projector_url}",
                f"  Join:        {join_url}   (code {workshop.join_code_display})",
                "",
            ]
        )
    )
