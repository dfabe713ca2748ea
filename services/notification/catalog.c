/* Built-in English and Spanish texts for the foundation's two triggers. */
#include "catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Variables every notification may use. */
static const char *const VARS[] = {"given_name", "program", "notification_id", NULL};

typedef struct {
    const char *trigger;
    const char *language;
    const char *subject;
    const char *body;
} text_t;

static const text_t TEXTS[] = {
    {NTF_TRIGGER_INVITATION, "en", "You are invited to the {{program}}",
     "Hello {{given_name}},\n\n"
     "Good news: you are eligible for the {{program}}, free training with your employer that\n"
     "prepares you to work as a Medical Assistant. Ask your HR contact or reply to this\n"
     "message to apply.\n\n"
     "Unsubscribe reference: {{notification_id}} (reply with STOP to opt out)\n"},
    {NTF_TRIGGER_INVITATION, "es", "Invitación al {{program}}",
     "Hola {{given_name}}:\n\n"
     "Buenas noticias: usted reúne los requisitos para el {{program}}, una formación\n"
     "gratuita con su empleador que le prepara para trabajar como Asistente Médico. Consulte a su\n"
     "contacto de Recursos Humanos o responda a este mensaje para inscribirse.\n\n"
     "Referencia para darse de baja: {{notification_id}} (responda STOP)\n"},
    {NTF_TRIGGER_EXITED, "en", "Your enrollment in the {{program}} has ended",
     "Hello {{given_name}},\n\n"
     "Your enrollment in the {{program}} has ended. If you think this is a mistake, please\n"
     "contact your HR department.\n\n"
     "Unsubscribe reference: {{notification_id}} (reply with STOP to opt out)\n"},
    {NTF_TRIGGER_EXITED, "es", "Su inscripción en el {{program}} ha terminado",
     "Hola {{given_name}}:\n\n"
     "Su inscripción en el {{program}} ha terminado. Si cree que se trata de un error,\n"
     "comuníquese con su departamento de Recursos Humanos.\n\n"
     "Referencia para darse de baja: {{notification_id}} (responda STOP)\n"},
};
#define N_TEXTS (sizeof TEXTS / sizeof TEXTS[0])

/* Display names of programs (templates add the article) and the salutation used when no name is on
 * file. */
static const struct {
    const char *language;
    const char *mapp;
    const char *nobody;
} WORDS[] = {
    {"en", "Medical Assistant Pathway Program (MAPP)", "colleague"},
    {"es", "Programa de Formación de Asistentes Médicos (MAPP)", "colega"},
};

typedef struct {
    ntf_template_t *subject;
    ntf_template_t *body;
} compiled_t;

struct ntf_catalog {
    compiled_t t[N_TEXTS];
};

void ntf_catalog_destroy(ntf_catalog_t **p)
{
    if (!p || !*p)
        return;
    for (size_t i = 0; i < N_TEXTS; i++) {
        ntf_template_destroy(&(*p)->t[i].subject);
        ntf_template_destroy(&(*p)->t[i].body);
    }
    free(*p);
    *p = NULL;
}

ntf_catalog_t *ntf_catalog_builtin(char *err, size_t errlen)
{
    ntf_catalog_t *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < N_TEXTS; i++) {
        char why[192];
        c->t[i].subject = ntf_template_new(TEXTS[i].subject, VARS, why, sizeof why);
        if (c->t[i].subject)
            c->t[i].body = ntf_template_new(TEXTS[i].body, VARS, why, sizeof why);
        if (!c->t[i].body) {
            snprintf(err, errlen, "template %s/%s: %s", TEXTS[i].trigger, TEXTS[i].language, why);
            ntf_catalog_destroy(&c);
            return NULL;
        }
    }
    return c;
}

/* "es", "es-MX", "ES_us" -> "es"; anything without a text -> "en". */
static void base_language(const char *tag, char out[8])
{
    size_t i = 0;
    for (; tag && tag[i] && tag[i] != '-' && tag[i] != '_' && i < 7; i++)
        out[i] = (char)(tag[i] | 0x20);
    out[i] = '\0';
    for (size_t k = 0; k < sizeof WORDS / sizeof WORDS[0]; k++)
        if (strcmp(WORDS[k].language, out) == 0)
            return;
    snprintf(out, 8, "%s", NTF_DEFAULT_LANGUAGE);
}

static int find_text(const char *trigger, const char *language)
{
    for (size_t i = 0; i < N_TEXTS; i++)
        if (strcmp(TEXTS[i].trigger, trigger) == 0 && strcmp(TEXTS[i].language, language) == 0)
            return (int)i;
    return -1;
}

int ntf_catalog_render(const ntf_catalog_t *c, const ntf_render_input_t *in, char **subject,
                       char **body, char *err, size_t errlen)
{
    char lang[8];
    base_language(in->language, lang);
    int i = find_text(in->trigger ? in->trigger : "", lang);
    if (i < 0)
        i = find_text(in->trigger ? in->trigger : "", NTF_DEFAULT_LANGUAGE);
    if (i < 0) {
        snprintf(err, errlen, "no template for trigger \"%s\"", in->trigger ? in->trigger : "");
        return -1;
    }
    size_t w = strcmp(lang, "es") == 0 ? 1 : 0;
    const char *program =
        in->program && strcmp(in->program, "mapp") != 0 ? in->program : WORDS[w].mapp;
    const char *name = in->given_name && *in->given_name ? in->given_name : WORDS[w].nobody;
    ntf_var_t vars[] = {
        {"given_name", name}, {"program", program}, {"notification_id", in->notification_id}};
    *subject = ntf_template_render(c->t[i].subject, vars, 3, err, errlen);
    *body = *subject ? ntf_template_render(c->t[i].body, vars, 3, err, errlen) : NULL;
    if (!*body) {
        free(*subject);
        *subject = NULL;
        return -1;
    }
    ntf_flatten_line(*subject);
    return 0;
}
