// azbridge's command line (azbridge-compat.md §1.1-1.3), parsed with CLI11 after a normalisation step that
// reproduces McMaster.Extensions.CommandLineUtils' syntax, which CLI11 does not have:
//   -L value, -L=value, -L:value, --local-forward value, --local-forward=value, --local-forward:value,
//   the 3-letter short option -svc, -? for help, no clustering (-qv is "Unrecognized option '-qv'"),
//   no glued values (-L16161:db is unrecognized), no positional arguments, single-value options at most once.
#pragma once

#include "azbridge/config/load.hpp"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace azbridge::cli {

struct option_spec {
  std::string_view short_name;  // without '-': "L", "svc", "?"; empty if none
  std::string_view long_name;   // without "--": "local-forward"
  bool takes_value = false;
  bool repeatable = false;      // values accumulate (-L, -o) or flags that may repeat (-v, -q, -g)
  bool secret = false;          // never echo the value in messages
};

/// Rewrites argv (without the program name) into canonical tokens "--long" and "--long=value", checking
/// the grammar above. A name is split from its value on the first ':' or '=' only when the part before it
/// is a known option. Throws user_error (exit status 2) with McMaster's messages: "Unrecognized option 'X'",
/// "Unrecognized command or argument 'X'", "Missing value for option 'L'", "Unexpected value 'X' for option 'v'".
std::vector<std::string> normalize_argv(const std::vector<std::string>& args, std::span<const option_spec> specs);

/// The main mode's options (azbridge's plus --version, --print-config and --log-format).
std::span<const option_spec> main_options();

struct parsed_command_line {
  config::command_line options;   // what load() combines with the configuration files
  bool help = false;              // -h, -?, --help
  bool version = false;           // --version
  bool print_config = false;      // --print-config
  bool service = false;           // --svc / -svc
  std::string log_format = "text";  // --log-format text|json
};

/// Parses the main mode's arguments (argv without the program name). Throws user_error (status 2).
parsed_command_line parse_command_line(const std::vector<std::string>& args);

/// The text printed for -h.
std::string help_text();

}  // namespace azbridge::cli
