# The one image behind web, worker, beat and migrate (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Celery refuses to be comfortable as root, and nothing here needs root at run time.
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/canting canting

WORKDIR /app

# Requirements before the code, so a code change reuses the installed layer.
COPY requirements/base.txt requirements/base.txt
RUN pip install -r requirements/base.txt

COPY . .

# Static files are baked in (WhiteNoise serves them from var/static). Production
# settings refuse to load without a secret, so collectstatic gets a throwaway one
# that exists only for this command and is never stored in the image.
# var/beat is created here so the named volume mounted on it inherits this owner.
RUN DJANGO_SETTINGS_MODULE=config.settings.production \
    DJANGO_SECRET_KEY=collectstatic-only-not-a-secret \
    python manage.py collectstatic --noinput \
 && mkdir -p var/beat \
 && chown canting:canting var var/beat

USER canting
ENV DJANGO_SETTINGS_MODULE=config.settings.production

EXPOSE 8000
# config/gunicorn.py sets workers, threads, timeouts and the logs; the control socket
# would live under $HOME and nothing here uses it, so it is off.
CMD ["gunicorn", "-c", "config/gunicorn.py", "--no-control-socket"]
