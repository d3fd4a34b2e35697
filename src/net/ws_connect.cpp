#include "azbridge/net/resolve.hpp"
#include "azbridge/net/tls.hpp"
#include "azbridge/net/ws_stream.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/url/parse.hpp>

#include <fmt/format.h>

namespace azbridge::net {

std::optional<ws_url> ws_url::parse(std::string_view text) {
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) return std::nullopt;
  const auto& u = *parsed;
  ws_url out;
  auto scheme = u.scheme();
  if (scheme == "wss" || scheme == "sb" || scheme == "https") {
    out.tls = true;
  } else if (scheme == "ws" || scheme == "http") {
    out.tls = false;
  } else {
    return std::nullopt;
  }
  if (!u.has_authority() || u.encoded_host().empty()) return std::nullopt;
  out.host = u.host_type() == boost::urls::host_type::ipv6 ? std::string(u.encoded_host_address())
                                                            : std::string(u.encoded_host());
  out.port = u.has_port() && !u.port().empty() ? std::string(u.port()) : (out.tls ? "443" : "80");
  out.target = u.encoded_path().empty() ? "/" : std::string(u.encoded_path());
  if (u.has_query()) {
    out.target += '?';
    out.target += u.encoded_query();
  }
  return out;
}

std::string ws_url::host_header() const {
  bool v6 = host.find(':') != std::string::npos;
  auto h = v6 ? "[" + host + "]" : host;
  bool default_port = (tls && port == "443") || (!tls && port == "80");
  return default_port ? h : h + ":" + port;
}

std::string ws_connect_result::describe() const {
  if (ec == websocket::error::upgrade_declined) {
    auto reason = std::string(response.reason());
    return fmt::format("{} {}", response.result_int(), reason.empty() ? std::string("(no reason given)") : reason);
  }
  return ec.message();
}

namespace {

template <class WsStream>
awaitable<error_code> upgrade(WsStream& ws, const ws_url& url, const ws_connect_options& options,
                              http::response<http::string_body>& response) {
  ws.set_option(websocket::stream_base::decorator([&options](websocket::request_type& req) {
    for (const auto& field : options.headers) req.set(field.name_string(), field.value());
  }));
  websocket::stream_base::timeout t{};
  t.handshake_timeout = options.timeout;
  t.idle_timeout = websocket::stream_base::none();
  t.keep_alive_pings = false;
  ws.set_option(t);
  ws.write_buffer_bytes(options.write_buffer_bytes);
  ws.binary(true);
  auto [ec] = co_await ws.async_handshake(response, url.host_header(), url.target, nothrow);
  co_return ec;
}

}  // namespace

awaitable<ws_connect_result> ws_connect(ssl::context* tls, const ws_url& url, ws_connect_options options) {
  ws_connect_result result;
  auto ex = co_await asio::this_coro::executor;
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;

  tcp::resolver resolver(ex);
  auto [rec, endpoints] = co_await resolve(resolver, url.host, url.port, options.timeout);
  if (rec) {
    result.ec = rec == asio::error::timed_out ? make_error_code(beast::error::timeout) : rec;
    co_return result;
  }

  beast::tcp_stream tcp_stream(ex);
  tcp_stream.expires_at(deadline);
  auto [cec, endpoint] = co_await tcp_stream.async_connect(endpoints, nothrow);
  if (cec) {
    result.ec = cec;
    co_return result;
  }
  tcp_stream.socket().set_option(tcp::no_delay(true));

  if (url.tls) {
    if (tls == nullptr) {
      result.ec = make_error_code(asio::error::no_protocol_option);
      co_return result;
    }
    ws_stream::tls_ws ws(std::move(tcp_stream), *tls);
    prepare_client_stream(ws.next_layer(), url.host, options.verify_tls);
    enable_session_resumption(ws.next_layer(), url.host, url.port);
    auto [hec] = co_await ws.next_layer().async_handshake(ssl::stream_base::client, nothrow);
    if (hec) {
      result.ec = hec;
      co_return result;
    }
    beast::get_lowest_layer(ws).expires_never();  // the WebSocket's own timeouts take over
    options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::max(deadline - std::chrono::steady_clock::now(), std::chrono::steady_clock::duration(std::chrono::milliseconds(1))));
    result.ec = co_await upgrade(ws, url, options, result.response);
    if (!result.ec) result.stream.emplace(std::move(ws));
  } else {
    ws_stream::plain_ws ws(std::move(tcp_stream));
    beast::get_lowest_layer(ws).expires_never();
    options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::max(deadline - std::chrono::steady_clock::now(), std::chrono::steady_clock::duration(std::chrono::milliseconds(1))));
    result.ec = co_await upgrade(ws, url, options, result.response);
    if (!result.ec) result.stream.emplace(std::move(ws));
  }
  co_return result;
}

}  // namespace azbridge::net
