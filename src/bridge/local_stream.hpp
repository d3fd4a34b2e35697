// Local forwarder for one TCP or Unix-socket binding (internal): listens, and for every accepted client opens
// a relayed connection (stream preamble with the binding's port name) and pumps bytes both ways.
#pragma once

#include "relay_access.hpp"
#include "runtime.hpp"

#include <boost/asio/basic_socket_acceptor.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/ip/address.hpp>

#include <memory>
#include <string>

namespace azbridge::bridge::detail {

using generic_acceptor = net::asio::basic_socket_acceptor<net::asio::generic::stream_protocol>;

/// azbridge's bind address values: "localhost" is 127.0.0.1 (azbridge picks 127.0.0.1 or ::1 at random),
/// "any"/"0.0.0.0" and "anyv6"/"::" are the wildcards, "[::1]" may be bracketed, names resolve to their
/// first address. Failure: a message naming the value.
expected<net::asio::ip::address> resolve_bind_address(const std::string& text);

class local_stream_forwarder : public std::enable_shared_from_this<local_stream_forwarder> {
 public:
  local_stream_forwarder(runtime& rt, const config::local_forward& forward, const config::local_forward_binding& binding,
                         relay_access access);
  ~local_stream_forwarder();

  /// Binds and listens. Failure: a message for the user (address in use, bad path, stale socket in use...).
  expected<bool> listen();
  /// Starts accepting (after listen()).
  void start();
  /// Stops accepting and removes a Unix socket file we created. Live connections are stopped by the registry.
  void stop();

  /// "127.0.0.1:5000" or "unix:/path", for logs.
  const std::string& where() const noexcept { return where_; }

 private:
  net::awaitable<void> accept_loop();
  net::awaitable<void> serve(net::asio::generic::stream_protocol::socket client, std::string peer);
  expected<bool> listen_unix(const std::string& path);

  runtime& rt_;
  std::string relay_;
  std::string port_name_;
  std::string binding_text_;
  relay_access access_;
  bool unix_;
  std::string unix_path_;  // set once we created the socket file
  net::asio::ip::address address_;
  int port_ = 0;
  std::string where_;
  std::unique_ptr<generic_acceptor> acceptor_;
  bool stopped_ = false;
};

}  // namespace azbridge::bridge::detail
