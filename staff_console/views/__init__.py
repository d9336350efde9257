"""The console's pages, one blueprint per menu entry; `register` adds them and the menu."""

from __future__ import annotations

import importlib

from flask import Flask, g

# (module, endpoint of the menu entry, label, admin only) in menu order.
MENU = (
    ("today", "today.index", "Heute", False),
    ("patients", "patients.index", "Patient:innen", False),
    ("answers", "answers.index", "Antworten erfassen", False),
    ("therapists", "therapists.index", "Therapeut:innen", False),
    ("evidence", "evidence.index", "Nachweis §13 Abs. 3 SGB V", False),
    ("imports", "imports.index", "Importe", True),
    ("privacy", "privacy.index", "Datenschutz", True),
    ("admin", "admin.accounts", "Konten", True),
)
# Pages reached from others, not from the menu: the audit trails (from Datenschutz).
MODULES = ("login", *(module for module, *_ in MENU), "audit")


def register(app: Flask) -> None:
    for name in dict.fromkeys(MODULES):
        module = importlib.import_module(f"staff_console.views.{name}")
        app.register_blueprint(module.blueprint)

    @app.context_processor
    def menu() -> dict[str, object]:
        person = g.get("person")
        entries = [
            (endpoint, label)
            for _, endpoint, label, admin in MENU
            if endpoint in app.view_functions and (not admin or (person and person.is_admin))
        ]
        return {"menu": entries}
