// The local UDP forwarder's routes (sans-I/O): one relayed connection per source endpoint, as azbridge's
// UdpLocalForwardBridge keeps them (azbridge-compat.md §4.4), without its bugs (a new route never blocks
// the others, the table is bounded).
//   - a datagram from a new source opens a route; later datagrams from it use the same route;
//   - traffic in either direction refreshes a route; a route idle for 4 minutes expires;
//   - while a route's relayed connection is being opened, its datagrams wait in a bounded queue;
//   - at most `max_routes` routes: datagrams from further new sources are dropped until one expires.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace azbridge::bridge {

class udp_routes {
 public:
  using clock = std::chrono::steady_clock;
  using route_id = std::uint64_t;

  static constexpr std::chrono::minutes default_idle_expiry{4};
  static constexpr std::size_t default_max_routes = 1024;
  static constexpr std::size_t max_queued_datagrams = 64;
  static constexpr std::size_t max_queued_bytes = 1024 * 1024;
  static constexpr std::size_t max_datagram = 65507;  // the largest UDP payload over IPv4

  explicit udp_routes(clock::duration idle_expiry = default_idle_expiry, std::size_t max_routes = default_max_routes)
      : idle_expiry_(idle_expiry), max_routes_(max_routes) {}

  enum class verdict {
    forward,    // the route is open: send the datagram now
    queued,     // the route is opening: the datagram waits in its queue
    opened,     // a new route: open its relayed connection (the datagram is queued)
    dropped,    // queue full, table full, or datagram too large
  };
  struct arrival {
    verdict what;
    route_id id = 0;
  };

  /// A datagram from `source` (any stable text such as "ip:port").
  arrival on_datagram(const std::string& source, std::vector<std::uint8_t> datagram, clock::time_point now);

  /// The relayed connection of a route is ready: returns its queued datagrams (oldest first).
  std::deque<std::vector<std::uint8_t>> on_open(route_id id, clock::time_point now);

  /// Traffic from the relay on a route refreshes it.
  void on_reply(route_id id, clock::time_point now);

  /// Removes a route (its connection failed or ended). Unknown ids are ignored.
  void remove(route_id id);

  /// Routes idle for the expiry time, removed from the table; the caller closes their connections.
  std::vector<route_id> expire(clock::time_point now);
  /// When the next route may expire (time_point::max() when there are none).
  clock::time_point next_expiry() const;

  std::optional<std::string> source_of(route_id id) const;
  std::size_t size() const noexcept { return routes_.size(); }

 private:
  struct route {
    std::string source;
    bool open = false;
    clock::time_point last_activity;
    std::deque<std::vector<std::uint8_t>> queue;
    std::size_t queued_bytes = 0;
  };
  clock::duration idle_expiry_;
  std::size_t max_routes_;
  route_id next_id_ = 1;
  std::map<route_id, route> routes_;
  std::map<std::string, route_id> by_source_;
};

}  // namespace azbridge::bridge
