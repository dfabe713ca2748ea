#!/usr/bin/env bash
# The equity view (issue 16, part 6) through the four real services: 88
# employees of acme, hired 2022-10-04 with voluntary self-identification in
# their partner events (some declined, some never asked), become eligible
# and invited on 2023-01-02 (clock file); on 2026-11-30 two past cohorts
# are imported. Checks:
#   (a) `pathwaysctl report equity` (and /api/equity) equals an independent
#       computation from the population below (equity_check.py);
#   (b) the small groups (3 asian, 2 protected veterans) are withheld with
#       their whole field, and nothing derivable from totals, filters or the
#       funnel gives a group of 1 to 10; an administrator's exact figures
#       are marked not for release (equity_check.py);
#   (c) a program file that reads a self-ID field is refused with FILE:LINE;
#   (d) self-ID never reaches a stream, the eligibility facts, any other
#       table, or `eligibility explain`; PostgreSQL refuses it to every role
#       but reporting (read) and eligibility (insert only); an unknown word
#       is rejected per event through the partner tool, nothing stored.
set -euo pipefail
source "$(dirname "$0")/../lib/e2e.sh"

e2e_init equity
bin=$PATHWAYS_BIN
src=${PATHWAYS_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
clock="$E2E_WORK/clock"
echo 2023-01-02 >"$clock"
export PATHWAYS_CLOCK_FILE="$clock"
e2e_start_all
e2e_ctl employer add acme --name "Acme Health" >/dev/null || e2e_fail "employer add"

# --- the population: kind (A invited only, B cohort c2023 placed, C cohort
# c2024 completed) and the self-identification of each block ---------------
# race gender age language veteran disability ("-" = never asked)
cat >"$E2E_WORK/population.tsv" <<'POP'
A	3	asian	female	25_34	en	not_veteran	no_disability
A	8	white	female	25_34	en	not_veteran	no_disability
A	11	white	female	25_34	es	not_veteran	no_disability
A	11	white	male	25_34	en	not_veteran	no_disability
A	11	declined	declined	declined	declined	declined	declined
A	11	-
B	11	black_or_african_american	female	25_34	en	not_veteran	no_disability
B	2	black_or_african_american	male	25_34	en	protected_veteran	no_disability
B	9	black_or_african_american	male	25_34	en	not_veteran	no_disability
C	11	hispanic_or_latino	female	25_34	en	not_veteran	no_disability
POP
hired='"job_family":"food_service","job_title":"Cook","status":"active","employment_type":"full_time","scheduled_hours":40.0,"standing":"good","hire_date":"2022-10-04","language":"en"'
n=0
: >"$E2E_WORK/people.tsv"
while IFS=$'\t' read -r kind count race gender age lang vet dis; do
    for _ in $(seq "$count"); do
        n=$((n + 1))
        id=$(printf 'e%03d' "$n")
        self=""
        if [ "$race" != "-" ]; then
            self=$(printf ',"self_id":{"race_ethnicity":"%s","gender":"%s","age_band":"%s","preferred_language":"%s","veteran_status":"%s","disability_status":"%s"}' \
                "$race" "$gender" "$age" "$lang" "$vet" "$dis")
        fi
        printf '{"specversion":"1.0","id":"ev-%s","source":"acme","type":"org.pathways.employee.hired.v1","time":"2023-01-02T09:00:00Z","subject":"%s","effective_date":"2022-10-04","data":{%s,"given_name":"Ana","family_name":"Diaz%s","email":"%s@example.org"}%s}\n' \
            "$id" "$id" "$hired" "$n" "$id" "$self" >>"$E2E_WORK/hired.jsonl"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$kind" "$race" "$gender" "$age" "$lang" "$vet" "$dis" \
            >>"$E2E_WORK/people.tsv"
    done
done <"$E2E_WORK/population.tsv"
out=$("$bin/pathways-publish" --file "$E2E_WORK/hired.jsonl") || e2e_fail "publish: $out"
e2e_assert_eq "publish" "accepted=$n duplicate=0 rejected=0 unreadable=0 unacknowledged=0" "$(echo "$out" | tail -1)"
e2e_ctl wait-idle --timeout 120 >/dev/null || e2e_fail "not idle after the hires"
e2e_assert_eq "self-ID rows stored apart" 77 "$(e2e_psql "SELECT count(*) FROM selfid.answer")"
e2e_assert_eq "all invited on 2023-01-02" "$n" \
    "$(e2e_psql "SELECT count(*) FROM enrollment.enrollment WHERE state = 'invited'")"

# --- an unknown word: rejected per event, nothing of it stored ------------------
printf '{"specversion":"1.0","id":"ev-bad","source":"acme","type":"org.pathways.employee.job_changed.v1","time":"2023-01-02T10:00:00Z","subject":"e001","effective_date":"2023-01-02","self_id":{"gender":"robot"}}\n' \
    >"$E2E_WORK/bad.jsonl"
set +e
bad=$("$bin/pathways-publish" --file "$E2E_WORK/bad.jsonl" 2>&1)
set -e
echo "$bad" | grep -q 'unknown_self_id_value' || e2e_fail "no unknown_self_id_value in: $bad"
echo "$bad" | grep -q 'robot' && e2e_fail "the rejection echoed the answer: $bad"
e2e_assert_eq "rejected" "accepted=0 duplicate=0 rejected=1 unreadable=0 unacknowledged=0" "$(echo "$bad" | tail -1)"
e2e_assert_eq "nothing of the rejected event stored" "0 77" \
    "$(e2e_psql "SELECT (SELECT count(*) FROM eligibility.partner_event WHERE event_id = 'ev-bad') || ' ' ||
                        (SELECT count(*) FROM selfid.answer)")"

# --- past cohorts, imported -------------------------------------------------------
echo 2026-11-30 >"$clock"
e2e_past_cohort c2023 2023-03-01 2023-12-15 acme 100
e2e_past_cohort c2024 2024-03-01 2024-12-13 acme 100
csv="$E2E_WORK/history.csv"
echo "employer,employee,cohort,applied,admitted,started,completed,certified,placed,withdrawn,exited,reason_code,reason,credential,new_role,eligibility_exception" >"$csv"
while IFS=$'\t' read -r id kind _; do
    case $kind in
    B) echo "acme,$id,c2023,2023-02-01,2023-02-15,2023-03-01,2023-12-01,2024-01-15,2024-02-01,,,,,CCMA,Medical Assistant," ;;
    C) echo "acme,$id,c2024,2024-02-01,2024-02-15,2024-03-01,2024-12-13,,,,,,,,," ;;
    esac
