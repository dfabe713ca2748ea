/* A walk over the raw bytes of a PublishBatch that finds strings protobuf-c
 * accepts but the contract does not: protobuf-c 1.4 neither checks UTF-8
 * nor refuses NUL bytes, and a NUL silently cuts the decoded C string short.
 * Checking the wire bytes lets one bad event be rejected on its own instead
 * of failing the whole batch. */
#ifndef ELIG_WIRE_H
#define ELIG_WIRE_H

#include <stddef.h>
#include <stdint.h>

/* Sets bad[i] to 1 for the i-th event (field events, in order) of the
 * PublishBatch in data whose string fields, at any depth, hold invalid UTF-8
 * or NUL bytes; 0 otherwise (n entries; events past n are ignored). Returns
 * 0, or -1 when the bytes are not well-formed or batch_id is bad. */
int elig_wire_check_batch(const uint8_t *data, size_t len, uint8_t *bad, size_t n)
    __attribute__((warn_unused_result));

#endif
