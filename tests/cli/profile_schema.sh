#!/usr/bin/env bash
# schemas/profile.schema.json accepts every shipped profile and every test
# profile, and rejects each deliberately broken file in
# tests/data/schema-invalid/. Needs Debian's python3-jsonschema; the system
# interpreter is named explicitly because a PATH python (pyenv) may lack it.
. "$SYSKNOB_SRC/tests/support/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || skip "$PY not found"
"$PY" -c 'import tomllib' 2>/dev/null || skip "$PY has no tomllib (needs Python 3.11+)"
"$PY" -c 'import jsonschema' 2>/dev/null || skip "python3-jsonschema is not installed (apt-get install python3-jsonschema)"

SCHEMA=$SRC/schemas/profile.schema.json

# validate FILE: exit 0 if valid, 1 with the reasons on stdout if not, 2 if unreadable.
validate() {
  "$PY" - "$SCHEMA" "$1" <<'PYEOF'
import json, sys, tomllib
import jsonschema
schema_path, path = sys.argv[1], sys.argv[2]
with open(schema_path, encoding="utf-8") as f:
    schema = json.load(f)
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
try:
    with open(path, "rb") as f:
        doc = tomllib.load(f)
except (OSError, tomllib.TOMLDecodeError) as e:
    print(f"{path}: cannot read: {e}")
    sys.exit(2)
# Round-trip through JSON: exactly what an editor (taplo) validates.
doc = json.loads(json.dumps(doc))
errors = sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.absolute_path))
for e in errors:
    where = "/".join(str(p) for p in e.absolute_path) or "(top level)"
    print(f"{path}: {where}: {e.message}")
sys.exit(1 if errors else 0)
PYEOF
}

# The schema itself is a valid JSON Schema.
run "$PY" -c 'import json,sys,jsonschema; s=json.load(open(sys.argv[1])); jsonschema.validators.validator_for(s).check_schema(s)' "$SCHEMA"
expect_rc 0 "profile.schema.json is a valid JSON Schema"

valid=0
for f in "$SRC"/profiles/*.toml "$SRC"/tests/data/profiles/*.toml; do
  [ -e "$f" ] || continue
  run validate "$f"
  expect_rc 0 "valid: ${f#"$SRC"/}"
  valid=$((valid + 1))
done
if [ "$valid" -ge 8 ]; then pass "checked $valid valid profiles"; else fail "only $valid valid profiles found (expected the 7 shipped ones and tests/data/profiles)"; fi

invalid=0
for f in "$SRC"/tests/data/schema-invalid/*.toml; do
  [ -e "$f" ] || continue
  run validate "$f"
  expect_rc 1 "rejected: ${f#"$SRC"/}"
  invalid=$((invalid + 1))
done
if [ "$invalid" -ge 4 ]; then pass "checked $invalid broken profiles"; else fail "only $invalid broken profiles found (expected at least 4)"; fi

# Each rejection names the offending place, not just "invalid".
run validate "$SRC/tests/data/schema-invalid/unknown-section.toml"
expect_contains "$out" "sysctls" "unknown section is named"
run validate "$SRC/tests/data/schema-invalid/inline-without-value.toml"
expect_contains "$out" "'value' is a required property" "missing value is reported"
run validate "$SRC/tests/data/schema-invalid/bad-lint-id.toml"
expect_contains "$out" "lint/ignore/0" "bad lint id is located"

done_testing
