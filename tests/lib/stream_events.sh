# Writing stream events as their owners would, for tests of a consumer:
# straight into stream.event / stream.head of the e2e database. Needs
# e2e.sh (e2e_psql, PATHWAYS_SOURCE). Employer "acme", program "mapp".

# encode TYPE TEXT: hex of the protobuf text-format message TYPE.
encode() {
    printf '%s' "$2" | protoc-c --encode="pathways.v1.$1" -I "$PATHWAYS_SOURCE/proto" \
        "$PATHWAYS_SOURCE"/proto/pathways/v1/*.proto | od -An -v -tx1 | tr -d ' \n'
}
declare -A SEQ=([employee]=0 [enrollment]=0)
# put STREAM TYPE KEY EVENT_ID HEX: appends one event to partition 0.
put() {
    SEQ[$1]=$((SEQ[$1] + 1))
    e2e_psql "INSERT INTO stream.head (stream, partition, seq) VALUES ('$1', 0, ${SEQ[$1]})
        ON CONFLICT (stream, partition) DO UPDATE SET seq = EXCLUDED.seq;
        INSERT INTO stream.event (stream, partition, seq, type, key, event_id, occurred_at, payload)
        VALUES ('$1', 0, ${SEQ[$1]}, '$2', '$3', '$4', now(), decode('$5', 'hex'))" >/dev/null
}
# hire EMPLOYEE EMAIL NAME LANGUAGE: the employee's contact details.
hire() {
    put employee org.pathways.employee.hired.v1 "acme/$1" "hire-$1" "$(encode EmployeeEvent \
        "id: \"h-$1\" source: \"acme\" subject: \"$1\" type: \"org.pathways.employee.hired.v1\"
         effective_date: \"2026-01-02\" data { email: \"$2\" given_name: \"$3\" language: \"$4\" }")"
}
# change EVENT_ID EMPLOYEE FROM TO [EXTRA FIELDS]: an enrollment transition.
change() {
    put enrollment org.pathways.enrollment.changed.v1 "acme/$2" "$1" "$(encode EnrollmentChanged \
        "employer: \"acme\" employee: \"$2\" program: \"mapp\" from_state: ENROLLMENT_STATE_$3
         to_state: ENROLLMENT_STATE_$4 effective_date: \"2026-11-30\" actor: \"system\" ${5:-}")"
}
