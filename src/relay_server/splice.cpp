#include "splice.hpp"

#include "azbridge/util/log.hpp"
#include "ws_util.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

namespace azbridge::relay_server {

namespace websocket = net::websocket;

namespace {

// Reads shorter than this are topped up when the rest of the frame is already arriving (§4 "coalesce").
constexpr std::size_t coalesce_below = 16 * 1024;

std::size_t frame_bytes_pending(net::ws_stream& ws) {
  return ws.visit([](auto& s) { return s.read_size_hint(1); });
}

}  // namespace

relayed_pair::relayed_pair(std::shared_ptr<relay_context> ctx, net::ws_stream sender, connection_slot sender_slot,
                           net::ws_stream listener, connection_slot listener_slot, std::string description)
    : ctx_(std::move(ctx)),
      sides_{side{std::move(sender), std::move(sender_slot), {}, false},
             side{std::move(listener), std::move(listener_slot), {}, false}},
      description_(std::move(description)),
      serial_(ctx_->next_serial++) {
  for (auto& s : sides_) {
    s.buffer.reset(new unsigned char[ctx_->options.limits.splice_buffer_bytes]);
    s.ws.read_message_max(ctx_->options.limits.max_message_bytes);
    websocket::stream_base::timeout t{};
    t.handshake_timeout = std::chrono::seconds(10);  // bounds close handshakes
    t.idle_timeout = websocket::stream_base::none();  // a stalled (back-pressured) side must not time out
    t.keep_alive_pings = false;
    s.ws.set_timeout(t);
  }
}

relayed_pair::~relayed_pair() {
  if (hook_id_) ctx_->hooks.remove(hook_id_);
  log::debug("RelayedConnectionEnded", "connection {} ({}) ended", serial_, description_);
}

void relayed_pair::start() {
  auto self = shared_from_this();
  std::weak_ptr<relayed_pair> weak = self;
  if (ctx_->stopping) {
    stop();
  } else {
    hook_id_ = ctx_->hooks.add([weak] {
      if (auto p = weak.lock()) p->stop();
    });
  }
  log::debug("RelayedConnectionStarted", "connection {} ({})", serial_, description_);
  auto ex = sides_[0].ws.get_executor();
  net::asio::co_spawn(ex, [self]() { return self->pump(self->sides_[0], self->sides_[1]); }, net::asio::detached);
  net::asio::co_spawn(ex, [self]() { return self->pump(self->sides_[1], self->sides_[0]); }, net::asio::detached);
}

void relayed_pair::stop() {
  auto self = shared_from_this();
  for (auto* s : {&sides_[0], &sides_[1]}) {
    if (s->close_started || !s->ws.is_open()) continue;
    net::asio::co_spawn(
        s->ws.get_executor(),
        [self, s]() { return self->close_side(*s, make_close_reason(websocket::close_code::going_away, "The relay is shutting down")); },
        net::asio::detached);
  }
}

net::awaitable<void> relayed_pair::close_side(side& s, websocket::close_reason reason) {
  auto self = shared_from_this();
  if (s.close_started || !s.ws.is_open()) co_return;
  s.close_started = true;
  auto ec = co_await s.ws.close(reason);
  if (ec) s.ws.abort();
}

net::awaitable<void> relayed_pair::pump(side& from, side& to) {
  auto self = shared_from_this();
  bool in_message = false;  // `to` is in the middle of a message we are writing
  auto* buf = from.buffer.get();
  const std::size_t cap = ctx_->options.limits.splice_buffer_bytes;
  for (;;) {
    auto [ec, n] = co_await from.ws.read_some(net::asio::buffer(buf, cap));
    // Top up small reads while the rest of the current frame is already on its way.
    while (!ec && n < coalesce_below && n < cap && !from.ws.is_message_done() && frame_bytes_pending(from.ws) > 1) {
      auto [ec2, more] = co_await from.ws.read_some(net::asio::buffer(buf + n, cap - n));
      if (ec2) {
        ec = ec2;
        break;
      }
      n += more;
    }
    if (ec) {
      websocket::close_reason reason;
      if (ec == websocket::error::closed) {
        reason = from.ws.reason();
        if (reason.code == websocket::close_code::none) reason = make_close_reason(websocket::close_code::normal, "");
      } else if (ec == websocket::error::message_too_big) {
        reason = make_close_reason(websocket::close_code::too_big, "Message too big");
        from.ws.abort();
      } else {
        reason = make_close_reason(websocket::close_code::going_away, "The peer's connection was lost");
        from.ws.abort();
      }
      co_await close_side(to, reason);
      co_return;
    }
    if (!in_message) to.ws.binary(from.ws.got_binary());
    bool fin = from.ws.is_message_done();
    auto [wec, written] = co_await to.ws.write_some(fin, net::asio::buffer(buf, n));
    if (wec) {
      to.ws.abort();
      co_await close_side(from, make_close_reason(websocket::close_code::going_away, "The peer's connection was lost"));
      co_return;
    }
    in_message = !fin;
  }
}

}  // namespace azbridge::relay_server
