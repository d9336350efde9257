"""Fixtures: all six services on the test database, wired over HTTP (Flask test clients) and
an in-process event bus, a fake Nominatim, an SMTP catcher and one shared fake clock."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from integration.privacy.world import Bus, FlaskTransport, MixedDirectory, fake_nominatim
from support.brokers import free_port
from support.tables import empty_domain_tables
from support.testdb import TEST_DB
from support.tokens import token_for

import communication_service.app as communication_app
import geocoding_service.app as geocoding_app
import matching_service.app as matching_app
import patient_service.app as patient_app
import scraping_service.app as scraping_app
import therapist_service.app as therapist_app
from communication_service import models as communication_models
from communication_service.config import Settings as CommunicationSettings
from communication_service.handlers import SOURCE_SERVICES as COMMUNICATION_SOURCES
from communication_service.handlers import build_handlers as communication_handlers
from geocoding_service.config import Settings as GeocodingSettings
from geocoding_service.handlers import SOURCE_SERVICES as GEOCODING_SOURCES
from geocoding_service.handlers import build_handlers as geocoding_handlers
from matching_service import models as matching_models
from matching_service.config import Settings as MatchingSettings
from matching_service.handlers import SOURCE_SERVICES as MATCHING_SOURCES
from matching_service.handlers import build_handlers as matching_handlers
from patient_service.config import Settings as PatientSettings
from patient_service.handlers import SOURCE_SERVICES as PATIENT_SOURCES
from patient_service.handlers import build_handlers as patient_handlers
from scraping_service.config import Settings as ScrapingSettings
from scripts.smtp_catcher import MailDirHandler
from shared.clock import FakeClock
from shared.config import SERVICE_PORTS
from therapist_service.config import Settings as TherapistSettings

pytestmark = pytest.mark.integration

SECRET = "privacy-tests-secret-privacy-tests-secret"
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday
HOSTS = {name: f"127.0.0.1:{port}" for name, port in SERVICE_PORTS.items()}


@pytest.fixture(scope="session", autouse=True)
def migrated_database(migrated_db: str) -> str:
    return migrated_db


def common(**overrides: Any) -> dict[str, Any]:
    """Settings every service gets: the test database, one secret, a private topic prefix."""
    return {
        "_env_file": None,
        "db_name": TEST_DB,
        "database_url": None,
        "jwt_secret": SECRET,
        "allow_clock_override": True,
        "jobs_enabled": False,
        **{f"{name}_url": f"http://{host}" for name, host in HOSTS.items()},
        **overrides,
    }


def token(role: str, subject: str = "privacy-tester") -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(SECRET, subject, role)}"}


@pytest.fixture
def mail_folder(tmp_path: Path):
    folder = tmp_path / "mail"
    folder.mkdir()
    catcher = Controller(MailDirHandler(folder), hostname="127.0.0.1", port=free_port())
    catcher.start()
    yield SimpleNamespace(folder=folder, port=catcher.port)
    catcher.stop()


@pytest.fixture
def world(mail_folder, address):
    """The six apps, their HTTP transport, the bus, the clock and the therapist directory."""
    clock, transport = FakeClock(START), FlaskTransport()
    prefix = f"t{uuid.uuid4().hex[:10]}-"
    with fake_nominatim(address) as nominatim:
        apps = _apps(clock, transport, prefix, mail_folder.port, nominatim)
        transport.apps.update({HOSTS[name]: app for name, app in apps.items()})
        _empty_domain_tables(apps)
        services = {
            name: SimpleNamespace(ctx=app.extensions["psymatch"], handlers={}, sources=[])
            for name, app in apps.items()
        }
        _subscribe(services)
        yield SimpleNamespace(
            apps=apps,
            clients={name: app.test_client() for name, app in apps.items()},
            bus=Bus(services),
            clock=clock,
            transport=transport,
            directory=apps["communication_service"].extensions["psymatch"].directory,
            mail=mail_folder.folder,
        )
    for app in apps.values():
        app.extensions["psymatch"].engine.dispose()


def _apps(clock: FakeClock, transport: FlaskTransport, prefix: str, smtp_port: int, nominatim):
    http = transport.session()
    settings = common(kafka_topic_prefix=prefix)
    patient_settings = PatientSettings(**settings)
    patient = patient_app.create_app(
        patient_settings,
        clock=clock,
        geocoder=_geocoder(patient_settings, http),
        peers=_peers(patient_settings, http),
    )
    directory = MixedDirectory(
        f"http://{HOSTS['patient_service']}",
        lambda: token_for(SECRET, "communication_service", "service"),
        http,
    )
    host, port = nominatim.split(":")
    return {
        "patient_service": patient,
        "therapist_service": therapist_app.create_app(TherapistSettings(**settings)),
        "matching_service": matching_app.create_app(MatchingSettings(**settings), clock=clock),
        "communication_service": communication_app.create_app(
            CommunicationSettings(**settings, smtp_port=smtp_port),
            clock=clock,
            directory=directory,
        ),
        "geocoding_service": geocoding_app.create_app(
            GeocodingSettings(
                **settings,
                geocoding_provider="nominatim",
                nominatim_scheme="http",
                nominatim_host=host,
                nominatim_port=int(port),
                nominatim_min_interval_s=0,
            ),
            clock=clock,
        ),
        "scraping_service": scraping_app.create_app(ScrapingSettings(**settings)),
    }


def _geocoder(settings: PatientSettings, http):
    geocoder = patient_app.build_geocoder(settings)
    geocoder._session = http  # the geocoding service's test client answers
    return geocoder


def _peers(settings: PatientSettings, http):
    peers = patient_app.build_peers(settings)
    peers._http = http
    return peers


def _subscribe(services: dict[str, SimpleNamespace]) -> None:
    wiring = {
        "patient_service": (patient_handlers, PATIENT_SOURCES),
        "matching_service": (matching_handlers, MATCHING_SOURCES),
        "communication_service": (communication_handlers, COMMUNICATION_SOURCES),
        "geocoding_service": (geocoding_handlers, GEOCODING_SOURCES),
    }
    for name, (build, sources) in wiring.items():
        services[name].handlers = build(services[name].ctx)
        services[name].sources = list(sources)


def _empty_domain_tables(apps: dict[str, Any]) -> None:
    """Matching and communication jobs see every row of their schema: start from empty."""
    for service, metadata in (
        ("matching_service", matching_models.metadata),
        ("communication_service", communication_models.metadata),
    ):
        empty_domain_tables(apps[service].extensions["psymatch"].engine, metadata)


@pytest.fixture
def address() -> dict[str, str]:
    tag = uuid.uuid4().hex[:6]
    return {
        "street": f"Quittenweg{tag}",
        "house_number": "17b",
        "postal_code": "52062",
        "city": "Aachen",
    }
