/* A failed CHECK prints where and exits main with 1. */
#ifndef DL_COMPAT_CHECK_H
#define DL_COMPAT_CHECK_H
#include <stdio.h>

#define CHECK(cond)                                                         \
    do {                                                                    \
        if (!(cond)) {                                                      \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            return 1;                                                       \
        }                                                                   \
    } while (0)

#endif
