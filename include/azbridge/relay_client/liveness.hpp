// Keepalive and liveness accounting for one control channel (sans-I/O).
//
// We send an unsolicited PONG every `interval` (not a PING: the service was reported to drop control
// channels on listener pings, hybrid-connections-protocol.md §6.1) and declare the peer dead when nothing
// at all (message, ping, pong, close) arrived for `dead_after` (two intervals by default).
#pragma once

#include <chrono>

namespace azbridge::relay_client {

class liveness_monitor {
 public:
  using clock = std::chrono::steady_clock;

  /// `dead_after` of zero means 2 * interval. An interval of zero disables keepalives and the dead check.
  liveness_monitor(clock::duration interval, clock::duration dead_after, clock::time_point now);

  void on_received(clock::time_point now) noexcept { last_received_ = now; }
  void on_keepalive_sent(clock::time_point now) noexcept { last_keepalive_ = now; }

  bool keepalive_due(clock::time_point now) const noexcept;
  bool dead(clock::time_point now) const noexcept;
  /// The earliest instant at which keepalive_due() or dead() may change (time_point::max() when disabled).
  clock::time_point next_event() const noexcept;

  clock::duration interval() const noexcept { return interval_; }
  clock::duration dead_after() const noexcept { return dead_after_; }
  clock::time_point last_received() const noexcept { return last_received_; }

 private:
  clock::duration interval_;
  clock::duration dead_after_;
  clock::time_point last_received_;
  clock::time_point last_keepalive_;
};

}  // namespace azbridge::relay_client
