"""Commands: ``gridwatch apikey …``, ``gridwatch webhook …`` and ``gridwatch open311 load-attributes``."""
import click
from flask.cli import with_appcontext

from server.open311.keys import ApiKeyError, create_key, list_keys, revoke_key
from server.open311.services import load_default_attributes
from server.tasks.queue import backend
from server.web.localtime import format_city
from server.webhooks.delivery import embedded, resume_pending
from server.webhooks.service import (WebhookError, check_webhook_url, delivery_counts, disable_webhook, list_webhooks,
                                     register_webhook)


@click.group("apikey")
def apikey_group():
    """API keys of Open311 clients."""


@apikey_group.command("create")
@click.argument("name")
@with_appcontext
def apikey_create(name: str):
    """Issue a key; it is printed once, as the last word."""
    try:
        row, plaintext = create_key(name)
    except ApiKeyError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"created API key {row.id} for {row.name!r}; store it now, it is not shown again: {plaintext}")


@apikey_group.command("list")
@with_appcontext
def apikey_list():
    """Every key: id, prefix, state, last use, name."""
    rows = list_keys()
    if not rows:
        click.echo("no API keys")
    for row in rows:
        state = "active" if row.active else f"revoked {format_city(row.revoked_at)}"  # the city's time
        used = format_city(row.last_used_at, empty="never used")
        click.echo(f"{row.id}\t{row.prefix}…\t{state}\t{used}\t{row.name}")


@apikey_group.command("revoke")
@click.argument("key")
@with_appcontext
def apikey_revoke(key: str):
    """Revoke a key, by id or name."""
    try:
        row = revoke_key(key)
    except ApiKeyError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"revoked API key {row.id} ({row.name})")


@click.group("webhook")
def webhook_group():
    """Department webhooks."""


@webhook_group.command("add")
@click.argument("department")
@click.argument("url")
@click.option("--events", default=None, help="comma-separated: case.dispatched,case.updated (default both)")
@with_appcontext
def webhook_add(department: str, url: str, events: str | None):
    """Register a department's URL; the signing secret is printed once, as the last word."""
    try:
        hook, secret = register_webhook(department, url, events.split(",") if events else None)
    except WebhookError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"webhook {hook.id} for {hook.department.code} → {hook.url}; signing secret: {secret}")


@webhook_group.command("list")
@with_appcontext
def webhook_list():
    """Webhooks with their deliveries by status."""
    rows = list_webhooks()
    counts = delivery_counts([h.id for h in rows])
    if not rows:
        click.echo("no webhooks")
    for hook in rows:
        c = counts[hook.id]
        state = "active" if hook.active else "disabled"
        click.echo(f"{hook.id}\t{hook.department.code}\t{state}\tdelivered {c['delivered']}, failing {c['failing']}, "
                   f"failed {c['failed']}, pending {c['pending']}\t{hook.url}"
                   + (f"\tlast error: {c['last_error']}" if c["last_error"] else ""))


@webhook_group.command("check")
@click.option("--disable", is_flag=True, help="disable the webhooks the network policy refuses")
@with_appcontext
def webhook_check(disable: bool):
    """Check every active webhook's URL against the network policy (after an upgrade, or a change of
    WEBHOOK_ALLOWED_CIDRS); exits with 1 when one is refused and --disable was not given."""
    refused = 0
    for hook in list_webhooks():
        if not hook.active:
            continue
        try:
            check_webhook_url(hook.url)
        except WebhookError as exc:
            refused += 1
            if disable:
                disable_webhook(hook)
            click.echo(f"{hook.id}\t{hook.department.code}\t{hook.url}\t{exc}" + ("\tdisabled" if disable else ""))
    click.echo(f"{refused} webhook(s) refused by the network policy")
    if refused and not disable:
        raise SystemExit(1)


@webhook_group.command("resume")
@click.option("--older-than", default=60, show_default=True, type=int, help="seconds a due delivery may wait")
@with_appcontext
def webhook_resume(older_than: int):
    """Queue again the deliveries a restart or an outage left behind."""
    count = resume_pending(older_than_seconds=older_than)
    if backend().name == "embedded":
        embedded().drain(timeout=600)
    click.echo(f"re-queued {count} deliver{'y' if count == 1 else 'ies'}")


@click.group("open311")
def open311_group():
    """The Open311 endpoint."""


@open311_group.command("load-attributes")
@click.option("--overwrite", is_flag=True, help="replace attributes already defined")
@with_appcontext
def open311_load_attributes(overwrite: bool):
    """Give services the shipped extra questions (gas leak, flooding, road facilities, …)."""
    click.echo(f"attributes set for {load_default_attributes(overwrite=overwrite)} service(s)")


def register(cli) -> None:
    """Attach the command groups to ``gridwatch``."""
    for group in (apikey_group, webhook_group, open311_group):
        cli.add_command(group)
