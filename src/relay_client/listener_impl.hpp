// Internal state of relay_client::listener, shared by listener.cpp (control channel),
// listener_accept.cpp (accept/reject) and listener_http.cpp (relayed HTTP).
#pragma once

#include "azbridge/relay_client/backoff.hpp"
#include "azbridge/relay_client/liveness.hpp"
#include "azbridge/relay_client/listener.hpp"

#include "channel_writer.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <memory>
#include <random>
#include <string>

namespace azbridge::relay_client {

using strand_type = net::asio::strand<net::asio::any_io_executor>;

/// One open control channel. Lives on the listener's strand; request tasks keep a weak_ptr to answer on it.
struct control_channel {
  control_channel(net::ws_stream&& s, access_token t, liveness_monitor l)
      : ws(std::move(s)), writer(ws.get_executor()), token(std::move(t)), live(l) {}

  net::ws_stream ws;
  detail::channel_writer writer;
  access_token token;  // the token last sent (handshake or renewToken)
  liveness_monitor live;
};

struct listener::impl : std::enable_shared_from_this<listener::impl> {
  impl(net::asio::any_io_executor ex, listener_options o, listener_handlers h);

  net::asio::any_io_executor base;  // accepted streams get their own strand on this executor
  strand_type strand;               // all listener state below is touched only here
  listener_options options;
  listener_handlers handlers;
  std::string tracking_id;
  std::string where;                // "host:port" for messages
  std::string audience;             // resource URI the tokens are for

  bool running = false;
  bool stopping = false;
  net::asio::steady_timer wake;     // backoff waits and supervisor ticks; cancelled by stop()
  reconnect_backoff backoff;
  std::mt19937_64 rng{std::random_device{}()};
  std::shared_ptr<control_channel> channel;  // the open channel, if any

  net::awaitable<void> run();
  net::awaitable<std::string> run_channel(std::shared_ptr<control_channel> ch);
  net::awaitable<std::string> read_loop(std::shared_ptr<control_channel> ch);
  net::awaitable<std::string> supervise(std::shared_ptr<control_channel> ch);
  void emit(listener_status s);

  // listener_accept.cpp
  void on_accept_command(protocol::accept_command cmd);
  // listener_http.cpp
  void on_control_request(const std::shared_ptr<control_channel>& ch, protocol::request_command cmd,
                          std::string body);
  void on_rendezvous_request(protocol::request_command cmd);
};

namespace detail {
/// Aborts a stream when a deadline passes (for operations Beast gives no timeout, e.g. writes).
class stream_watchdog {
 public:
  stream_watchdog(net::ws_stream& ws, std::chrono::steady_clock::duration after);
  ~stream_watchdog() { timer_.cancel(); }
  bool fired() const noexcept { return *fired_; }

 private:
  net::asio::steady_timer timer_;
  std::shared_ptr<bool> fired_ = std::make_shared<bool>(false);
};
}  // namespace detail

}  // namespace azbridge::relay_client
