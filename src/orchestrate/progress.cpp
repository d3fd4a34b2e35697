#include "azbridge/orchestrate/progress.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <fmt/format.h>

namespace azbridge::orchestrate {

progress::progress(std::FILE* out, bool live, bool quiet) : out_(out), live_(live && !quiet), quiet_(quiet) {}

double progress::since_start() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void progress::clear_live() {
  if (live_drawn_) {
    std::fputs("\r\033[K", out_);
    live_drawn_ = false;
  }
}

void progress::draw_live() {
  if (!live_ || step_.empty()) return;
  static constexpr std::string_view frames = "|/-\\";
  auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - step_start_).count();
  fmt::print(out_, "\r\033[K{} {}{} ({:.0f}s)", frames[spin_++ % frames.size()], step_,
             state_.empty() ? "" : ": " + state_, secs);
  std::fflush(out_);
  live_drawn_ = true;
}

void progress::begin(std::string text) {
  step_ = std::move(text);
  state_.clear();
  step_start_ = std::chrono::steady_clock::now();
  draw_live();
}

void progress::end(std::string_view outcome) {
  if (step_.empty()) return;
  clear_live();
  auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - step_start_).count();
  if (!quiet_) fmt::print(out_, "[{:6.1f}s] {}: {} ({:.1f}s)\n", since_start(), step_, outcome, took);
  std::fflush(out_);
  step_.clear();
}

void progress::fail() { end("failed"); }

void progress::waiting(std::string_view state) {
  if (state == state_) {
    draw_live();
    return;
  }
  state_ = std::string(state);
  if (live_) {
    draw_live();
  } else if (!quiet_) {
    fmt::print(out_, "[{:6.1f}s] {}: {}\n", since_start(), step_, state_);
    std::fflush(out_);
  }
}

net::awaitable<void> progress::ticker() {
  net::asio::steady_timer timer(co_await net::asio::this_coro::executor);
  for (;;) {
    timer.expires_after(std::chrono::milliseconds(250));
    co_await timer.async_wait(net::asio::use_awaitable);
    draw_live();
  }
}

void progress::note(std::string_view text) {
  if (quiet_) return;
  clear_live();
  fmt::print(out_, "[{:6.1f}s] {}\n", since_start(), text);
  std::fflush(out_);
  draw_live();
}

void progress::warn(std::string_view text) {
  clear_live();
  fmt::print(out_, "[{:6.1f}s] warning: {}\n", since_start(), text);
  std::fflush(out_);
  draw_live();
}

void progress::raw(std::string_view text) {
  clear_live();
  fmt::print(out_, "{}\n", text);
  std::fflush(out_);
  draw_live();
}

}  // namespace azbridge::orchestrate
