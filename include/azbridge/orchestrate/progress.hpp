// Progress for people on stderr: one line per step with the time since the command started and the
// step's duration; on a terminal a live line (spinner, state, seconds) while something is awaited.
// Nothing here goes to stdout, which carries only the result.
#pragma once

#include "azbridge/net/asio.hpp"

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

namespace azbridge::orchestrate {

class progress {
 public:
  /// `live`: stderr is a terminal (redraw a status line); `quiet`: print only warnings.
  progress(std::FILE* out, bool live, bool quiet);

  /// Starts a step ("invoking CreateConnection on device 'dev1'").
  void begin(std::string text);
  /// Ends the current step: "[  1.2s] invoking ...: ok (0.8s)".
  void end(std::string_view outcome = "ok");
  /// Ends the current step as failed (the error itself is printed by the caller).
  void fail();
  /// While a step waits: the state read at the last poll. Live mode redraws; otherwise a line per change.
  void waiting(std::string_view state);
  /// Redraws the live line every 250 ms until cancelled (run it in parallel with the awaited work).
  net::awaitable<void> ticker();

  void note(std::string_view text);
  void warn(std::string_view text);
  /// Verbose output (HTTP traces): printed as is, after clearing the live line.
  void raw(std::string_view text);

  bool live() const noexcept { return live_; }

 private:
  double since_start() const;
  void clear_live();
  void draw_live();

  std::FILE* out_;
  bool live_;
  bool quiet_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point step_start_{};
  std::string step_;
  std::string state_;
  bool live_drawn_ = false;
  unsigned spin_ = 0;
};

}  // namespace azbridge::orchestrate
