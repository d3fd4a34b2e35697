#include "ws_util.hpp"

#include <boost/beast/websocket/ssl.hpp>
#include <fmt/format.h>

namespace azbridge::relay_server {

net::websocket::close_reason make_close_reason(std::uint16_t code, std::string_view text) {
  net::websocket::close_reason r;
  r.code = code;
  // Keep whole UTF-8 sequences: cut at a byte that does not continue a sequence.
  std::size_t n = std::min<std::size_t>(text.size(), 123);
  while (n > 0 && n < text.size() && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  r.reason.assign(text.data(), n);
  return r;
}

net::websocket::close_reason make_close_reason(net::websocket::close_code code, std::string_view text) {
  return make_close_reason(static_cast<std::uint16_t>(code), text);
}

net::awaitable<net::error_code> accept_websocket(net::ws_stream& ws,
                                                 const net::http::request<net::http::empty_body>& req,
                                                 std::string_view protocol, std::chrono::milliseconds timeout) {
  using net::websocket::stream_base;
  std::string chosen(protocol);
  stream_base::timeout t{};
  t.handshake_timeout = timeout;
  t.idle_timeout = stream_base::none();
  t.keep_alive_pings = false;
  ws.set_timeout(t);
  auto [ec] = co_await ws.visit([&](auto& s) {
    s.auto_fragment(false);
    s.binary(true);
    s.set_option(stream_base::decorator([chosen](net::websocket::response_type& res) {
      res.set(net::http::field::server, "azbridge-relay");
      if (!chosen.empty()) res.set(net::http::field::sec_websocket_protocol, chosen);
    }));
    return s.async_accept(req, net::nothrow);
  });
  co_return ec;
}

std::string describe_end(const net::ws_stream& ws, const net::error_code& ec) {
  if (ec == net::websocket::error::closed) {
    const auto& r = ws.reason();
    if (r.code == net::websocket::close_code::none) return "closed by peer (no status)";
    return fmt::format("closed by peer ({} {})", static_cast<unsigned>(r.code), std::string_view(r.reason.data(), r.reason.size()));
  }
  return ec.message();
}

}  // namespace azbridge::relay_server
