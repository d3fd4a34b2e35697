#include "server_stream.hpp"

#include <boost/beast/websocket/ssl.hpp>

namespace azbridge::relay_server {

net::beast::tcp_stream& server_stream::tcp() noexcept {
  return std::visit([](auto& s) -> net::beast::tcp_stream& { return net::beast::get_lowest_layer(s); }, s_);
}

net::awaitable<net::error_code> server_stream::tls_handshake(std::chrono::milliseconds timeout) {
  auto* tls = std::get_if<tls_stream>(&s_);
  if (!tls) co_return net::error_code{};
  tcp().expires_after(timeout);
  auto [ec] = co_await tls->async_handshake(net::ssl::stream_base::server, net::nothrow);
  co_return ec;
}

net::awaitable<void> server_stream::shutdown(std::chrono::milliseconds timeout) {
  net::error_code ignored;
  if (auto* tls = std::get_if<tls_stream>(&s_)) {
    tcp().expires_after(timeout);
    co_await tls->async_shutdown(net::nothrow);
  }
  tcp().socket().shutdown(net::tcp::socket::shutdown_send, ignored);
  tcp().socket().close(ignored);
}

void server_stream::abort() noexcept {
  net::error_code ignored;
  tcp().socket().shutdown(net::tcp::socket::shutdown_both, ignored);
  tcp().socket().close(ignored);
}

net::ws_stream server_stream::into_websocket() && {
  tcp().expires_never();
  if (auto* tls = std::get_if<tls_stream>(&s_)) return net::ws_stream(net::ws_stream::tls_ws(std::move(*tls)));
  return net::ws_stream(net::ws_stream::plain_ws(std::move(std::get<plain_stream>(s_))));
}

}  // namespace azbridge::relay_server
