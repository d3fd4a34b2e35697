// ws_channel over real loopback sockets: half-close in both directions, bytes Beast buffered during the
// handshake, and interoperability with an unmodified Beast peer (pings, messages, the closing handshake).
#include "loopback.hpp"

#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <openssl/sha.h>

#include <random>

using namespace azbridge;
using namespace azbridge::net;
using net::test::as_bytes;
namespace asio = net::asio;

TEST_CASE("ws_channel: each side half-closes while the other keeps sending", "[ws_channel]") {
  asio::io_context io;
  test::loopback_acceptor acc(io);
  test::run(io, [&]() -> net::awaitable<void> {
    auto [server_ws, client_ws] = co_await test::connected_pair(acc);
    auto client = ws_channel::adopt(std::move(client_ws));
    auto server = ws_channel::adopt(std::move(server_ws), {ws::role::server});

    // Client sends, then half-closes the way azbridge's Shutdown() does.
    { auto ec_ = co_await client.write(as_bytes("request")); REQUIRE_FALSE(ec_); }
    { auto ec_ = co_await client.close_output(); REQUIRE_FALSE(ec_); }
    { auto got_ = co_await test::read_until_close(server); CHECK(got_ == "request"); }
    CHECK(server.close_code() == 1000);
    CHECK(server.close_reason() == "Shutdown");

    // The server still writes after receiving the Close; the client still reads after sending its own.
    frame_buffer big(100000);
    for (std::size_t i = 0; i < 100000; ++i) big.payload()[i] = static_cast<std::uint8_t>(i % 251);
    { auto ec_ = co_await server.write(as_bytes("reply-1 ")); REQUIRE_FALSE(ec_); }
    { auto ec_ = co_await server.write(big, 100000); REQUIRE_FALSE(ec_); }
    { auto ec_ = co_await server.close_output(1000, "Done"); REQUIRE_FALSE(ec_); }
    auto got = co_await test::read_until_close(client);
    REQUIRE(got.size() == 8 + 100000);
    CHECK(got.substr(0, 8) == "reply-1 ");
    bool pattern_ok = true;
    for (std::size_t i = 0; i < 100000; ++i) pattern_ok = pattern_ok && static_cast<std::uint8_t>(got[8 + i]) == i % 251;
    CHECK(pattern_ok);
    CHECK(client.close_reason() == "Done");

    // Writing after our own Close is refused; both ends then finish cleanly.
    { auto got_ = co_await client.write(as_bytes("late")); CHECK(got_ == asio::error::shut_down); }
    using namespace asio::experimental::awaitable_operators;
    co_await (client.finish(std::chrono::seconds(5)) && server.finish(std::chrono::seconds(5)));
  });
}

TEST_CASE("ws_channel: bytes that arrived with the handshake response are not lost", "[ws_channel]") {
  asio::io_context io;
  test::loopback_acceptor acc(io);
  test::run(io, [&]() -> net::awaitable<void> {
    // A hand-written server answers the upgrade and sends a frame in the same write, so Beast's handshake
    // read takes both.
    auto server = [&]() -> net::awaitable<void> {
      auto socket = co_await acc.acceptor.async_accept(asio::use_awaitable);
      std::string request;
      co_await asio::async_read_until(socket, asio::dynamic_buffer(request), "\r\n\r\n", asio::use_awaitable);
      auto pos = request.find("Sec-WebSocket-Key: ");
      REQUIRE(pos != std::string::npos);
      auto key = request.substr(pos + 19, request.find("\r\n", pos) - pos - 19);
      std::string accept_src = key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
      unsigned char digest[SHA_DIGEST_LENGTH];
      SHA1(reinterpret_cast<const unsigned char*>(accept_src.data()), accept_src.size(), digest);
      std::string accept(net::beast::detail::base64::encoded_size(sizeof digest), '\0');
      accept.resize(net::beast::detail::base64::encode(accept.data(), digest, sizeof digest));
      std::string out = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Accept: " + accept + "\r\n\r\n";
      out += std::string("\x82\x03" "abc", 5);
      out += std::string("\x88\x02\x03\xE8", 4);
      co_await asio::async_write(socket, asio::buffer(out), asio::use_awaitable);
      char sink[256];
      for (;;) {
        auto [ec, n] = co_await socket.async_read_some(asio::buffer(sink), net::nothrow);
        if (ec) break;
      }
    };
    auto client_side = [&]() -> net::awaitable<void> {
      auto client = ws_channel::adopt(co_await test::connect_beast(acc.url()));
      { auto got_ = co_await test::read_until_close(client); CHECK(got_ == "abc"); }
      CHECK(client.close_code() == 1000);
      client.abort();
    };
    using namespace asio::experimental::awaitable_operators;
    co_await (server() && client_side());
  });
}

