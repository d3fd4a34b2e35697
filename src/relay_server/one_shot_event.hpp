// A single-waiter event for coroutines on one executor: set() wakes the waiter, wait_until() gives up at a
// deadline. Built on a steady_timer whose cancellation is the wake-up.
#pragma once

#include "azbridge/net/asio.hpp"

#include <boost/asio/steady_timer.hpp>

namespace azbridge::relay_server {

class one_shot_event {
 public:
  explicit one_shot_event(net::asio::any_io_executor ex) : timer_(std::move(ex)) {}

  void set() {
    set_ = true;
    timer_.cancel();
  }
  bool is_set() const noexcept { return set_; }

  /// Wakes a waiter without setting the event (shutdown); the waiter sees is_set() == false.
  void interrupt() {
    interrupted_ = true;
    timer_.cancel();
  }

  /// True once set; false at the deadline or when interrupted.
  net::awaitable<bool> wait_until(std::chrono::steady_clock::time_point deadline) {
    if (set_ || interrupted_) co_return set_;
    timer_.expires_at(deadline);
    co_await timer_.async_wait(net::nothrow);
    co_return set_;
  }

 private:
  net::asio::steady_timer timer_;
  bool set_ = false;
  bool interrupted_ = false;
};

}  // namespace azbridge::relay_server
