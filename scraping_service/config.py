"""Settings of the scraping service, read once from the environment."""

from __future__ import annotations

from pydantic import Field, SecretStr

from scraping_service.domain import Tile
from shared.config import BaseServiceSettings

DAY_S = 86400.0
# A current desktop browser; the Arztsuche refuses obvious scripts.
BROWSER_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)


class Settings(BaseServiceSettings):
    """Scraping service settings (common ones come from BaseServiceSettings)."""

    service_name: str = "scraping_service"

    disappear_after_missed_runs: int = Field(default=2, ge=1, le=100)
    raw_retention_days: float = Field(default=90.0, gt=0)
    progress_every: int = Field(default=1000, ge=1)
    queue_interval_s: float = Field(default=10.0, gt=0)
    queue_batch_runs: int = Field(default=5, ge=1, le=100)
    run_stale_after_s: float = Field(default=6 * 3600.0, gt=0)
    purge_interval_s: float = Field(default=6 * 3600.0, gt=0)

    # folder source: recorded responses (*.json, *.json.gz), each file imported once
    folder_path: str | None = None
    folder_area: str = Field(default="folder", max_length=200)
    folder_full_run: bool = False
    folder_interval_s: float = Field(default=300.0, gt=0)
    folder_max_file_bytes: int = Field(default=200_000_000, ge=1)
    import_max_upload_bytes: int = Field(
        default=64 * 1024 * 1024,
        gt=0,
        description="Largest upload to POST /api/imports (bytes; a national 116117 answer is "
        "one upload); larger: 413. Every other route keeps MAX_REQUEST_BYTES",
    )

    # live source (off by default): the unofficial endpoint of docs/formats.md
    live_enabled: bool = False
    live_stopped: bool = False  # stop switch; the admin endpoint sets one in the database too
    live_api_url: str = "https://arztsuche.116117.de/api/data"
    live_site_url: str = "https://arztsuche.116117.de/"
    live_basic_auth: SecretStr | None = None  # "user:password" as published by the site
    live_user_agent: str = BROWSER_USER_AGENT
    live_areas: str = ""  # "aachen:50.7753,6.0839,25;koeln:50.9375,6.9603,20"
    live_min_interval_s: float = Field(default=3.0, ge=0)
    live_timeout_s: float = Field(default=20.0, gt=0)
    live_attempts: int = Field(default=4, ge=1, le=10)
    live_backoff_s: float = Field(default=2.0, ge=0)
    live_min_radius_km: float = Field(default=1.0, gt=0)
    live_max_requests: int = Field(default=2000, ge=1)
    live_interval_s: float = Field(default=7 * DAY_S, gt=0)

    def live_area_tiles(self) -> list[tuple[str, Tile]]:
        """`label:lat,lon,radius_km` entries separated by `;`."""
        areas = []
        for entry in filter(None, (e.strip() for e in self.live_areas.split(";"))):
            label, _, numbers = entry.partition(":")
            lat, lon, radius = (float(n) for n in numbers.split(","))
            areas.append((label.strip(), Tile(lat, lon, radius)))
        return areas
