# The newsroom app server image: gunicorn with the shipped gunicorn.conf.py, production settings.
# compose.yaml runs it as app servers, a migration step and a background worker; see
# docs/deployment.md ("Containers").
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_ENV=production \
    DJANGO_VAR_DIR=/var/lib/newsroom \
    STATIC_ROOT=/srv/newsroom/static-root \
    GUNICORN_BIND=0.0.0.0:8000

WORKDIR /srv/newsroom

# Every runtime dependency ships as a wheel (psycopg[binary], Pillow, PyNaCl, pikepdf, hiredis).
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .
# Hashed, compressed static files, built once into the image (WhiteNoise serves them). The
# secret and host here exist only for this build step.
RUN DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput -v0

RUN useradd --system --home-dir /var/lib/newsroom --create-home newsroom
USER newsroom
# The media volume takes this folder's owner when compose first creates it.
RUN mkdir -p /var/lib/newsroom/media

EXPOSE 8000
CMD ["gunicorn", "newsroom.wsgi"]
