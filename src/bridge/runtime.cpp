#include "runtime.hpp"

#include <fmt/format.h>

namespace azbridge::bridge::detail {

net::awaitable<void> connection_registry::wait_empty(std::chrono::steady_clock::time_point deadline) {
  net::asio::steady_timer tick(co_await net::asio::this_coro::executor);
  while (!hooks_.empty() && std::chrono::steady_clock::now() < deadline) {
    tick.expires_after(std::chrono::milliseconds(20));  // a short poll: shutdown only
    co_await tick.async_wait(net::nothrow);
  }
}

watchdog::watchdog(net::asio::any_io_executor ex, std::chrono::steady_clock::duration after,
                   std::function<void()> on_expiry)
    : state_(std::make_shared<state>()), timer_(ex, after) {
  state_->on_expiry = std::move(on_expiry);
  timer_.async_wait([s = state_](net::error_code ec) {
    if (!ec && s->armed) {
      s->fired = true;
      s->armed = false;
      s->on_expiry();
    }
  });
}

watchdog::~watchdog() {
  state_->armed = false;
  timer_.cancel();
}

bool watchdog::fired() const noexcept { return state_->fired; }

std::string human_duration(std::chrono::steady_clock::duration d) {
  return fmt::format("{:.3f} s", std::chrono::duration<double>(d).count());
}

}  // namespace azbridge::bridge::detail
