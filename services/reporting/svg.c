/* Survival chart as SVG text, written with open_memstream; see svg.h. */
#include "svg.h"

#include <stdio.h>
#include <stdlib.h>

#define W              640
#define H              360
#define LEFT           56
#define RIGHT          16
#define TOP            36
#define BOTTOM         44
#define MIN_DAYS       730 /* the x axis shows at least 24 months */
#define DAYS_PER_MONTH (365.25 / 12.0)

typedef struct {
    FILE *f;
    double max_day;
} chart_t;

static double x_of(const chart_t *c, double day)
{
    return LEFT + (W - LEFT - RIGHT) * day / c->max_day;
}

static double y_of(double retention)
{
    return TOP + (H - TOP - BOTTOM) * (1.0 - retention);
}

static void escaped(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

static void axes(const chart_t *c)
{
    fprintf(c->f, "<g class=\"axes\" stroke=\"#999\" font-size=\"11\" fill=\"#333\">\n");
    for (int pct = 0; pct <= 100; pct += 20) {
        double y = y_of(pct / 100.0);
        fprintf(c->f,
                "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" stroke=\"none\">%d%%</text>\n",
                LEFT, y, W - RIGHT, y, LEFT - 6, y + 4, pct);
    }
    int months = (int)(c->max_day / DAYS_PER_MONTH);
    for (int m = 0; m <= months; m += 6) {
        double x = x_of(c, m * DAYS_PER_MONTH);
        fprintf(c->f,
                "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
                "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" stroke=\"none\">%d</text>\n",
                x, H - BOTTOM, x, H - BOTTOM + 4, x, H - BOTTOM + 16, m);
    }
    fprintf(c->f,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" stroke=\"none\">months</text></g>\n",
            LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM, (LEFT + W - RIGHT) / 2, H - 8);
}

/* A step path through (day, value) pairs; which: 0 retention, 1 lower,
 * 2 upper. */
static void steps(const chart_t *c, const Pathways__V1__GroupRetention *g, int which,
                  const char *style)
{
    fprintf(c->f, "<path fill=\"none\" %s d=\"", style);
    for (size_t i = 0; i < g->n_points; i++) {
        const Pathways__V1__SurvivalPoint *p = g->points[i];
        double v = which == 0 ? p->retention : which == 1 ? p->lower : p->upper;
        double x = x_of(c, p->day);
        if (i == 0)
            fprintf(c->f, "M%.1f %.1f", x, y_of(v));
        else
            fprintf(c->f, " H%.1f V%.1f", x, y_of(v));
    }
    fprintf(c->f, "\"/>\n");
}

/* The 95% interval as a shaded band: along the upper steps, back along the
 * lower ones. */
static void band(const chart_t *c, const Pathways__V1__GroupRetention *g, const char *color)
{
    fprintf(c->f, "<path class=\"band\" fill=\"%s\" fill-opacity=\"0.15\" stroke=\"none\" d=\"",
            color);
    for (size_t i = 0; i < g->n_points; i++) {
        const Pathways__V1__SurvivalPoint *p = g->points[i];
        if (i == 0)
            fprintf(c->f, "M%.1f %.1f", x_of(c, p->day), y_of(p->upper));
        else
            fprintf(c->f, " H%.1f V%.1f", x_of(c, p->day), y_of(p->upper));
    }
    fprintf(c->f, " V%.1f", y_of(g->points[g->n_points - 1]->lower));
    for (size_t i = g->n_points - 1; i > 0; i--)
        fprintf(c->f, " V%.1f H%.1f", y_of(g->points[i - 1]->lower),
                x_of(c, g->points[i - 1]->day));
    fprintf(c->f, " Z\"/>\n");
}

static void group(const chart_t *c, const Pathways__V1__GroupRetention *g, const char *color,
                  const char *cls)
{
    if (!g || g->suppressed || g->n_points == 0)
        return;
    fprintf(c->f, "<g class=\"%s\">\n", cls);
    band(c, g, color);
    char style[96];
    snprintf(style, sizeof style, "stroke=\"%s\" stroke-width=\"1\" stroke-dasharray=\"3 3\"",
             color);
    steps(c, g, 1, style);
    steps(c, g, 2, style);
    snprintf(style, sizeof style, "stroke=\"%s\" stroke-width=\"2.5\"", color);
    steps(c, g, 0, style);
    fprintf(c->f, "</g>\n");
}

static double last_day(const Pathways__V1__GroupRetention *g)
{
    return g && !g->suppressed && g->n_points ? g->points[g->n_points - 1]->day : 0;
}

static void legend(const chart_t *c, const Pathways__V1__RetentionSlice *s)
{
    static const char *const labels[] = {"participants", "comparison"};
    static const char *const colors[] = {"#1f6feb", "#d9822b"};
    const Pathways__V1__GroupRetention *g[] = {s->participants, s->comparison};
    for (int i = 0; i < 2; i++) {
        int shown = g[i] && !g[i]->suppressed;
        fprintf(c->f,
                "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"4\" fill=\"%s\"/>"
                "<text x=\"%d\" y=\"%d\" font-size=\"12\">%s%s</text>\n",
                LEFT + 8 + 190 * i, TOP + 8, colors[i], LEFT + 24 + 190 * i, TOP + 13, labels[i],
                shown ? "" : " (withheld)");
    }
}

char *svg_survival(const Pathways__V1__RetentionSlice *s, const char *title, size_t *len)
{
    char *buf = NULL;
    size_t size = 0;
    chart_t c = {.f = open_memstream(&buf, &size), .max_day = MIN_DAYS};
    if (!c.f)
        return NULL;
    double d0 = last_day(s->participants), d1 = last_day(s->comparison);
    if (d0 > c.max_day || d1 > c.max_day)
        c.max_day = d0 > d1 ? d0 : d1;
    fprintf(c.f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
            "height=\"%d\" role=\"img\" font-family=\"sans-serif\">\n<title>",
            W, H, W, H);
    escaped(c.f, title);
    fprintf(c.f, "</title>\n<text x=\"%d\" y=\"20\" font-size=\"14\" font-weight=\"bold\">", LEFT);
    escaped(c.f, title);
    fprintf(c.f, "</text>\n");
    axes(&c);
    group(&c, s->comparison, "#d9822b", "comparison");
    group(&c, s->participants, "#1f6feb", "participants");
    legend(&c, s);
    fprintf(c.f, "</svg>\n");
    if (fclose(c.f) != 0) {
        free(buf);
        return NULL;
    }
    *len = size;
    return buf;
}
