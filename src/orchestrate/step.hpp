// Small helpers shared by the operation files.
#pragma once

#include "azbridge/orchestrate/progress.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>

#include <string>
#include <utility>

namespace azbridge::orchestrate::detail {

/// One progress step: begun on construction, "failed" unless ok() was called (exceptions included).
class step {
 public:
  step(progress& p, std::string text) : p_(p) { p_.begin(std::move(text)); }
  step(const step&) = delete;
  step& operator=(const step&) = delete;
  ~step() {
    if (!done_) p_.fail();
  }
  void ok(std::string_view outcome = "ok") {
    p_.end(outcome);
    done_ = true;
  }

 private:
  progress& p_;
  bool done_ = false;
};

/// Awaits `work`; on a terminal the live line is redrawn meanwhile.
template <class T>
net::awaitable<T> with_ticker(progress& p, net::awaitable<T> work) {
  using namespace boost::asio::experimental::awaitable_operators;
  if (!p.live()) co_return co_await std::move(work);
  auto r = co_await (std::move(work) || p.ticker());
  co_return std::get<0>(std::move(r));
}

inline net::awaitable<void> with_ticker(progress& p, net::awaitable<void> work) {
  using namespace boost::asio::experimental::awaitable_operators;
  if (!p.live()) {
    co_await std::move(work);
    co_return;
  }
  co_await (std::move(work) || p.ticker());
}

}  // namespace azbridge::orchestrate::detail
