// The remote forwarder's outbound side (internal): connect to a binding's target, a TCP host:port (from the
// -b/BindAddress source address when set) or a Unix socket, within the runtime's connect timeout.
#pragma once

#include "runtime.hpp"

#include <boost/asio/ip/udp.hpp>

#include <optional>
#include <string>

namespace azbridge::bridge::detail {

struct target_result {
  std::optional<stream_socket> socket;  // set on success (TCP_NODELAY for TCP)
  std::string error;                    // why not: "127.0.0.1:22: Connection refused"
};

/// "host:port" or "unix:/path", for logs.
std::string target_text(const config::remote_forward_binding& b);

net::awaitable<target_result> connect_stream_target(runtime& rt, const config::remote_forward_binding& b);

struct udp_target_result {
  std::optional<net::asio::ip::udp::socket> socket;  // connected to the target
  std::string error;
};

/// A UDP socket connected to host:port (bound to the source address when -b is set).
net::awaitable<udp_target_result> connect_udp_target(runtime& rt, const config::remote_forward_binding& b);

}  // namespace azbridge::bridge::detail
