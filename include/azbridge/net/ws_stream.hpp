// A WebSocket over plain TCP or over TLS, chosen at run time, with coroutine operations that report
// errors as values. Everything above the net layer uses this one type, so no code is templated on the
// transport.
#pragma once

#include "azbridge/net/asio.hpp"
#include "azbridge/net/tls_stream.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <tuple>
#include <variant>

namespace azbridge::net {

class ws_stream {
 public:
  using plain_ws = websocket::stream<beast::tcp_stream>;
  using tls_ws = websocket::stream<tls_stream>;

  explicit ws_stream(plain_ws&& s) : s_(std::move(s)) {}
  explicit ws_stream(tls_ws&& s) : s_(std::move(s)) {}
  ws_stream(ws_stream&&) = default;
  ws_stream& operator=(ws_stream&&) = default;

  bool is_tls() const noexcept { return s_.index() == 1; }
  beast::tcp_stream& tcp() noexcept;
  asio::any_io_executor get_executor() noexcept { return tcp().get_executor(); }

  /// Calls f(stream) with the concrete websocket::stream; for operations not wrapped below.
  template <class F>
  decltype(auto) visit(F&& f) {
    return std::visit(std::forward<F>(f), s_);
  }

  // Data path (one reader and one writer at a time, as Beast requires).
  awaitable<std::tuple<error_code, std::size_t>> read_some(asio::mutable_buffer buffer);
  awaitable<std::tuple<error_code, std::size_t>> read(beast::flat_buffer& buffer);
  awaitable<std::tuple<error_code, std::size_t>> write(asio::const_buffer buffer);
  awaitable<std::tuple<error_code, std::size_t>> write_some(bool fin, asio::const_buffer buffer);
  awaitable<error_code> close(const websocket::close_reason& reason);
  awaitable<error_code> pong(const websocket::ping_data& payload = {});

  // Message state and options, forwarded to the underlying stream.
  void binary(bool on);
  void text(bool on) { binary(!on); }
  bool got_binary() const;
  bool got_text() const { return !got_binary(); }
  bool is_message_done() const;
  bool is_open() const;
  const websocket::close_reason& reason() const;
  void set_timeout(const websocket::stream_base::timeout& t);
  void read_message_max(std::size_t bytes);

  /// Closes the TCP socket at once (no close handshake): cancels every pending operation.
  void abort() noexcept;

 private:
  std::variant<plain_ws, tls_ws> s_;
};

/// Where a client WebSocket goes: parsed from "ws://", "wss://" (and the relay's own "sb://", meaning wss).
struct ws_url {
  bool tls = true;
  std::string host;    // no brackets for IPv6
  std::string port;    // always set ("443" / "80" by default)
  std::string target;  // path and query, starting with '/'

  static std::optional<ws_url> parse(std::string_view url);
  std::string host_header() const;  // host[:port] as sent in Host
};

struct ws_connect_options {
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};  // resolve + TCP + TLS + upgrade
  http::fields headers;               // extra request headers, e.g. ServiceBusAuthorization
  std::size_t write_buffer_bytes = 64 * 1024;  // client frames are masked in a buffer this large
  bool verify_tls = true;
};

struct ws_connect_result {
  error_code ec;                                 // websocket::error::upgrade_declined for an HTTP answer
  http::response<http::string_body> response;    // the server's answer (status, reason, headers)
  std::optional<ws_stream> stream;               // set on success

  /// "401 Unauthorized: <reason>" for declined upgrades, else the error code's message.
  std::string describe() const;
};

/// Resolves, connects (TCP_NODELAY), TLS handshakes with verification and SNI, and upgrades to a binary
/// WebSocket within options.timeout. Never throws for network failures.
awaitable<ws_connect_result> ws_connect(ssl::context* tls, const ws_url& url, ws_connect_options options);

}  // namespace azbridge::net
