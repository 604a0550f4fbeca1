# One image for web (Gunicorn), worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 goldthread
WORKDIR /app
COPY pyproject.toml README.md ./
COPY requirements/ requirements/
COPY . .
RUN pip install --no-cache-dir -c requirements/constraints.txt . \
 && SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput
RUN mkdir -p /app/media && chown goldthread /app/media
USER goldthread
EXPOSE 8000
# Gunicorn's production settings (threaded workers, 2 per core; each overridable by its
# environment variable) are in config/gunicorn.py, which the throughput bench runs too.
CMD ["gunicorn", "--config", "config/gunicorn.py", "config.wsgi:application"]
