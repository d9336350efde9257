"""Konten (admin): create, disable, enable and reset accounts; the console's login audit."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from staff_console import accounts
from staff_console.models import ROLES, Account, LoginAudit
from staff_console.web import FormState, Page, admin_only, db, page_number, person

blueprint = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 25


@blueprint.get("/konten", endpoint="accounts")
@admin_only
def accounts_page(form: FormState | None = None, status: int = 200) -> Any:
    query = request.args.get("q", "").strip()
    stmt = select(Account)
    if query:
        like = f"%{query.lower()}%"
        stmt = stmt.where(
            func.lower(Account.username).like(like) | func.lower(Account.display_name).like(like)
        )
    total = db().scalar(select(func.count()).select_from(stmt.subquery())) or 0
    number = page_number()
    rows = (
        db()
        .scalars(stmt.order_by(Account.username).offset((number - 1) * PER_PAGE).limit(PER_PAGE))
        .all()
    )
    page = Page(list(rows), number, PER_PAGE, total, {"q": query})
    return render_template(
        "admin/accounts.html", page=page, q=query, form=form or FormState(), roles=ROLES
    ), status


@blueprint.post("/konten")
@admin_only
def create() -> Any:
    values = {k: request.form.get(k, "") for k in ("username", "display_name", "role")}
    password = accounts.generate_password()
    try:
        account = accounts.create_account(
            db(),
            values["username"],
            values["display_name"],
            values["role"],
            password,
            person().username,
        )
    except accounts.AccountError as exc:
        form = FormState(values, exc.errors, "Das Konto wurde nicht angelegt.")
        return accounts_page(form, 400)
    flash(
        f"Konto „{account.username}“ angelegt. Einmaliges Passwort: {password} – bitte "
        "persönlich übergeben; es muss bei der ersten Anmeldung geändert werden.",
        "password",
    )
    return redirect(url_for("admin.accounts"))


def _account(account_id: int) -> Account:
    account = db().get(Account, account_id)
    if account is None:
        abort(404)
    return account


@blueprint.post("/konten/<int:account_id>/deaktivieren")
@admin_only
def disable(account_id: int) -> Any:
    account = _account(account_id)
    if account.id == person().id:
        flash("Sie können Ihr eigenes Konto nicht deaktivieren.", "error")
    else:
        accounts.set_active(db(), account, False, person().username)
        flash(f"Konto „{account.username}“ deaktiviert.")
    return redirect(url_for("admin.accounts"))


@blueprint.post("/konten/<int:account_id>/aktivieren")
@admin_only
def enable(account_id: int) -> Any:
    account = _account(account_id)
    accounts.set_active(db(), account, True, person().username)
    flash(f"Konto „{account.username}“ aktiviert.")
    return redirect(url_for("admin.accounts"))


@blueprint.post("/konten/<int:account_id>/zuruecksetzen")
@admin_only
def reset(account_id: int) -> Any:
    account = _account(account_id)
    password = accounts.generate_password()
    accounts.reset_password(db(), account, password, person().username)
    flash(
        f"Passwort von „{account.username}“ zurückgesetzt. Einmaliges Passwort: {password}",
        "password",
    )
    return redirect(url_for("admin.accounts"))


@blueprint.get("/anmeldungen")
@admin_only
def login_audit() -> Any:
    number = page_number()
    name = request.args.get("username", "").strip()
    stmt = select(LoginAudit)
    if name:
        stmt = stmt.where(func.lower(LoginAudit.username) == name.lower())
    total = db().scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = (
        db()
        .scalars(
            stmt.order_by(LoginAudit.id.desc()).offset((number - 1) * PER_PAGE).limit(PER_PAGE)
        )
        .all()
    )
    page = Page(list(rows), number, PER_PAGE, total, {"username": name})
    return render_template("admin/login_audit.html", page=page, username=name)