TEST_CASE("ws_channel: an unmodified Beast server understands us", "[ws_channel]") {
  asio::io_context io;
  test::loopback_acceptor acc(io);
  test::run(io, [&]() -> net::awaitable<void> {
    bool got_pong = false;
    auto server = [&]() -> net::awaitable<void> {
      auto accepted = co_await test::accept_beast(acc.acceptor);
      auto& ws = *accepted;
      ws.control_callback([&](net::websocket::frame_type kind, std::string_view payload) {
        if (kind == net::websocket::frame_type::pong && payload == "are you there") got_pong = true;
      });
      // Echo messages until the client closes; ping once.
      co_await ws.async_ping("are you there", asio::use_awaitable);
      for (;;) {
        net::beast::flat_buffer b;
        auto [ec, n] = co_await ws.async_read(b, net::nothrow);
        if (ec == net::websocket::error::closed) break;
        REQUIRE_FALSE(ec);
        CHECK(ws.got_binary());
        co_await ws.async_write(b.data(), asio::use_awaitable);
      }
      CHECK(ws.reason().code == 1000);
    };
    auto client_side = [&]() -> net::awaitable<void> {
    auto client = ws_channel::adopt(co_await test::connect_beast(acc.url()));
    std::mt19937 rng(7);
    for (std::size_t size : {0u, 1u, 125u, 126u, 65535u, 65536u, 200000u}) {
      frame_buffer fb(std::max<std::size_t>(size, 1));
      std::string sent(size, '\0');
      for (auto& c : sent) c = static_cast<char>(rng());
      std::memcpy(fb.payload(), sent.data(), size);
      { auto ec_ = co_await client.write(fb, size); REQUIRE_FALSE(ec_); }
      std::string echoed(size, '\0');
      auto [ec, n] = co_await client.read_message({reinterpret_cast<std::uint8_t*>(echoed.data()), echoed.size()});
      REQUIRE_FALSE(ec);
      CHECK(n == size);
      CHECK(echoed == sent);
    }
    co_await client.finish(std::chrono::seconds(5));
    };
    using namespace asio::experimental::awaitable_operators;
    co_await (server() && client_side());
    CHECK(got_pong);
  });
}

TEST_CASE("ws_channel: a malformed frame from the peer ends reading with protocol_error", "[ws_channel]") {
  asio::io_context io;
  test::loopback_acceptor acc(io);
  test::run(io, [&]() -> net::awaitable<void> {
    auto [server_ws, client_ws] = co_await test::connected_pair(acc);
    auto client = ws_channel::adopt(std::move(client_ws));
    auto& beast_server = server_ws;
    // Write a masked frame from the server side straight to the socket (servers must not mask).
    const unsigned char bad[] = {0x82, 0x81, 1, 2, 3, 4, 'x'};
    co_await asio::async_write(beast_server.tcp(), asio::buffer(bad), asio::use_awaitable);
    auto [ec, data] = co_await client.read_some();
    CHECK(ec == ws_channel::protocol_error());
    client.abort();
  });
}

TEST_CASE("ws_channel: a large message read in limited pieces", "[ws_channel]") {
  asio::io_context io;
  test::loopback_acceptor acc(io);
  test::run(io, [&]() -> net::awaitable<void> {
    auto [server_ws, client_ws] = co_await test::connected_pair(acc);
    auto client = ws_channel::adopt(std::move(client_ws));
    auto server = ws_channel::adopt(std::move(server_ws), {ws::role::server});
    std::string sent(500000, '\0');
    std::mt19937 rng(3);
    for (auto& c : sent) c = static_cast<char>(rng());
    frame_buffer fb(sent.size());
    std::memcpy(fb.payload(), sent.data(), sent.size());
    auto writer = [&]() -> net::awaitable<void> {
      { auto ec_ = co_await server.write(fb, sent.size()); REQUIRE_FALSE(ec_); }
      { auto ec_ = co_await server.close_output(); REQUIRE_FALSE(ec_); }
    };
    auto reader = [&]() -> net::awaitable<void> {
      std::string got;
      for (;;) {
        auto [ec, data] = co_await client.read_some(65536);
        if (ec) break;
        got.append(reinterpret_cast<const char*>(data.data()), data.size());
      }
      CHECK(got.size() == sent.size());
      CHECK(got == sent);
    };
    using namespace asio::experimental::awaitable_operators;
    co_await (writer() && reader());
    client.abort();
    server.abort();
  });
}
