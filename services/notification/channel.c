/* The channel interface: a vtable and an implementation pointer. */
#include "channel.h"

#include <stdio.h>
#include <stdlib.h>

struct ntf_channel {
    const ntf_channel_ops_t *ops;
    void *impl;
};

ntf_channel_t *ntf_channel_wrap(const ntf_channel_ops_t *ops, void *impl)
{
    if (!impl)
        return NULL;
    ntf_channel_t *c = calloc(1, sizeof *c);
    if (!c) {
        ops->destroy(impl);
        return NULL;
    }
    c->ops = ops;
    c->impl = impl;
    return c;
}

void ntf_channel_destroy(ntf_channel_t **p)
{
    if (!p || !*p)
        return;
    (*p)->ops->destroy((*p)->impl);
    free(*p);
    *p = NULL;
}

const char *ntf_channel_name(const ntf_channel_t *c)
{
    return c->ops->name;
}

ntf_send_t ntf_channel_send(ntf_channel_t *c, const ntf_message_t *m, char *err, size_t errlen)
{
    return c->ops->send(c->impl, m, err, errlen);
}

ntf_channel_t *ntf_channel_from_config(const pw_config_t *cfg)
{
    if (cfg->smtp_url[0])
        return ntf_channel_smtp_new(cfg->smtp_url,
                                    cfg->smtp_from[0] ? cfg->smtp_from : NTF_DEFAULT_FROM);
    return ntf_channel_file_new(cfg->outbox_file[0] ? cfg->outbox_file : NTF_DEFAULT_OUTBOX_FILE);
}
