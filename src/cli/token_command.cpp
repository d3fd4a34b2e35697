// Placeholder: `azbridge token` lands with its own work.
#include "azbridge/cli/commands.hpp"

#include <cstdio>

namespace azbridge::cli {

int run_token(const std::vector<std::string>&) {
  std::fputs("azbridge: 'token' is not implemented yet\n", stderr);
  return 2;
}

}  // namespace azbridge::cli
