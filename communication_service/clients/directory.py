"""Contact data over HTTP: therapist and patient addresses are never in events.

Built once in app.py / worker.py; tests inject `FakeDirectory`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import requests


class DirectoryUnavailable(RuntimeError):
    """The other service did not answer usefully (retry later)."""


class Directory(Protocol):
    """Looks up contact data; None when the person does not exist."""

    def therapist(self, therapist_id: int) -> dict[str, Any] | None: ...

    def patient(self, patient_id: int) -> dict[str, Any] | None: ...


class HttpDirectory:
    """GET /api/therapists/{id} and /api/patients/{id} with a role-`service` token."""

    def __init__(
        self,
        therapist_url: str,
        patient_url: str,
        token: Callable[[], str],
        timeout_s: float = 5.0,
        session: requests.Session | None = None,
    ) -> None:
        self._urls = {"therapist": therapist_url.rstrip("/"), "patient": patient_url.rstrip("/")}
        self._token = token
        self._timeout_s = timeout_s
        self._http = session or requests.Session()

    def therapist(self, therapist_id: int) -> dict[str, Any] | None:
        return self._get("therapist", f"/api/therapists/{therapist_id}")

    def patient(self, patient_id: int) -> dict[str, Any] | None:
        return self._get("patient", f"/api/patients/{patient_id}")

    def _get(self, kind: str, path: str) -> dict[str, Any] | None:
        headers = {"Authorization": f"Bearer {self._token()}"}
        try:
            response = self._http.get(
                self._urls[kind] + path, headers=headers, timeout=self._timeout_s
            )
        except requests.RequestException as exc:
            raise DirectoryUnavailable(f"{kind} service unreachable") from exc
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise DirectoryUnavailable(f"{kind} service answered {response.status_code}")
        return dict(response.json())


class FakeDirectory:
    """In-memory directory for tests (and the benchmark)."""

    def __init__(
        self,
        therapists: dict[int, dict[str, Any]] | None = None,
        patients: dict[int, dict[str, Any]] | None = None,
    ) -> None:
        self.therapists = therapists or {}
        self.patients = patients or {}
        self.down = False

    def therapist(self, therapist_id: int) -> dict[str, Any] | None:
        return self._find(self.therapists, therapist_id)

    def patient(self, patient_id: int) -> dict[str, Any] | None:
        return self._find(self.patients, patient_id)

    def _find(self, table: dict[int, dict[str, Any]], key: int) -> dict[str, Any] | None:
        if self.down:
            raise DirectoryUnavailable("fake directory is down")
        return table.get(key)
