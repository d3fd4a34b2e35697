#include "channel_writer.hpp"

#include <boost/asio/this_coro.hpp>

#include <fmt/format.h>

namespace azbridge::relay_client::detail {

void channel_writer::push(item it) {
  if (shut_) return;
  queue_.push_back(std::move(it));
  wake_.cancel();
}

void channel_writer::push_pong() {
  if (pong_queued_) return;
  pong_queued_ = true;
  push({kind::pong, {}, {}});
}

void channel_writer::shut() noexcept {
  shut_ = true;
  queue_.clear();
  wake_.cancel();
}

net::awaitable<std::string> channel_writer::run(net::ws_stream& ws) {
  for (;;) {
    while (queue_.empty()) {
      if (shut_) co_return "writer stopped";
      wake_.expires_at(net::asio::steady_timer::time_point::max());
      co_await wake_.async_wait(net::nothrow);
      auto cs = co_await net::asio::this_coro::cancellation_state;
      if (cs.cancelled() != net::asio::cancellation_type::none) co_return "writer cancelled";
    }
    item it = std::move(queue_.front());
    queue_.pop_front();
    net::error_code ec;
    switch (it.what) {
      case kind::text:
      case kind::text_and_body: {
        ws.text(true);
        auto [tec, tn] = co_await ws.write(net::asio::buffer(it.text));
        ws.binary(true);
        ec = tec;
        if (!ec && it.what == kind::text_and_body) {
          auto [bec, bn] = co_await ws.write(net::asio::buffer(it.body));
          ec = bec;
        }
        break;
      }
      case kind::pong:
        pong_queued_ = false;
        ec = co_await ws.pong();
        break;
      case kind::close:
        ec = co_await ws.close({net::websocket::close_code::normal, "Normal Closure"});
        shut();
        co_return ec ? fmt::format("closing the control channel failed: {}", ec.message()) : "closed";
    }
    if (ec) {
      shut();
      co_return fmt::format("writing to the control channel failed: {}", ec.message());
    }
  }
}

}  // namespace azbridge::relay_client::detail
