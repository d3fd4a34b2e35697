// stream_pump between a Unix socket pair (the "local client") and a loopback WebSocket whose far end is
// driven by the test: bytes both ways, half-close in both orders, stop(), idle timeout, a failing client.
#include "azbridge/bridge/stream_pump.hpp"
#include "../net/loopback.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <random>

using namespace azbridge;
using namespace azbridge::bridge;
namespace test = azbridge::net::test;
using test::as_bytes;
namespace asio = net::asio;
using local_socket = asio::local::stream_protocol::socket;
using namespace asio::experimental::awaitable_operators;

namespace {

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

// A pump whose local end is `app` and whose relay end is `far` (a server-role channel the test drives).
struct fixture {
  explicit fixture(asio::io_context& context) : io(context), acc(context), app(context) {}

  net::awaitable<void> connect(pump_options options = {}) {
    local_socket pump_side(io);
    asio::local::connect_pair(app, pump_side);
    auto [server_ws, client_ws] = co_await test::connected_pair(acc);
    auto near = ws_channel::adopt(std::move(client_ws));
    far = ws_channel::adopt(std::move(server_ws), {ws::role::server});
    pump = std::make_unique<stream_pump>(stream_socket(std::move(pump_side)), near, options);
  }

  net::awaitable<std::string> app_read_all() {
    std::string out;
    auto [ec, n] = co_await asio::async_read(app, asio::dynamic_buffer(out), net::nothrow);
    CHECK(ec == asio::error::eof);
    co_return out;
  }

  asio::io_context& io;
  test::loopback_acceptor acc;
  local_socket app;
  ws_channel far;
  std::unique_ptr<stream_pump> pump;
};

}  // namespace

TEST_CASE("stream_pump: the client half-closes and still receives the whole reply", "[stream_pump]") {
  asio::io_context io;
  fixture f(io);
  test::run(io, [&]() -> net::awaitable<void> {
    co_await f.connect();
    const auto request = random_bytes(300000, 1);
    const auto reply = random_bytes(500000, 2);
    auto scenario = [&]() -> net::awaitable<void> {
      co_await asio::async_write(f.app, asio::buffer(request), asio::use_awaitable);
      f.app.shutdown(local_socket::shutdown_send);
      { auto got_ = co_await test::read_until_close(f.far); CHECK(got_ == request); }
      CHECK(f.far.close_reason() == "Shutdown");

      frame_buffer fb(reply.size());
      std::memcpy(fb.payload(), reply.data(), reply.size());
      { auto ec_ = co_await f.far.write(fb, reply.size()); REQUIRE_FALSE(ec_); }
      { auto ec_ = co_await f.far.close_output(); REQUIRE_FALSE(ec_); }
      { auto got_ = co_await f.app_read_all(); CHECK(got_ == reply); }

      co_await f.far.finish(std::chrono::seconds(5));
    };
    auto r = co_await (f.pump->run() && scenario());
    CHECK(r.ok());
    CHECK(r.bytes_to_relay == request.size());
    CHECK(r.bytes_from_relay == reply.size());
  });
}

TEST_CASE("stream_pump: the relay side half-closes first and the client keeps sending", "[stream_pump]") {
  asio::io_context io;
  fixture f(io);
  test::run(io, [&]() -> net::awaitable<void> {
    co_await f.connect();
    const auto upload = random_bytes(200000, 3);
    auto scenario = [&]() -> net::awaitable<void> {
      { auto ec_ = co_await f.far.write(as_bytes("banner")); REQUIRE_FALSE(ec_); }
      { auto ec_ = co_await f.far.close_output(); REQUIRE_FALSE(ec_); }
      { auto got_ = co_await f.app_read_all(); CHECK(got_ == "banner"); }  // the Close became EOF on the client socket

      co_await asio::async_write(f.app, asio::buffer(upload), asio::use_awaitable);
      f.app.shutdown(local_socket::shutdown_send);
      { auto got_ = co_await test::read_until_close(f.far); CHECK(got_ == upload); }
      co_await f.far.finish(std::chrono::seconds(5));
    };
    auto r = co_await (f.pump->run() && scenario());
    CHECK(r.ok());
    CHECK(r.bytes_from_relay == 6);
    CHECK(r.bytes_to_relay == upload.size());
  });
}

