// Runs one `azbridge orchestrate` command end to end: builds the transport (real or --dry-run), the
// credentials, the IoT Hub and ARM clients, runs the operation on an io_context with SIGINT/SIGTERM
// handling, prints the result on stdout and errors on stderr, and returns the exit status.
#pragma once

#include "azbridge/orchestrate/settings.hpp"

#include <string>

namespace azbridge::orchestrate {

struct run_options {
  std::string command;  // open, close, status, sweep
  std::string device;   // open/close: required; status: optional filter
  bool json = false;
  bool verbose = false;  // HTTP requests/answers (redacted) and the credential used, on stderr
  bool dry_run = false;  // print the requests instead of sending them
  bool quiet = false;    // no progress lines (warnings and errors still)
};

int run(const settings& s, const run_options& o);

}  // namespace azbridge::orchestrate
