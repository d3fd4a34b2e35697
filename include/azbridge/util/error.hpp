// Errors that reach the user: one clear line on stderr and a distinct exit status.
#pragma once

#include <stdexcept>
#include <string>

namespace azbridge {

/// Process exit statuses. Unlike Microsoft's azbridge (always 0), every failure is non-zero.
enum class exit_status : int {
  ok = 0,
  failure = 1,      // runtime failure: relay unreachable, forwarder failed to start, ...
  usage = 2,        // bad command line or configuration
  interrupted = 130 // reserved; SIGINT/SIGTERM shut down cleanly with 0
};

/// Thrown at the edges (command line, configuration, start-up) for mistakes a user can fix.
/// `what()` is the whole message, printed as is.
class user_error : public std::runtime_error {
 public:
  user_error(exit_status status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  exit_status status() const noexcept { return status_; }

 private:
  exit_status status_;
};

inline user_error usage_error(const std::string& message) { return {exit_status::usage, message}; }
inline user_error runtime_failure(const std::string& message) { return {exit_status::failure, message}; }

}  // namespace azbridge
