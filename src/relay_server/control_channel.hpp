// A listener's control channel: the accepted `sb-hc-action=listen` WebSocket. One reader (renewToken,
// response + body), one writer coroutine draining a queue (accept, request + body as one unit, close), and a
// token-expiry watchdog that closes with 1008 at se + grace. Idle channels are pinged by Beast.
#pragma once

#include "azbridge/net/ws_stream.hpp"
#include "relay_context.hpp"

#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <memory>
#include <string>
#include <unordered_map>

namespace azbridge::relay_server {

struct listener_identity {
  std::string hc_key;
  std::string hc_name;
  std::string tracking_id;           // the listener's sb-hc-id (or a generated one)
  std::string remote;                // ip:port
  std::string rendezvous_authority;  // host[:port] this listener reaches the relay at
  std::string audience_host;         // host its tokens must name (for renewToken)
  std::int64_t token_expires_at = 0;
};

class control_channel : public std::enable_shared_from_this<control_channel> {
 public:
  control_channel(std::shared_ptr<relay_context> ctx, net::ws_stream ws, connection_slot slot,
                  listener_identity identity);

  /// Runs until the channel has closed (reader, writer and watchdog).
  net::awaitable<void> run();

  /// Queues a text message. False when the channel is closing or its queue is over the limit.
  bool send(std::string json);
  /// Queues a text message and its body as the very next message (one unit on the writer).
  bool send_with_body(std::string json, std::string body);
  /// Bytes queued and not yet written.
  std::size_t queued_bytes() const noexcept { return queued_bytes_; }

  /// Closes the channel with a close frame (after the write in progress); queued messages are dropped.
  void close(net::websocket::close_code code, std::string reason);
  bool is_closing() const noexcept { return closing_; }

  /// Routes a `response` with this request id (and its body) to `exchange`.
  void expect_response(const std::string& request_id, std::weak_ptr<http_exchange> exchange);
  void forget_response(const std::string& request_id);

  const listener_identity& identity() const noexcept { return id_; }
  std::uint64_t serial() const noexcept { return serial_; }
  /// Why the channel ended ("closed by peer (1000 ...)", an error message), for the detach log line.
  const std::string& end_reason() const noexcept { return end_reason_; }

 private:
  struct outgoing {
    std::string text;
    std::string body;
    bool has_body = false;
  };

  net::awaitable<void> read_loop();
  net::awaitable<void> write_loop();
  net::awaitable<void> expiry_loop();
  void on_text(std::string_view text);
  void on_binary(std::string body);
  void deliver(const std::string& request_id, protocol::response_command response, std::string body);
  void fail_pending();
  bool enqueue(outgoing item);

  std::shared_ptr<relay_context> ctx_;
  net::ws_stream ws_;
  connection_slot slot_;
  listener_identity id_;
  std::uint64_t serial_;

  std::deque<outgoing> queue_;
  std::size_t queued_bytes_ = 0;
  net::asio::steady_timer writer_wake_;
  net::asio::steady_timer expiry_timer_;
  bool closing_ = false;  // a close was requested or the channel ended: no new messages
  bool ended_ = false;    // the reader has finished
  net::websocket::close_reason close_reason_;
  bool close_requested_ = false;
  bool writer_running_ = false;
  std::string end_reason_;

  std::unordered_map<std::string, std::weak_ptr<http_exchange>> pending_;
  std::optional<std::string> body_for_;                  // request id whose body message comes next
  std::optional<protocol::response_command> body_head_;  // the response it belongs to
};

}  // namespace azbridge::relay_server
