# syntax=docker/dockerfile:1
# The portal behind gunicorn, production settings. Build: docker build -t smartbangkom .
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=smartbangkom.settings_production

# python-magic needs the system libmagic; the GUI OpenCV that mediapipe requires
# (opencv-contrib-python) needs libGL and GLib; WeasyPrint needs Pango.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libmagic1 libgl1 libglib2.0-0 \
      libpango-1.0-0 libpangoft2-1.0-0 \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --system --create-home --home-dir /home/app --uid 10001 --user-group app
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# collectstatic needs a key of the right shape, never the real one (which is
# given at run time only). The hashed, compressed files end up in the image.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    ALLOWED_HOSTS=build.invalid SITE_URL=https://build.invalid \
    python manage.py collectstatic --noinput \
 && mkdir -p /app/var/media \
 && chown -R app:app /app/var/media

USER app
EXPOSE 8000
# gunicorn.conf.py in /app holds the settings (workers from WEB_CONCURRENCY).
CMD ["gunicorn", "smartbangkom.wsgi:application"]
