/* JSON log lines under hostile text: quotes, control characters, invalid
 * UTF-8 and messages past the line limit made of multi-byte characters.
 * Every line must stay one valid JSON object (jansson refuses invalid
 * UTF-8), cut only between whole characters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "pathways/log.h"

/* Runs one log call with stdout sent to a file; returns the parsed line
 * (caller decrefs), failing the test when it is not one JSON object. */
#define CAPTURE(call)                                                                              \
    ({                                                                                             \
        FILE *f_ = tmpfile();                                                                      \
        assert_non_null(f_);                                                                       \
        fflush(stdout);                                                                            \
        int saved_ = dup(STDOUT_FILENO);                                                           \
        dup2(fileno(f_), STDOUT_FILENO);                                                           \
        call;                                                                                      \
        fflush(stdout);                                                                            \
        dup2(saved_, STDOUT_FILENO);                                                               \
        close(saved_);                                                                             \
        rewind(f_);                                                                                \
        json_error_t e_;                                                                           \
        json_t *v_ = json_loadf(f_, 0, &e_);                                                       \
        fclose(f_);                                                                                \
        if (!json_is_object(v_))                                                                   \
            fail_msg("not one JSON object: %s", e_.text);                                          \
        v_;                                                                                        \
    })

static void test_hostile_text(void **state)
{
    (void)state;
    pw_log_init("t\"est", PW_LOG_DEBUG);
    json_t *v = CAPTURE(pw_log(PW_LOG_INFO, "a\"b\\c\n\x01\x7f \xff\xc3\x28 \xed\xa0\x80 end"));
    assert_string_equal(json_string_value(json_object_get(v, "service")), "t\"est");
    const char *msg = json_string_value(json_object_get(v, "msg"));
    assert_non_null(strstr(msg, "a\"b\\c\n\x01\x7f "));
    assert_non_null(strstr(msg, "\xef\xbf\xbd"));
    assert_non_null(strstr(msg, " end"));
    json_decref(v);
    v = CAPTURE(pw_logkv(PW_LOG_WARN, "kv", "k\x01\"", "v\xc0\xaf", "nul", NULL, NULL));
    assert_string_equal(json_string_value(json_object_get(v, "k\x01\"")),
                        "v\xef\xbf\xbd\xef\xbf\xbd");
    assert_string_equal(json_string_value(json_object_get(v, "nul")), "");
    json_decref(v);
}

static void test_long_lines(void **state)
{
    (void)state;
    pw_log_init("t", PW_LOG_DEBUG);
    /* 3,000 three-byte characters: past the 2 KiB message buffer and
     * the line limit; the cut falls between characters. */
    size_t n = 3000;
    char *big = malloc(3 * n + 1);
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        memcpy(big + 3 * i, "\xe2\x82\xac", 3);
    big[3 * n] = '\0';
    json_t *v = CAPTURE(pw_log(PW_LOG_INFO, "%s", big));
    assert_true(json_string_length(json_object_get(v, "msg")) > 1000);
    json_decref(v);
    /* A long value of quotes (each escaped to two bytes) in a kv line. */
    memset(big, '"', 3 * n);
    v = CAPTURE(pw_logkv(PW_LOG_INFO, "m", "q", big, NULL));
    assert_true(json_string_length(json_object_get(v, "q")) > 1000);
    json_decref(v);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile_text),
        cmocka_unit_test(test_long_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
