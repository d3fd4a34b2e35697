// Remote forwarder for one RemoteForward (internal): one Hybrid Connections listener on the relay name serving
// all its bindings. Each relayed connection sends azbridge's preamble; port_dispatch picks the binding and the
// reply, then the connection goes to a TCP/Unix target (stream pump) or a UDP target; relayed HTTP requests go
// to the relay's HTTP binding.
#pragma once

#include "azbridge/bridge/port_dispatch.hpp"
#include "azbridge/relay_client/listener.hpp"
#include "http_proxy.hpp"
#include "relay_access.hpp"
#include "runtime.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace azbridge::bridge::detail {

class remote_forwarder : public std::enable_shared_from_this<remote_forwarder> {
 public:
  /// Status changes: online (first time or again), or a failure before the first time online.
  struct events {
    std::function<void()> online;
    std::function<void(const std::string& why)> failed_to_start;
  };

  /// Failure: a message for the user (duplicate port names, bad HTTP binding, no credentials...).
  static expected<std::shared_ptr<remote_forwarder>> create(runtime& rt, const config::remote_forward& forward,
                                                            events ev);

  void start();
  void stop();
  const std::string& relay() const noexcept { return forward_.relay_name; }

 private:
  remote_forwarder(runtime& rt, const config::remote_forward& forward, port_dispatch table, relay_access access,
                   std::optional<http_binding> http, events ev);

  net::awaitable<void> on_accept(net::ws_stream ws, relay_client::accept_info info);
  net::awaitable<relay_client::http_response> on_request(relay_client::http_request request);
  void on_status(const relay_client::listener_status& s);

  runtime& rt_;
  config::remote_forward forward_;
  port_dispatch table_;
  relay_access access_;
  std::optional<http_binding> http_;
  events events_;
  std::unique_ptr<relay_client::listener> listener_;
  bool was_online_ = false;
  bool stopped_ = false;
};

}  // namespace azbridge::bridge::detail
