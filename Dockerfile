# syntax=docker/dockerfile:1
# One image for every production process: web (gunicorn), migrate, Celery worker and beat.
FROM python:3.11-slim

# PYTHONPATH=/app: the settings find templates/, static/ and var/ relative to the cms package,
# so the processes must import the project from /app rather than from site-packages.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=cms.settings.production

WORKDIR /app

RUN groupadd --system --gid 1000 app \
    && useradd --system --uid 1000 --gid app --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin app

# Dependencies first, from pyproject.toml alone, so code changes do not reinstall them.
# (No packages are present yet, so this installs only the dependencies and an empty shell.)
COPY pyproject.toml README.md ./
RUN pip install . \
    && pip uninstall --yes connection-network-cms \
    && rm -rf build ./*.egg-info

COPY . .
RUN pip install --no-deps . \
    && rm -rf build ./*.egg-info

# Static files are baked into the image (whitenoise serves them); the dummy environment only
# satisfies the production settings' required variables and is not kept in the image.
RUN SECRET_KEY=build ALLOWED_HOSTS=build DATABASE_URL=sqlite:////tmp/build.db \
       python manage.py collectstatic --noinput \
    && rm -f /tmp/build.db \
    && mkdir -p var/media \
    && chown -R app:app var/media

USER app

EXPOSE 8000

CMD ["sh", "-c", "exec gunicorn cms.wsgi:application --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-2} --access-logfile -"]
