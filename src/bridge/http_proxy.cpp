#include "http_proxy.hpp"

#include "azbridge/net/tls.hpp"
#include "azbridge/util/log.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <fmt/format.h>

#include <variant>

namespace azbridge::bridge::detail {

namespace asio = net::asio;
namespace http = net::http;
namespace beast = net::beast;
using net::error_code;
using net::nothrow;

namespace {

constexpr std::chrono::seconds request_timeout{60};  // the relay gives up on a response after 60 s
constexpr std::size_t max_response_body = 64 * 1024 * 1024;

relay_client::http_response error_response(int status, std::string text) {
  relay_client::http_response r;
  r.status_code = status;
  r.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  r.body = std::move(text) + "\n";
  return r;
}

template <class Stream>
net::awaitable<std::tuple<error_code, http::response<http::string_body>>> exchange(Stream& stream,
                                                                                   http::request<http::string_body>& req) {
  http::response<http::string_body> res;
  auto [wec, written] = co_await http::async_write(stream, req, nothrow);
  if (wec) co_return std::tuple{wec, std::move(res)};
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(max_response_body);
  parser.skip(req.method() == http::verb::head);
  auto [rec, read] = co_await http::async_read(stream, buffer, parser, nothrow);
  if (rec) co_return std::tuple{rec, std::move(res)};
  co_return std::tuple{error_code{}, parser.release()};
}

}  // namespace

expected<http_binding> make_http_binding(const config::remote_forward_binding& b) {
  auto origin = make_http_origin(b.effective_port_name(), b.effective_host(), b.port(), b.path);
  if (!origin) return failure{origin.error()};
  http_binding hb;
  hb.origin = *origin;
  hb.insecure = b.insecure;
  if (hb.origin.tls) {
    try {
      net::client_tls_options o;
      o.verify = !b.insecure;
      hb.tls = std::make_shared<net::ssl::context>(net::make_client_context(o));
    } catch (const std::exception& e) {
      return failure{fmt::format("cannot set up TLS for https://{}: {}", b.effective_host(), e.what())};
    }
  }
  return hb;
}

net::awaitable<relay_client::http_response> forward_http(runtime& /*rt*/, const http_binding& binding,
                                                         const std::string& relay, relay_client::http_request request) {
  const auto started = std::chrono::steady_clock::now();
  auto mapped = map_http_target(relay, binding.origin, request.target);
  if (!mapped) {
    log::warn("RemoteForwardHttpRequestFailed", "relay '{}': {} {}: {}", relay, request.method, request.target, mapped.error());
    co_return error_response(400, "azbridge: " + mapped.error());
  }

  http::request<http::string_body> req;
  auto verb = http::string_to_verb(request.method);
  if (verb == http::verb::unknown) {
    req.method_string(request.method);
  } else {
    req.method(verb);
  }
  req.target(mapped->target);
  req.version(11);
  for (const auto& [name, value] : request.headers) {
    if (!is_hop_by_hop_header(name)) req.insert(name, value);
  }
  req.set(http::field::host, mapped->host_header);
  req.set(http::field::connection, "close");
  req.body() = std::move(request.body);
  if (!req.body().empty() || verb == http::verb::post || verb == http::verb::put || verb == http::verb::patch) {
    req.prepare_payload();
  }

  auto ex = co_await asio::this_coro::executor;
  beast::tcp_stream tcp(ex);
  std::optional<net::tls_stream> tls;
  beast::tcp_stream* lowest = &tcp;  // moves into the TLS stream for https
  bool timed_out = false;
  watchdog limit(ex, request_timeout, [&lowest, &timed_out] {
    timed_out = true;
    lowest->close();
  });

  std::string failure_text;
  http::response<http::string_body> res;
  asio::ip::tcp::resolver resolver(ex);
  auto [rec, endpoints] = co_await resolver.async_resolve(binding.origin.host, std::to_string(binding.origin.port), nothrow);
  if (rec) {
    failure_text = "cannot resolve " + binding.origin.host + ": " + rec.message();
  } else {
    auto [cec, ep] = co_await tcp.async_connect(endpoints, nothrow);
    if (cec) {
      failure_text = cec.message();
    } else {
      tcp.socket().set_option(asio::ip::tcp::no_delay(true));
      error_code ec;
      if (binding.origin.tls) {
        tls.emplace(std::move(tcp), *binding.tls);
        lowest = &tls->next_layer();
        net::prepare_client_stream(*tls, binding.origin.host, !binding.insecure);
        std::tie(ec) = co_await tls->async_handshake(net::ssl::stream_base::client, nothrow);
        if (ec) failure_text = "TLS handshake failed: " + ec.message();
        if (!ec) std::tie(ec, res) = co_await exchange(*tls, req);
      } else {
        std::tie(ec, res) = co_await exchange(tcp, req);
      }
      if (ec && failure_text.empty()) failure_text = ec.message();
    }
  }
  if (timed_out) failure_text = fmt::format("no answer within {} s", request_timeout.count());
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  error_code ignored;
  lowest->socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  lowest->close();

  if (!failure_text.empty()) {
    log::warn("RemoteForwardHttpRequestFailed", "relay '{}': \"{} {}\" -> {}: {}", relay, request.method,
              request.target, mapped->url, failure_text);
    co_return error_response(500, fmt::format("azbridge: cannot get {}: {}", mapped->url, failure_text));
  }

  relay_client::http_response out;
  out.status_code = static_cast<int>(res.result_int());
  out.reason = std::string(res.reason());
  for (const auto& field : res) {
    if (!is_hop_by_hop_header(field.name_string())) out.headers.emplace_back(field.name_string(), field.value());
  }
  out.body = std::move(res.body());
  log::info("RemoteForwardHttpRequestForwarded", "relay '{}': \"{} {}\" -> {} {} ({} bytes, {} ms)", relay,
            request.method, request.target, mapped->url, out.status_code, out.body.size(), ms);
  co_return out;
}

}  // namespace azbridge::bridge::detail
