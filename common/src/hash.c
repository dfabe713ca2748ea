/* FNV-1a (hash.h). */
#include "pathways/hash.h"

#include <string.h>

#define FNV32_PRIME 16777619u
#define FNV64_PRIME 1099511628211ull

uint32_t pw_fnv1a32(uint32_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * FNV32_PRIME;
    return h;
}

uint64_t pw_fnv1a64(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * FNV64_PRIME;
    return h;
}

uint64_t pw_fnv1a64_str(uint64_t h, const char *s)
{
    return s ? pw_fnv1a64(h, s, strlen(s)) : h;
}
