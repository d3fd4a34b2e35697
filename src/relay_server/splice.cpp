#include "splice.hpp"

#include "azbridge/util/log.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>

#include <cstring>

namespace azbridge::relay_server {

namespace ws = protocol::ws;
using net::ws_channel;

namespace {

// How long the closing handshakes may take once a side failed, the relay stops, or both directions ended.
constexpr std::chrono::seconds close_grace{10};
constexpr std::uint16_t close_too_big = 1009;

}  // namespace

relayed_pair::side::side(net::ws_stream&& ws, connection_slot s, std::size_t buffer_bytes)
    : channel(ws_channel::adopt(std::move(ws), {ws::role::server, buffer_bytes})),
      slot(std::move(s)),
      out(buffer_bytes) {}

relayed_pair::relayed_pair(std::shared_ptr<relay_context> ctx, net::ws_stream sender, connection_slot sender_slot,
                           net::ws_stream listener, connection_slot listener_slot, std::string description)
    : ctx_(std::move(ctx)),
      sides_{side{std::move(sender), std::move(sender_slot), ctx_->options.limits.splice_buffer_bytes},
             side{std::move(listener), std::move(listener_slot), ctx_->options.limits.splice_buffer_bytes}},
      description_(std::move(description)),
      serial_(ctx_->next_serial++),
      deadline_(sides_[0].channel.get_executor()) {}

relayed_pair::~relayed_pair() {
  if (hook_id_) ctx_->hooks.remove(hook_id_);
  log::debug("RelayedConnectionEnded", "connection {} ({}) ended", serial_, description_);
}

void relayed_pair::start() {
  auto self = shared_from_this();
  std::weak_ptr<relayed_pair> weak = self;
  log::debug("RelayedConnectionStarted", "connection {} ({})", serial_, description_);
  running_ = 2;
  auto ex = sides_[0].channel.get_executor();
  net::asio::co_spawn(ex, [self]() { return self->pump(self->sides_[0], self->sides_[1]); }, net::asio::detached);
  net::asio::co_spawn(ex, [self]() { return self->pump(self->sides_[1], self->sides_[0]); }, net::asio::detached);
  if (ctx_->stopping) {
    stop();
  } else {
    hook_id_ = ctx_->hooks.add([weak] {
      if (auto p = weak.lock()) p->stop();
    });
  }
}

void relayed_pair::stop() {
  auto self = shared_from_this();
  arm_deadline();
  for (auto* s : {&sides_[0], &sides_[1]}) {
    // The channel orders this Close after a frame being written; the pumps end when the peers answer.
    net::asio::co_spawn(
        s->channel.get_executor(),
        [self, s]() -> net::awaitable<void> {
          if (co_await s->channel.close_output(ws::close_code::going_away, "The relay is shutting down")) {
            s->channel.abort();
          }
        },
        net::asio::detached);
  }
}

void relayed_pair::arm_deadline() {
  if (deadline_armed_) return;
  deadline_armed_ = true;
  deadline_.expires_after(close_grace);
  std::weak_ptr<relayed_pair> weak = shared_from_this();
  deadline_.async_wait([weak](net::error_code ec) {
    if (ec) return;
    if (auto p = weak.lock()) {
      for (auto& s : p->sides_) s.channel.abort();
    }
  });
}

net::awaitable<void> relayed_pair::pump(side& from, side& to) {
  auto self = shared_from_this();
  const std::size_t max_message = ctx_->options.limits.max_message_bytes;
  std::size_t message_bytes = 0;  // of the message being relayed
  for (;;) {
    auto [ec, piece] = co_await from.channel.read_piece(to.out.capacity());
    if (ec == ws_channel::closed()) {
      // That side will send no more: pass its Close on; the other direction goes on until its own Close.
      auto code = from.channel.close_code();
      if (code == ws::close_code::no_status) code = ws::close_code::normal;
      if (co_await to.channel.close_output(code, from.channel.close_reason())) {
        to.channel.abort();
        arm_deadline();
      }
      break;
    }
    if (ec) {
      // Lost, or a malformed frame (the channel has answered it with 1002): the other side learns it.
      from.channel.abort();
      arm_deadline();
      co_await to.channel.close_output(ws::close_code::going_away, "The peer's connection was lost");
      break;
    }
    message_bytes += piece.data.size();
    if (message_bytes > max_message) {
      log::warn("RelayedMessageTooBig", "connection {} ({}): a message over {} bytes", serial_, description_,
                max_message);
      arm_deadline();
      co_await from.channel.close_output(close_too_big, "Message too big");
      co_await to.channel.close_output(close_too_big, "Message too big");
      break;
    }
    // One copy, into the buffer that has room for the frame header: the frame leaves in one write.
    if (!piece.data.empty()) std::memcpy(to.out.payload(), piece.data.data(), piece.data.size());
    if (co_await to.channel.write_frame(to.out, piece.data.size(), piece.binary, piece.message_done)) {
      to.channel.abort();
      arm_deadline();
      co_await from.channel.close_output(ws::close_code::going_away, "The peer's connection was lost");
      break;
    }
    if (piece.message_done) message_bytes = 0;
  }
  if (--running_ == 0) co_await finish();
}

net::awaitable<void> relayed_pair::finish() {
  using namespace net::asio::experimental::awaitable_operators;
  auto self = shared_from_this();
  const auto grace = std::chrono::duration_cast<std::chrono::milliseconds>(close_grace);
  co_await (sides_[0].channel.finish(grace) && sides_[1].channel.finish(grace));
  deadline_.cancel();
}

}  // namespace azbridge::relay_server
