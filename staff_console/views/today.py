"""Heute: the day's call list and the cases needing attention."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from staff_console.web import role_required

blueprint = Blueprint("today", __name__)


@blueprint.get("/")
@role_required("staff", "admin")
def index() -> Any:
    return render_template("today.html")