done <"$E2E_WORK/people.tsv" >>"$csv"
e2e_ctl import enrollments "$csv" >/dev/null || e2e_fail "import"
e2e_ctl wait-idle --timeout 120 >/dev/null || e2e_fail "not idle after the import"
e2e_assert_eq "reporting saw the history" "22 11" \
    "$(e2e_psql "SELECT count(*) FILTER (WHERE state = 'placed') || ' ' || count(*) FILTER (WHERE state = 'completed') FROM reporting.enrollment")"

# --- (a) and (b): the report against the population, and the attacker ------------
export E2E_KEYS
python3 "$(dirname "$0")/equity_check.py" "$E2E_WORK/people.tsv" \
    "http://127.0.0.1:$(e2e_port reporting 2)" || e2e_fail "equity report check"

# --- (c) a rule file that reads a self-ID field is refused -------------------------
version_before=$(e2e_psql "SELECT count(*) FROM eligibility.program_version")
sed 's/^  - name: standing$/  - name: by_gender\n    gender: {in: [female]}\n  - name: standing/' \
    "$src/deploy/programs/mapp.yaml" >"$E2E_WORK/gendered.yaml"
line=$(grep -n '^    gender:' "$E2E_WORK/gendered.yaml" | cut -d: -f1)
[ -n "$line" ] || e2e_fail "the gendered program file was not made (mapp.yaml changed shape?)"
if out=$(e2e_ctl program load "$E2E_WORK/gendered.yaml" 2>&1); then
    e2e_fail "a program reading gender was loaded: $out"