TEST_CASE("stream_pump: stop() closes with Close(1001) and ends once the peer answers", "[stream_pump]") {
  asio::io_context io;
  fixture f(io);
  test::run(io, [&]() -> net::awaitable<void> {
    co_await f.connect();
    auto scenario = [&]() -> net::awaitable<void> {
      co_await asio::async_write(f.app, asio::buffer(std::string("abc")), asio::use_awaitable);
      auto [ec, data] = co_await f.far.read_some();
      REQUIRE_FALSE(ec);
      std::string first(reinterpret_cast<const char*>(data.data()), data.size());
      f.pump->stop();
      { auto got_ = co_await test::read_until_close(f.far); CHECK(first + got_ == "abc"); }
      // Not a half-close: the peer learns that the whole connection ends.
      CHECK(f.far.close_code() == ws::close_code::going_away);
      CHECK(f.far.close_reason() == "The forwarder is stopping");
      { auto ec_ = co_await f.far.close_output(); REQUIRE_FALSE(ec_); }
      co_await f.far.finish(std::chrono::seconds(5));
    };
    auto r = co_await (f.pump->run() && scenario());
    CHECK(r.stopped);
    CHECK(r.ok());
  });
}

TEST_CASE("stream_pump: a Close other than 1000 ends the whole connection, not just one direction", "[stream_pump]") {
  asio::io_context io;
  fixture f(io);
  test::run(io, [&]() -> net::awaitable<void> {
    co_await f.connect();
    auto scenario = [&]() -> net::awaitable<void> {
      { auto ec_ = co_await f.far.write(as_bytes("last words")); REQUIRE_FALSE(ec_); }
      // As the relay says when the other forwarder was lost, or a remote forwarder when its target failed.
      { auto ec_ = co_await f.far.close_output(ws::close_code::going_away, "The peer's connection was lost"); REQUIRE_FALSE(ec_); }
      { auto got_ = co_await f.app_read_all(); CHECK(got_ == "last words"); }
      // The client never closes its side, yet the pump answers the Close and ends.
      { auto got_ = co_await test::read_until_close(f.far); CHECK(got_.empty()); }
      CHECK(f.far.close_code() == ws::close_code::normal);
      co_await f.far.finish(std::chrono::seconds(5));
    };
    auto r = co_await (f.pump->run() && scenario());
    CHECK(r.ok());
    CHECK_FALSE(r.stopped);
    CHECK(r.bytes_from_relay == 10);
  });
}

TEST_CASE("stream_pump: stop() drops a peer that never answers after the grace period", "[stream_pump]") {
  asio::io_context io;
  fixture f(io);
  test::run(io, [&]() -> net::awaitable<void> {
    pump_options o;
    o.close_grace = std::chrono::milliseconds(200);
    co_await f.connect(o);
    auto scenario = [&]() -> net::awaitable<void> {
      f.pump->stop();
      co_return;
    };
    auto r = co_await (f.pump->run() && scenario());
    CHECK(r.stopped);
    CHECK_FALSE(r.ok());
    f.far.abort();
  });
}

TEST_CASE("stream_pump: the idle timeout ends a silent connection", "[stream_pump]") {
  asio::io_context io;
  fixture f(io);
  test::run(io, [&]() -> net::awaitable<void> {
    pump_options o;
    o.idle_timeout = std::chrono::milliseconds(200);
    o.keepalive = std::chrono::milliseconds(50);
    co_await f.connect(o);
    auto scenario = [&]() -> net::awaitable<void> {
      // Keep-alive pongs from the pump do not count as traffic: the connection still goes idle.
      co_return;
    };
    auto r = co_await (f.pump->run() && scenario());
    CHECK(r.idle_timeout);
    auto [ec, data] = co_await f.far.read_some();
    CHECK(ec);
  });
}

TEST_CASE("stream_pump: a client that goes away ends the relayed connection", "[stream_pump]") {
  asio::io_context io;
  fixture f(io);
  test::run(io, [&]() -> net::awaitable<void> {
    co_await f.connect();
    auto scenario = [&]() -> net::awaitable<void> {
      { auto ec_ = co_await f.far.write(as_bytes("data the client never reads")); REQUIRE_FALSE(ec_); }
      co_await asio::async_write(f.app, asio::buffer(std::string("x")), asio::use_awaitable);
      auto [ec, data] = co_await f.far.read_some();
      REQUIRE_FALSE(ec);
      f.app.close();  // with unread data: a reset, or at least an end of stream, for the pump
      for (;;) {
        auto [ec2, more] = co_await f.far.read_some();
        if (ec2) break;
      }
      co_await f.far.close_output();
      co_await f.far.finish(std::chrono::seconds(5));
    };
    auto r = co_await (f.pump->run() && scenario());
    CHECK(r.bytes_to_relay == 1);
  });
}
