# The production image used by docker-compose.yml: Debian + Python 3.11, locked dependencies via uv.
FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends \
      fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN UV_PROJECT_ENVIRONMENT=/usr/local uv sync --frozen --no-dev --no-install-project
COPY . .
RUN useradd --system --home /app kawasaki && mkdir -p /var/lib/kawasaki && chown kawasaki /var/lib/kawasaki
USER kawasaki
EXPOSE 8000
