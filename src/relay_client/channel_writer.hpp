// The single writer of a control channel: every outgoing message (renewToken, responses, keepalive pongs,
// the final close) is queued here and written by one coroutine, so a request JSON and its body message
// always go out as one unit and nothing interleaves inside a message.
#pragma once

#include "azbridge/net/ws_stream.hpp"

#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <string>

namespace azbridge::relay_client::detail {

class channel_writer {
 public:
  explicit channel_writer(net::asio::any_io_executor ex) : wake_(ex) {}

  void push_text(std::string json) { push({kind::text, std::move(json), {}}); }
  /// A text message followed immediately by one binary message.
  void push_text_and_body(std::string json, std::string body) {
    push({kind::text_and_body, std::move(json), std::move(body)});
  }
  /// An unsolicited PONG; at most one is queued at a time.
  void push_pong();
  /// Close 1000 "Normal Closure"; everything queued before it is written first.
  void push_close() { push({kind::close, {}, {}}); }
  /// Drops whatever is queued and refuses new items (the channel is gone).
  void shut() noexcept;
  bool is_shut() const noexcept { return shut_; }

  /// Writes queued items until an error, the close, or cancellation. Returns a reason for logs.
  net::awaitable<std::string> run(net::ws_stream& ws);

 private:
  enum class kind { text, text_and_body, pong, close };
  struct item {
    kind what;
    std::string text;
    std::string body;
  };
  void push(item it);

  std::deque<item> queue_;
  net::asio::steady_timer wake_;
  bool pong_queued_ = false;
  bool shut_ = false;
};

}  // namespace azbridge::relay_client::detail
