# One image for web, worker and beat (see docker-compose.yml).
FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 NETWORK_CRM_DATA_DIR=/data
WORKDIR /app
COPY requirements.lock .
# urllib3-future from source so it does not overwrite urllib3 (see the Makefile).
RUN URLLIB3_NO_OVERRIDE=1 pip install --no-cache-dir --no-binary urllib3-future -r requirements.lock
COPY . .
RUN DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput --verbosity 0 \
    && useradd --create-home --uid 1000 crm && mkdir -p /data && chown crm /data
USER crm
EXPOSE 8000
CMD ["gunicorn", "network_crm.wsgi", "-c", "python:network_crm.gunicorn", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
