// Test helpers: run coroutines with a deadline, and make connected WebSocket pairs over loopback TCP
// (a Beast handshake, as relay_client does, then both ends taken over by ws_channel or left to Beast).
#pragma once
// NOTE: never write co_await inside a Catch macro: GCC 12 evaluates the copies of the expression that Catch
// places in never-taken branches, so the operation runs several times.

#include "azbridge/net/ws_channel.hpp"
#include "azbridge/net/ws_stream.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <exception>
#include <string>

namespace azbridge::net::test {

namespace asio = net::asio;

/// Runs `f()` (returning awaitable<void>) on `io` until it completes; fails the test after `limit`.
template <class F>
void run(asio::io_context& io, F&& f, std::chrono::seconds limit = std::chrono::seconds(20)) {
  bool finished = false;
  std::exception_ptr error;
  asio::co_spawn(io, std::forward<F>(f), [&](std::exception_ptr e) {
    finished = true;
    error = e;
  });
  io.restart();
  io.run_for(limit);
  REQUIRE(finished);
  if (error) std::rethrow_exception(error);
}

/// A listening socket on 127.0.0.1 and an ephemeral port.
struct loopback_acceptor {
  explicit loopback_acceptor(asio::io_context& io)
      : acceptor(io, net::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {}
  std::string url() const { return "ws://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/test"; }
  net::tcp::acceptor acceptor;
};

/// Server side of a plain WebSocket handshake (Beast), as the relay does it. (optional: co_spawn needs a
/// default-constructible result.)
inline net::awaitable<std::optional<net::ws_stream::plain_ws>> accept_beast(net::tcp::acceptor& acceptor) {
  auto socket = co_await acceptor.async_accept(asio::use_awaitable);
  std::optional<net::ws_stream::plain_ws> ws(std::in_place, net::beast::tcp_stream(std::move(socket)));
  ws->binary(true);
  co_await ws->async_accept(asio::use_awaitable);
  co_return ws;
}

/// Client side (net::ws_connect, as relay_client does it).
inline net::awaitable<net::ws_stream> connect_beast(const std::string& url) {
  auto parsed = net::ws_url::parse(url);
  REQUIRE(parsed);
  net::ws_connect_options o;
  o.timeout = std::chrono::seconds(10);
  auto r = co_await net::ws_connect(nullptr, *parsed, o);
  INFO(r.describe());
  REQUIRE(r.stream);
  co_return std::move(*r.stream);
}

/// Both ends of one plain WebSocket over loopback: {server (Beast accept), client (net::ws_connect)}.
inline net::awaitable<std::pair<net::ws_stream, net::ws_stream>> connected_pair(loopback_acceptor& acc) {
  using namespace asio::experimental::awaitable_operators;
  auto [server, client] = co_await (accept_beast(acc.acceptor) && connect_beast(acc.url()));
  co_return std::pair<net::ws_stream, net::ws_stream>(net::ws_stream(std::move(*server)), std::move(client));
}

inline std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

/// Reads from the channel until the peer's Close; returns everything read.
inline net::awaitable<std::string> read_until_close(ws_channel& ch) {
  std::string out;
  for (;;) {
    auto [ec, data] = co_await ch.read_some();
    if (ec == ws_channel::closed()) break;
    REQUIRE_FALSE(ec);
    out.append(reinterpret_cast<const char*>(data.data()), data.size());
  }
  co_return out;
}

}  // namespace azbridge::net::test
