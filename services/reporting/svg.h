/* SVG charts of survival curves, drawn from a RetentionSlice (the same
 * figures every other output shows): participants and comparison as step
 * lines with their 95% bands, months on the x axis, retention 0-100% on the
 * y axis. Withheld groups are not drawn; the chart says so. */
#ifndef PATHWAYS_REPORTING_SVG_H
#define PATHWAYS_REPORTING_SVG_H

#include <stddef.h>

#include "pathways/v1/report.pb-c.h"

/* Returns a malloc'd SVG document (caller frees) and its length, or NULL
 * when out of memory. title is escaped. */
char *svg_survival(const Pathways__V1__RetentionSlice *s, const char *title, size_t *len);

#endif
