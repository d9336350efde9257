"""Login, logout and changing one's own password."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from staff_console import accounts
from staff_console.models import Account
from staff_console.web import FormState, db, person, start_session

blueprint = Blueprint("login", __name__)


def _safe_next(target: str | None) -> str:
    """Only paths of this console (no other host, no scheme) after the login."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("today.index")


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> Any:
    form = FormState()
    if request.method == "POST":
        username = request.form.get("username", "")
        form.values = {"username": username}
        result = accounts.login(
            db(),
            current_app.extensions["console_lockout"],
            username,
            request.form.get("password", ""),
            request.remote_addr,
        )
        if result.account is not None:
            db().commit()
            start_session(result.account.id)
            return redirect(_safe_next(request.args.get("next")))
        db().commit()  # the failure count and its audit row stay
        form.message = result.message
        return render_template("login.html", form=form), 401
    return render_template("login.html", form=form)


@blueprint.post("/logout")
def logout() -> Any:
    who = person()
    accounts.audit(db(), "logout", who.username, who.username, request.remote_addr)
    session.clear()
    flash("Sie sind abgemeldet.")
    return redirect(url_for("login.login"))


@blueprint.route("/passwort", methods=["GET", "POST"])
def password() -> Any:
    form = FormState()
    if request.method == "POST":
        account = db().get(Account, person().id)
        new = request.form.get("new_password", "")
        if new != request.form.get("repeat_password", ""):
            form.errors["repeat_password"] = "Die beiden neuen Passwörter stimmen nicht überein."
        else:
            try:
                accounts.change_own_password(
                    db(), account, request.form.get("current_password", ""), new
                )
            except accounts.AccountError as exc:
                form.errors.update(exc.errors)
        if not form.errors:
            flash("Ihr Passwort ist geändert.")
            return redirect(url_for("today.index"))
        return render_template("password.html", form=form), 400
    return render_template("password.html", form=form)
