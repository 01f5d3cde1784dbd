#!/usr/bin/env bash
# Dev helper: parse the bundled sample and score it against the gold in ../shared (not used by tests).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/qigong-seed.yaml}
.venv/bin/python - "$out" <<'PY'
import sys, yaml
from qigong_parse.pipeline import parse_path
doc = parse_path("data/raw/shaodong-2025-qidagongjian.txt")
open(sys.argv[1], "w", encoding="utf-8").write(
    yaml.safe_dump(doc.model_dump(mode="json"), allow_unicode=True, sort_keys=False, width=10**9))
PY
.venv/bin/python ../shared/tools/score.py --gold ../shared/gold/seed "$out"
