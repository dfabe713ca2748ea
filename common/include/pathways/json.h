/* The one JSON string escaper: log lines, JSON bodies built by hand
 * (pw_buf_json_str), webhook templates. */
#ifndef PATHWAYS_JSON_H
#define PATHWAYS_JSON_H

#include <stddef.h>

/* The longest form of one character: "\ufffd" or "\u001f". */
#define PW_JSON_ESC_MAX 6

/* The JSON string form of the character that starts s (len > 0 bytes
 * left): a valid UTF-8 sequence is copied as is; '"' and '\' get a
 * backslash; control characters (below 0x20, and DEL) become \u00XX; a
 * byte that does not start a valid UTF-8 sequence (overlong, surrogate,
 * above U+10FFFF, truncated, stray continuation) becomes \ufffd, so the
 * output is always valid JSON and valid UTF-8. Writes up to
 * PW_JSON_ESC_MAX bytes to out (no NUL), returns their number and sets
 * *used to the input bytes it stands for (at least 1). */
size_t pw_json_escape_char(const char *s, size_t len, char out[PW_JSON_ESC_MAX], size_t *used);

/* The length of the valid UTF-8 sequence at s (1-4), or 0 when the bytes
 * there are not one. */
size_t pw_utf8_seq_len(const unsigned char *s, size_t len);

#endif
