/* FNV-1a, the one non-cryptographic hash: stream partitions, shard keys,
 * content ids. Each function continues from h over n bytes, so a caller
 * can hash several pieces in a row (with a separator byte between them). */
#ifndef PATHWAYS_HASH_H
#define PATHWAYS_HASH_H

#include <stddef.h>
#include <stdint.h>

#define PW_FNV32_BASIS 2166136261u
#define PW_FNV64_BASIS 14695981039346656037ull

uint32_t pw_fnv1a32(uint32_t h, const void *p, size_t n);
uint64_t pw_fnv1a64(uint64_t h, const void *p, size_t n);
/* pw_fnv1a64 over the bytes of a NUL-terminated string (NULL is ""). */
uint64_t pw_fnv1a64_str(uint64_t h, const char *s);

#endif