fi
echo "$out" | grep -q "gendered.yaml:$line: 'gender' is voluntary self-identification" ||
    e2e_fail "refusal without FILE:LINE: $out"
e2e_assert_eq "no program version stored" "$version_before" \
    "$(e2e_psql "SELECT count(*) FROM eligibility.program_version")"
echo "ok: $out"

# --- (d) nowhere else ----------------------------------------------------------------
for s in employee eligibility enrollment; do
    "$bin/pathways-stream-audit" "$PATHWAYS_DATABASE_URL" "$src/tests/security/stream_fields.tsv" "$s" \
        || e2e_fail "stream $s carries a field no consumer reads"
done
words="asian hispanic_or_latino black_or_african_american protected_veteran not_veteran no_disability 25_34"
for w in $words; do
    e2e_assert_eq "stream payloads holding '$w'" 0 \
        "$(e2e_psql "SELECT count(*) FROM stream.event WHERE position(convert_to('$w', 'UTF8') IN payload) > 0")"
done
# Every row of every table outside selfid, as text.
hits=$(e2e_psql "
DO \$\$
DECLARE t record; n bigint; found text := '';
BEGIN
  FOR t IN SELECT table_schema, table_name FROM information_schema.tables
           WHERE table_type = 'BASE TABLE'
             AND table_schema NOT IN ('selfid', 'pg_catalog', 'information_schema') LOOP
    EXECUTE format('SELECT count(*) FROM %I.%I x WHERE x::text ~ %L', t.table_schema,
                   t.table_name, '(asian|hispanic_or_latino|black_or_african_american|protected_veteran|not_veteran|no_disability|25_34)')
      INTO n;
    IF n > 0 THEN found := found || t.table_schema || '.' || t.table_name || ' '; END IF;
  END LOOP;
  RAISE NOTICE 'found:%', found;
END \$\$;" 2>&1 | sed -n 's/.*found://p')
e2e_assert_eq "tables outside selfid holding self-ID words" "" "$hits"
explain=$(e2e_ctl eligibility explain acme e030)
for w in $words white female male; do
    if echo "$explain" | grep -qw "$w"; then e2e_fail "explain shows '$w': $explain"; fi
done
e2e_assert_eq "the answer is on file (positive control)" "white/male" \
    "$(e2e_psql "SELECT race_ethnicity || '/' || gender FROM selfid.answer WHERE employee = 'e030'")"
# PostgreSQL rights: only reporting reads, only eligibility writes.
as_role() {
    e2e_psql "SET ROLE $1; $2" 2>&1 || true
}
for r in pathways_eligibility pathways_enrollment pathways_notification; do
    as_role "$r" "SELECT count(*) FROM selfid.answer" | grep -q 'permission denied' ||
        e2e_fail "$r may read selfid.answer"
done
e2e_assert_eq "reporting reads" 77 "$(as_role pathways_reporting "SELECT count(*) FROM selfid.answer" | tail -1)"
as_role pathways_reporting "DELETE FROM selfid.answer" | grep -q 'permission denied' ||
    e2e_fail "reporting may delete self-ID"
as_role pathways_eligibility "BEGIN; INSERT INTO selfid.answer (employer, event_id, employee,
    effective_date) VALUES ('acme', 'probe', 'e001', '2023-01-02'); ROLLBACK" | grep -q 'permission denied' &&
    e2e_fail "eligibility may not insert"
echo "ok: self-ID only in selfid.answer, readable by reporting alone"
