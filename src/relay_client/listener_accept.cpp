// accept commands: open the rendezvous WebSocket and hand it to the application, or reject the sender.
#include "listener_impl.hpp"

#include "azbridge/relay_client/rendezvous.hpp"
#include "azbridge/util/log.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <exception>

namespace azbridge::relay_client {

namespace asio = net::asio;

namespace {

net::awaitable<void> reject(std::shared_ptr<listener::impl> self, std::string address, rejection r) {
  auto url = net::ws_url::parse(make_reject_url(address, r.status_code, r.description));
  if (!url) {
    log::warn("RelayRejectFailed", "listener for '{}': invalid rendezvous address", self->options.entity_path);
    co_return;
  }
  net::ws_connect_options o;
  o.timeout = self->options.rendezvous_timeout;
  o.verify_tls = self->options.verify_tls;
  auto result = co_await net::ws_connect(self->options.tls, *url, std::move(o));
  if (result.ec == net::websocket::error::upgrade_declined && result.response.result_int() == 410) {
    log::info("RelayConnectionRejected", "listener for '{}' rejected a sender with {} {}",
              self->options.entity_path, r.status_code, r.description);
  } else if (result.stream) {
    // The relay took the rejection address as an accept: do not leave the sender hanging on it.
    co_await result.stream->close({net::websocket::close_code::policy_error, r.description});
    log::warn("RelayRejectFailed", "listener for '{}': the relay accepted a rejection address",
              self->options.entity_path);
  } else {
    log::warn("RelayRejectFailed", "listener for '{}': rejecting a sender failed: {}", self->options.entity_path,
              result.describe());
  }
}

net::awaitable<void> accept(std::shared_ptr<listener::impl> self, protocol::accept_command cmd) {
  accept_info info;
  info.id = cmd.id;
  info.address = cmd.address;
  info.connect_headers = std::move(cmd.connect_headers);
  info.remote = cmd.remote;
  if (auto chosen = choose_subprotocol(info.connect_headers)) info.subprotocol = *chosen;

  std::optional<rejection> refused;
  if (!self->handlers.on_accept) {
    refused = rejection{501, "This listener does not accept WebSocket connections"};
  } else if (self->handlers.decide) {
    try {
      refused = self->handlers.decide(info);
    } catch (const std::exception& e) {
      log::error("RelayAcceptHandlerFailed", "listener for '{}': accept decision failed: {}",
                 self->options.entity_path, e.what());
      refused = rejection{502, "The listener's accept handler failed"};
    }
  }
  if (refused) {
    co_await reject(self, std::move(cmd.address), *refused);
    co_return;
  }

  auto url = net::ws_url::parse(info.address);
  if (!url) {
    log::warn("RelayAcceptFailed", "listener for '{}': invalid rendezvous address in accept (id {})",
              self->options.entity_path, info.id);
    co_return;
  }
  net::ws_connect_options o;
  o.timeout = self->options.rendezvous_timeout;
  o.verify_tls = self->options.verify_tls;
  if (!info.subprotocol.empty()) o.headers.set(net::http::field::sec_websocket_protocol, info.subprotocol);
  auto result = co_await net::ws_connect(self->options.tls, *url, std::move(o));
  if (result.ec) {
    log::warn("RelayAcceptFailed", "listener for '{}': rendezvous for sender {} failed: {}",
              self->options.entity_path, info.id, result.describe());
    co_return;
  }
  log::debug("RelayConnectionAccepted", "listener for '{}' accepted sender {}", self->options.entity_path, info.id);
  try {
    co_await self->handlers.on_accept(std::move(*result.stream), std::move(info));
  } catch (const std::exception& e) {
    log::error("RelayAcceptHandlerFailed", "listener for '{}': connection handler failed: {}",
               self->options.entity_path, e.what());
  }
}

}  // namespace

void listener::impl::on_accept_command(protocol::accept_command cmd) {
  // Each relayed connection runs on its own strand: it may outlive the control channel and the listener.
  asio::co_spawn(asio::make_strand(base), accept(shared_from_this(), std::move(cmd)), asio::detached);
}

}  // namespace azbridge::relay_client
