// A property check that libFuzzer reports as a crash (assert() vanishes in release builds).
#pragma once

#include <cstdio>
#include <cstdlib>

#define AZB_FUZZ_CHECK(cond)                                                          \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      std::fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                   \
    }                                                                                 \
  } while (0)
