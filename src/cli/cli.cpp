// Placeholder until the command-line work lands: only --version.
#include "azbridge/cli/cli.hpp"

#include <cstdio>
#include <cstring>

namespace azbridge::cli {

int run(int argc, char** argv) {
  if (argc == 2 && std::strcmp(argv[1], "--version") == 0) {
    std::printf("azbridge %s\n", AZB_VERSION);
    return 0;
  }
  std::fprintf(stderr, "azbridge: not implemented yet\n");
  return 2;
}

}  // namespace azbridge::cli
