/* Protobuf message -> JSON (jansson) for the dashboard's API, driven by
 * the descriptors: keys are the proto field names, every field is present
 * (proto3 defaults included, so the page never guesses), enums are their
 * value names, 64-bit counts are JSON integers. */
#ifndef PATHWAYS_REPORTING_PBJSON_H
#define PATHWAYS_REPORTING_PBJSON_H

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>

/* Returns a new JSON object for m (caller json_decref()s), NULL when out of
 * memory. */
json_t *pbjson_from_message(const ProtobufCMessage *m);

#endif
