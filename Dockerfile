# visitgis: one image for the API workers, the job worker, migrations and the mock carriers.
#   docker build -t visitgis .        (contrib/deploy/compose.yaml runs the whole system)
# Debian's Python 3.11, dependencies pinned by constraints.txt, numba kernels compiled at build
# into a cache the non-root user can still write (new specialisations at run time).
FROM debian:bookworm-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VIRTUAL_ENV=/opt/visitgis/venv \
    PATH=/opt/visitgis/venv/bin:$PATH \
    NUMBA_CACHE_DIR=/var/cache/visitgis/numba

RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /srv/visitgis --create-home visitgis

WORKDIR /opt/visitgis/app
COPY pyproject.toml constraints.txt README.md ./
COPY gql gql
COPY adapters adapters
COPY geo geo
COPY tsp tsp
# installed into the venv, then the copies go: the kernels compile (and later run) from the
# installed modules, whose paths key numba's cache
RUN python3 -m venv "$VIRTUAL_ENV" \
    && pip install --no-cache-dir --quiet -c constraints.txt . \
    && rm -rf gql adapters geo tsp build *.egg-info \
    && mkdir -p "$NUMBA_CACHE_DIR" \
    && cd / && python -c "from gql.app import warm_kernels; print(f'kernels compiled in {warm_kernels():.0f} s')" \
    && chown -R visitgis:visitgis /var/cache/visitgis

# contrib/ (mock carriers, demo) beside the installed core, never imported by it
COPY contrib contrib

USER visitgis
WORKDIR /srv/visitgis
ENV PYTHONPATH=/opt/visitgis/app
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s \
    CMD python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/readyz', timeout=2)"
CMD ["visitgis", "serve", "--host", "0.0.0.0", "--port", "8000"]
