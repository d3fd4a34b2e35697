#include "azbridge/bridge/stream_pump.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/write.hpp>

#include <fmt/format.h>

namespace azbridge::bridge {

namespace asio = net::asio;
using net::awaitable;
using net::error_code;
using net::nothrow;
using clock = std::chrono::steady_clock;

stream_pump::stream_pump(stream_socket socket, ws_channel channel, const pump_options& options)
    : socket_(std::move(socket)),
      channel_(std::move(channel)),
      options_(options),
      up_buffer_(options.buffer_bytes),
      timer_(socket_.get_executor()) {
  last_activity_ = last_sent_ = clock::now();
}

void stream_pump::fail(std::string what) {
  if (result_.error.empty()) result_.error = std::move(what);
  drop();
}

void stream_pump::drop() noexcept {
  dropped_ = true;
  error_code ignored;
  socket_.close(ignored);
  channel_.abort();
  timer_.cancel();
}

void stream_pump::stop() {
  if (stopping_ || finished_) return;
  stopping_ = true;
  result_.stopped = true;
  stop_deadline_ = clock::now() + options_.close_grace;
  // The pending socket read completes with operation_aborted; socket_to_relay then sends the Close. A pending
  // socket write is cancelled too: relay_to_socket then drains the relay until the peer's Close.
  error_code ignored;
  socket_.cancel(ignored);
  timer_.cancel();
}

awaitable<void> stream_pump::socket_to_relay() {
  for (;;) {
    error_code ec;
    std::size_t n = 0;
    if (stopping_ || peer_ending_) {
      // stop() or the peer's ending Close came while this direction was writing to the relay: its
      // socket.cancel() found no read to cancel, so do not start one.
      ec = asio::error::operation_aborted;
    } else {
      std::tie(ec, n) = co_await socket_.async_read_some(up_buffer_.payload_buffer(), nothrow);
    }
    if (dropped_) break;
    if (ec && (stopping_ || peer_ending_)) {
      // Not a half-close: the whole connection ends (our stop, or the peer's). Reading goes on until its Close.
      auto cec = stopping_ ? co_await channel_.close_output(ws::close_code::going_away, "The forwarder is stopping")
                           : co_await channel_.close_output(ws::close_code::normal, "Shutdown");
      if (cec && !dropped_) fail("relay write failed: " + cec.message());
      break;
    }
    if (ec == asio::error::eof) {
      // The client is done sending: tell the peer as azbridge's Shutdown() does. Reading goes on.
      auto cec = co_await channel_.close_output(ws::close_code::normal, "Shutdown");
      if (cec && !dropped_) fail("relay write failed: " + cec.message());
      break;
    }
    if (ec) {
      fail("local socket read failed: " + ec.message());
      break;
    }
    result_.bytes_to_relay += n;
    touch();
    auto wec = co_await channel_.write(up_buffer_, n);
    if (dropped_) break;
    if (wec) {
      fail("relay write failed: " + wec.message());
      break;
    }
    last_sent_ = clock::now();
  }
  --running_;
  timer_.cancel();
}

awaitable<void> stream_pump::relay_to_socket() {
  for (;;) {
    auto [ec, data] = co_await channel_.read_some(options_.buffer_bytes);
    if (dropped_) break;
    if (ec == ws_channel::closed()) {
      // The peer is done sending: pass the half-close on to the local socket.
      error_code ignored;
      socket_.shutdown(stream_socket::shutdown_send, ignored);
      const auto code = channel_.close_code();
      if (code != ws::close_code::normal && code != ws::close_code::no_status) {
        // 1001 (stopping, peer lost), 1011 (target unreachable), ...: the peer ends the whole connection, so
        // what the socket still sends has nowhere to go. Stop reading it and answer the Close.
        peer_ending_ = true;
        if (stop_deadline_ == clock::time_point::max()) stop_deadline_ = clock::now() + options_.close_grace;
        socket_.cancel(ignored);
        timer_.cancel();
      }
      break;
    }
    if (ec) {
      fail(ec == ws_channel::protocol_error() ? std::string("relay sent a malformed WebSocket frame")
                                             : "relay read failed: " + ec.message());
      break;
    }
    touch();
    if (stopping_) {
      // The whole connection ends: what still comes from the relay has nowhere to go. Drain it to reach the
      // peer's Close rather than write to a socket we no longer read (its peer may be blocked writing to us).
      continue;
    }
    auto [wec, n] = co_await asio::async_write(socket_, asio::buffer(data.data(), data.size()), nothrow);
    if (dropped_) break;
    if (wec == asio::error::operation_aborted && stopping_) continue;  // stop() cancelled this write
    if (wec) {
      fail("local socket write failed: " + wec.message());
      break;
    }
    result_.bytes_from_relay += n;
  }
  --running_;
  timer_.cancel();
}

awaitable<void> stream_pump::watchdog() {
  while (running_ > 0 && !dropped_) {
    const auto now = clock::now();
    if (now >= stop_deadline_) {
      fail("the peer did not finish closing within the grace period");
      break;
    }
    if (options_.idle_timeout.count() > 0 && now - last_activity_ >= options_.idle_timeout) {
      result_.idle_timeout = true;
      fail(fmt::format("idle for {} s", std::chrono::duration_cast<std::chrono::seconds>(options_.idle_timeout).count()));
      break;
    }
    if (options_.keepalive.count() > 0 && !channel_.close_sent() && now - last_sent_ >= options_.keepalive) {
      last_sent_ = now;
      auto ec = co_await channel_.send_keepalive();
      if (ec && !dropped_ && !channel_.close_sent()) {
        fail("relay write failed: " + ec.message());
        break;
      }
      continue;
    }
    auto wake = stop_deadline_;
    if (options_.idle_timeout.count() > 0) wake = std::min(wake, last_activity_ + options_.idle_timeout);
    if (options_.keepalive.count() > 0 && !channel_.close_sent()) wake = std::min(wake, last_sent_ + options_.keepalive);
    timer_.expires_at(wake);
    co_await timer_.async_wait(nothrow);  // woken early by cancel() when a direction ends or on stop()
  }
}

awaitable<pump_result> stream_pump::run() {
  using namespace asio::experimental::awaitable_operators;
  running_ = 2;
  co_await (socket_to_relay() && relay_to_socket() && watchdog());
  finished_ = true;
  if (!dropped_) {
    // Both directions ended cleanly: Close sent and received. Close TLS and TCP in order.
    co_await channel_.finish(stopping_ ? std::max(std::chrono::milliseconds(1), std::chrono::duration_cast<std::chrono::milliseconds>(stop_deadline_ - clock::now()))
                                       : options_.close_grace);
    error_code ignored;
    socket_.close(ignored);
  }
  co_return result_;
}

}  // namespace azbridge::bridge
