#!/usr/bin/env bash
# The README's test command: install what the tests need when it is missing, then run every test.
# CI runs exactly this (.ci/run). Safe to re-run: present tools are not installed again.
set -euo pipefail
cd "$(dirname "$0")/.."

# apt-get needs root; a developer's machine usually has sudo instead.
as_root=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || { echo "scripts/test.sh: run as root or install sudo (apt-get is needed)" >&2; exit 1; }
  as_root=(sudo)
fi

# gnucobol3: the COBOL compiler our record tests use as an oracle.
# libc-bin + libc6: glibc's iconv and its EBCDIC gconv tables, the reference for code pages.
# socat: puts a COBOL program on a TCP port (one process per connection) for the gateway tests.
# chromium + chromium-driver: the /docs page is tested in a real headless browser.
# python3-pip: installs the PyPI tools below where the image has no pip.
# openjdk-17-jre-headless: Java for PySpark (python/tests/test_spark.py runs Spark in local mode).
need=()
command -v cobc >/dev/null 2>&1 || need+=(gnucobol3)
command -v socat >/dev/null 2>&1 || need+=(socat)
# tests/http2.rs, replicas.rs and init.rs drive the gateway with curl (Debian's has HTTP/2).
command -v curl >/dev/null 2>&1 || need+=(curl)
# redis-server: the shared rate-limit store, started by tests/shared_limits.rs on a free port.
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
# nginx: the load balancer in front of three gateway replicas in tests/replicas.rs.
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || need+=(nginx)
command -v iconv >/dev/null 2>&1 || need+=(libc-bin)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
python3 -m pip --version >/dev/null 2>&1 || need+=(python3-pip)
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)
if ((${#need[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  # Slim images drop man pages, and the JRE's postinst fails without this directory.
  "${as_root[@]}" mkdir -p /usr/share/man/man1
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" apt-get install -y -qq "${need[@]}" >/tmp/ferrule-apt.log 2>&1 || { cat /tmp/ferrule-apt.log; exit 1; }
fi

# PyPI: schemathesis fuzzes the demo's API against its /openapi.json; openapi-spec-validator
# checks that document is valid OpenAPI 3.1.
py=()
command -v schemathesis >/dev/null 2>&1 || py+=(schemathesis)
python3 -c 'import openapi_spec_validator' >/dev/null 2>&1 || py+=(openapi-spec-validator)
# pyarrow and duckdb read `decode --to parquet|arrow|csv` back independently (tests/columnar.rs).
python3 -c 'import pyarrow' >/dev/null 2>&1 || py+=(pyarrow)
python3 -c 'import duckdb' >/dev/null 2>&1 || py+=(duckdb)
# pytest runs the Python package's tests (python/tests); pyspark runs ferrule.spark's.
python3 -c 'import pytest' >/dev/null 2>&1 || py+=(pytest)
# kubernetes-validate: checks deploy/kubernetes/*.yaml against the Kubernetes schemas it ships.
command -v kubernetes-validate >/dev/null 2>&1 || py+=(kubernetes-validate)
python3 -c 'import pyspark' >/dev/null 2>&1 || py+=(pyspark)
# PySpark's mapInArrow insists on pandas being installed (2.x: PySpark 4 warns on 3.x),
# though it does not use it.
python3 -c 'import sys, pandas; sys.exit(0 if pandas.__version__.startswith("2.") else 1)' >/dev/null 2>&1 || py+=("pandas>=2.2,<3")
pip_flags=(-q --disable-pip-version-check)
# Debian's own python marks its site-packages as externally managed (PEP 668).
if python3 -c 'import sys,sysconfig,os; sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_path("stdlib"),"EXTERNALLY-MANAGED")) else 1)'; then
  pip_flags+=(--break-system-packages)
fi
if [[ $(id -u) -eq 0 ]]; then pip_flags+=(--root-user-action=ignore); else pip_flags+=(--user); fi
if ((${#py[@]})); then
  python3 -m pip install "${pip_flags[@]}" "${py[@]}"
  # pyenv puts new commands on PATH only after a rehash; pip --user installs to ~/.local/bin.
  if command -v pyenv >/dev/null 2>&1; then pyenv rehash; fi
  export PATH="$HOME/.local/bin:$PATH"
fi

# Every test binary runs even when one fails, so one missing tool does not hide the rest;
# the Python tests run after them either way, and any failure fails the script.
status=0
cargo test --workspace --no-fail-fast || status=$?

# The Python package: pip builds the wheel (maturin, release) from python/ and installs it;
# its tests compare it with the `ferrule` binary cargo test has just built.
python3 -m pip install "${pip_flags[@]}" --force-reinstall --no-deps ./python || status=$?
FERRULE_BIN="$PWD/target/debug/ferrule" python3 -m pytest -q python/tests || status=$?
exit "$status"
