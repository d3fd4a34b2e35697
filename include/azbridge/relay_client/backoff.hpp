// Reconnect delays for the listener's control channel (sans-I/O).
//
// The official clients wait 0, 1, 2, 5, 10, 30 s between attempts (index advances per failure, sticks at
// 30 s, resets once online; hybrid-connections-protocol.md §6.4). We add jitter so that many listeners
// cut off by one relay restart do not reconnect in lock-step, and, unlike .NET, we also retry when the
// very first attempt fails.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>

namespace azbridge::relay_client {

class reconnect_backoff {
 public:
  static constexpr std::array<std::chrono::seconds, 6> steps{
      std::chrono::seconds(0), std::chrono::seconds(1),  std::chrono::seconds(2),
      std::chrono::seconds(5), std::chrono::seconds(10), std::chrono::seconds(30)};

  /// Jitter added on top of a step: a uniform share of max(minimum_jitter, step * jitter_fraction).
  static constexpr std::chrono::milliseconds minimum_jitter{100};
  static constexpr double jitter_fraction = 0.2;

  /// The delay to wait before the next attempt; advances to the next step (sticking at the last).
  /// `unit_random` in [0, 1] picks the jitter (tests pass fixed values; callers pass a random draw).
  std::chrono::milliseconds next(double unit_random);

  /// Called after a successful connect: the next failure starts again at 0 s.
  void reset() noexcept { index_ = 0; }

  /// Index of the step the next call to next() uses.
  std::size_t index() const noexcept { return index_; }

 private:
  std::size_t index_ = 0;
};

}  // namespace azbridge::relay_client
