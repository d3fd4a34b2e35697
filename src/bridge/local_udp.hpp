// Local forwarder for one UDP binding (internal): one socket; each source endpoint gets its own relayed
// connection (datagram preamble), opened without blocking the other sources; 4-minute idle expiry.
#pragma once

#include "azbridge/bridge/udp_routes.hpp"
#include "relay_access.hpp"
#include "runtime.hpp"

#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace azbridge::bridge::detail {

class local_udp_forwarder : public std::enable_shared_from_this<local_udp_forwarder> {
 public:
  local_udp_forwarder(runtime& rt, const config::local_forward& forward, const config::local_forward_binding& binding,
                      relay_access access);

  expected<bool> listen();
  void start();
  void stop();
  const std::string& where() const noexcept { return where_; }

 private:
  struct route {
    udp_routes::route_id id = 0;
    net::asio::ip::udp::endpoint source;
    std::string source_text;
    ws_channel channel;
    std::deque<std::vector<std::uint8_t>> outgoing;  // datagrams waiting for the relay (bounded)
    std::unique_ptr<net::asio::steady_timer> wake;
    bool closing = false;
    std::uint64_t sent = 0, received = 0;
    std::chrono::steady_clock::time_point started;
  };

  net::awaitable<void> receive_loop();
  net::awaitable<void> expiry_loop();
  net::awaitable<void> open_route(std::shared_ptr<route> r);
  net::awaitable<void> route_writer(std::shared_ptr<route> r);
  void close_route(const std::shared_ptr<route>& r, const char* why);

  runtime& rt_;
  std::string relay_;
  std::string port_name_;
  std::string bind_text_;
  int port_;
  relay_access access_;
  std::string where_;
  std::unique_ptr<net::asio::ip::udp::socket> socket_;
  udp_routes routes_;
  std::map<udp_routes::route_id, std::shared_ptr<route>> live_;
  std::unique_ptr<net::asio::steady_timer> expiry_timer_;
  std::uint64_t registry_id_ = 0;
  bool stopped_ = false;
};

}  // namespace azbridge::bridge::detail
