/**
 * @file universe.h
 * @brief Inside io: the allocation of a universe, shared by the directory and panel listings.
 */
#ifndef HPCAST_IO_UNIVERSE_H
#define HPCAST_IO_UNIVERSE_H

#include "hpcast/io.h"

/**
 * Zero u and allocate its arrays for n entries (zeroed), with path_bytes bytes of path_pool for
 * the paths that path[i] point into. Not collective.
 * @return 0, or -1 when memory runs out (u zeroed).
 */
int hc_universe_alloc(hc_universe *u, int n, size_t path_bytes);

#endif
