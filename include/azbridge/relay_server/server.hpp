// `azbridge relay`: the service side of Azure Relay Hybrid Connections on one port (TLS or, for tests, plain).
// Single io_context, single thread: every connection is one coroutine (two for a relayed pair, plus a writer
// for each control channel) on the same executor, so no locks are needed.
#pragma once

#include "azbridge/relay_server/options.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <memory>

namespace azbridge::relay_server {

struct relay_context;

class relay_server {
 public:
  /// Loads the TLS certificate (throws azbridge::user_error on unusable files).
  relay_server(boost::asio::io_context& ioc, relay_options options);
  ~relay_server();
  relay_server(const relay_server&) = delete;
  relay_server& operator=(const relay_server&) = delete;

  /// Binds and starts accepting; returns the bound endpoint (port 0 picks one). Throws user_error on failure.
  boost::asio::ip::tcp::endpoint start();

  /// Graceful stop: no new connections, control channels and relayed connections closed with 1001, pending
  /// handshakes and HTTP connections cut. io_context::run returns once everything has ended; after
  /// timeouts.shutdown whatever is left is cut hard.
  void stop();

 private:
  std::shared_ptr<relay_context> ctx_;
};

/// Runs a relay until SIGINT/SIGTERM; logs "RelayListening" once bound. Returns the process exit status.
int run(relay_options options);

}  // namespace azbridge::relay_server
