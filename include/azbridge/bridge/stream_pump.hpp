// The byte pump between a local stream socket (TCP or Unix) and a relayed WebSocket, as azbridge's
// StreamPump does it (azbridge-compat.md §4.3), with bounded memory and back-pressure by construction:
//   - socket -> relay: each read (up to buffer_bytes) becomes one binary WebSocket message;
//   - relay -> socket: payload is written as it arrives, message boundaries ignored;
//   - a direction reads again only after its previous write completed (one buffer per direction);
//   - socket EOF -> Close(1000, "Shutdown"); Close(1000) received -> shutdown(SHUT_WR) on the socket; the
//     other direction goes on until it ends too (TCP half-close carried end to end);
//   - any other Close received (1001 the peer stops or was lost, 1011 its target failed, ...) ends the whole
//     connection: the socket is no longer read and the Close is answered; stop() sends Close(1001) and
//     drains what the relay still sends until the peer's Close (the socket is no longer written either);
//   - an error in one direction drops both; a clean end closes TLS and TCP in order (no RST).
#pragma once

#include "azbridge/bridge/ws_channel.hpp"
#include "azbridge/net/asio.hpp"

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace azbridge::bridge {

/// A connected TCP or Unix stream socket (both convert to it by move).
using stream_socket = net::asio::generic::stream_protocol::socket;

struct pump_options {
  std::size_t buffer_bytes = 64 * 1024;  // per direction
  /// Drop the connection when nothing moved either way for this long; zero: never (as azbridge).
  std::chrono::milliseconds idle_timeout{0};
  /// Send an unsolicited Pong when nothing was sent to the relay for this long; zero: never.
  std::chrono::milliseconds keepalive{0};
  /// How long the closing handshake may take at the end, and after stop().
  std::chrono::milliseconds close_grace{5000};
};

struct pump_result {
  std::uint64_t bytes_to_relay = 0;    // read from the socket, sent as WebSocket messages
  std::uint64_t bytes_from_relay = 0;  // received from the relay, written to the socket
  bool stopped = false;                // ended by stop()
  bool idle_timeout = false;           // ended by the idle timeout
  std::string error;                   // first failure in words; empty when both directions ended cleanly
  bool ok() const noexcept { return error.empty(); }
};

class stream_pump {
 public:
  stream_pump(stream_socket socket, ws_channel channel, const pump_options& options);
  stream_pump(const stream_pump&) = delete;
  stream_pump& operator=(const stream_pump&) = delete;

  /// Runs both directions to their end. Call once.
  net::awaitable<pump_result> run();

  /// Ends the connection cleanly from our side (shutdown of the service): stops reading the socket, sends
  /// Close(1001, "The forwarder is stopping"), gives the peer close_grace to finish, then drops what is left.
  void stop();

 private:
  net::awaitable<void> socket_to_relay();
  net::awaitable<void> relay_to_socket();
  net::awaitable<void> watchdog();
  void fail(std::string what);
  void drop() noexcept;
  void touch() noexcept { last_activity_ = std::chrono::steady_clock::now(); }

  stream_socket socket_;
  ws_channel channel_;
  pump_options options_;
  frame_buffer up_buffer_;
  net::asio::steady_timer timer_;
  pump_result result_;
  std::chrono::steady_clock::time_point last_activity_;
  std::chrono::steady_clock::time_point last_sent_;
  std::chrono::steady_clock::time_point stop_deadline_ = std::chrono::steady_clock::time_point::max();
  int running_ = 0;  // directions still running
  bool stopping_ = false;
  bool peer_ending_ = false;  // the peer's Close was not a half-close (code other than 1000)
  bool finished_ = false;
  bool dropped_ = false;
};

}  // namespace azbridge::bridge
