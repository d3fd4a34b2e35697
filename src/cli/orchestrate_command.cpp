// Placeholder: `azbridge orchestrate` lands with its own work.
#include "azbridge/cli/commands.hpp"

#include <cstdio>

namespace azbridge::cli {

int run_orchestrate(const std::vector<std::string>&) {
  std::fputs("azbridge: 'orchestrate' is not implemented yet\n", stderr);
  return 2;
}

}  // namespace azbridge::cli
