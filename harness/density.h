/* SPDX-License-Identifier: MIT */
/*
 * Density: how many VMs of a (loader, N) group fit in one GiB of host
 * memory, from the per-instance medians. By PSS, each VM's fair share of
 * the pages it shares (N VMs together take N x PSS): the density at that
 * N. By USS, what one more VM adds on its own: the marginal density.
 */
#ifndef LOADBENCH_DENSITY_H
#define LOADBENCH_DENSITY_H

#include "json_writer.h"
#include "summary.h"

/* 1 GiB over the metric's median (kB); -1 when it was not measured. */
double density_per_gib(const struct metric_summary *kb);

/* The group's "density" object: vms_per_gib_pss, vms_per_gib_uss (null
 * when not measured). */
void density_write(struct json_writer *j, const struct group_summary *g);

#endif
