// An accepted connection before any WebSocket upgrade: plain TCP or TLS, chosen at run time. Carries the HTTP
// exchange of the handshake (so errors get a real status line and reason phrase) and HTTP relaying, and can be
// turned into a net::ws_stream.
#pragma once

#include "azbridge/net/asio.hpp"
#include "azbridge/net/ws_stream.hpp"

#include <variant>

namespace azbridge::relay_server {

class server_stream {
 public:
  using plain_stream = net::beast::tcp_stream;
  using tls_stream = net::tls_stream;

  explicit server_stream(plain_stream&& s) : s_(std::move(s)) {}
  explicit server_stream(tls_stream&& s) : s_(std::move(s)) {}
  server_stream(server_stream&&) = default;

  bool is_tls() const noexcept { return s_.index() == 1; }
  net::beast::tcp_stream& tcp() noexcept;

  template <class Parser>
  net::awaitable<std::tuple<net::error_code, std::size_t>> read_header(net::beast::flat_buffer& b, Parser& p) {
    return std::visit([&](auto& s) { return net::http::async_read_header(s, b, p, net::nothrow); }, s_);
  }
  template <class Parser>
  net::awaitable<std::tuple<net::error_code, std::size_t>> read(net::beast::flat_buffer& b, Parser& p) {
    return std::visit([&](auto& s) { return net::http::async_read(s, b, p, net::nothrow); }, s_);
  }
  template <class Message>
  net::awaitable<std::tuple<net::error_code, std::size_t>> write(Message& m) {
    return std::visit([&](auto& s) { return net::http::async_write(s, m, net::nothrow); }, s_);
  }
  template <class Serializer>
  net::awaitable<std::tuple<net::error_code, std::size_t>> write_header(Serializer& sr) {
    return std::visit([&](auto& s) { return net::http::async_write_header(s, sr, net::nothrow); }, s_);
  }
  template <class ConstBuffers>
  net::awaitable<std::tuple<net::error_code, std::size_t>> write_raw(const ConstBuffers& buffers) {
    return std::visit([&](auto& s) { return net::asio::async_write(s, buffers, net::nothrow); }, s_);
  }

  /// The server side of the TLS handshake (no-op for plain TCP), bounded by `timeout`.
  net::awaitable<net::error_code> tls_handshake(std::chrono::milliseconds timeout);

  /// Ends the connection politely: TLS close_notify (bounded by `timeout`), TCP FIN, close.
  net::awaitable<void> shutdown(std::chrono::milliseconds timeout);

  /// Closes the socket at once; pending operations complete with operation_aborted.
  void abort() noexcept;

  /// Moves the connection into a WebSocket stream (not yet accepted). The stream's TCP timeouts are cleared
  /// because Beast's WebSocket timeouts take over.
  net::ws_stream into_websocket() &&;

 private:
  std::variant<plain_stream, tls_stream> s_;
};

}  // namespace azbridge::relay_server
