// What every subcommand does with its arguments once its CLI11 app is built (internal to the cli).
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace azbridge::cli {

/// Parses `args` (the words after the subcommand's name) into `app`, with `program` ("azbridge relay") as
/// argv[0]. False when help was asked for: it is printed on stdout and the caller exits 0. A parse error
/// becomes a usage_error (exit status 2) whose message starts with `error_prefix`.
bool parse_subcommand(CLI::App& app, const std::string& program, std::vector<std::string> args,
                      std::string_view error_prefix = {});

}  // namespace azbridge::cli
