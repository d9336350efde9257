# One image for all six services and their workers; docker-compose.yml picks the
# process with `command:` (gunicorn --config gunicorn.conf.py '<name>.app:create_app()',
# python -m <name>.worker, python scripts/stack.py migrate). No secret is baked in:
# everything comes from the environment at run time.

# --- build stage: the locked runtime deps, then the project, into a venv ---
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
# The dependency layer first: it changes only with the lock file, so a code change reuses it.
# Every package at the version and hash of requirements.lock (runtime only, no test tools).
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock

# Copy only what `pip install .` needs (explicit paths, so a local .env, .venv or .data
# never enters the build, with or without a .dockerignore).
COPY pyproject.toml ./
COPY shared ./shared
COPY patient_service ./patient_service
COPY therapist_service ./therapist_service
COPY matching_service ./matching_service
COPY communication_service ./communication_service
COPY geocoding_service ./geocoding_service
COPY scraping_service ./scraping_service

# Non-editable install: the packages land in site-packages, so /src is not needed at run time.
# The find_spec check fails the build early if a package or the web server did not install.
RUN pip install --no-deps . \
 && python -c "import importlib.util as u, sys; \
mods = ('shared', 'patient_service', 'therapist_service', 'matching_service', \
'communication_service', 'geocoding_service', 'scraping_service', 'gunicorn', 'alembic'); \
missing = [m for m in mods if u.find_spec(m) is None]; \
sys.exit('not installed: %s' % missing if missing else 0)"

# --- runtime stage ---
FROM python:3.11-slim

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    ENVIRONMENT=production

# Unprivileged user with a fixed uid/gid (works with runAsNonRoot / user namespaces).
RUN groupadd --system --gid 10001 psymatch \
 && useradd --system --uid 10001 --gid psymatch --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin psymatch

WORKDIR /app
COPY --from=build /opt/venv /opt/venv
# Owned by root and read-only for the service user: the code cannot be changed at run time.
COPY alembic.ini ./alembic.ini
COPY gunicorn.conf.py ./gunicorn.conf.py
COPY migrations ./migrations
COPY scripts ./scripts

USER 10001:10001

EXPOSE 8001 8002 8003 8004 8005 8006

# No default service: compose (or the operator) always names the process to run.
CMD ["python", "-c", "print(\"psymatch image: run gunicorn '<name>.app:create_app()', python -m <name>.worker or python scripts/stack.py migrate\")"]
