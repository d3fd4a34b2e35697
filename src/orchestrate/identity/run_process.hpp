// Runs a helper program (the Azure CLI) with a deadline, capturing stdout and stderr, without blocking
// the io_context. Private to the identity code.
#pragma once

#include "azbridge/net/asio.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace azbridge::identity::detail {

struct process_result {
  int spawn_errno = 0;  // non-zero: the program could not be started (ENOENT: not installed)
  bool timed_out = false;
  int exit_code = -1;   // exit status, or 128+signal
  std::string out;
  std::string err;
};

/// argv[0] is looked up in PATH. stdin is /dev/null. Output beyond 1 MiB per stream is dropped.
net::awaitable<process_result> run_process(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);

}  // namespace azbridge::identity::detail
