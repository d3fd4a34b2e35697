// Subcommands beyond azbridge's own options. `azbridge relay|orchestrate|token ...` cannot clash with any
// azbridge invocation because azbridge rejects every positional argument.
#pragma once

#include <string>
#include <vector>

namespace azbridge::cli {

/// Each receives the arguments after the subcommand name and returns the process exit status.
int run_relay(const std::vector<std::string>& args);        // src/cli/relay_command.cpp
int run_orchestrate(const std::vector<std::string>& args);  // src/cli/orchestrate_command.cpp
int run_token(const std::vector<std::string>& args);        // src/cli/token_command.cpp

}  // namespace azbridge::cli
