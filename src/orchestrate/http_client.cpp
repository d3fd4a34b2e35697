#include "azbridge/orchestrate/http_client.hpp"

#include "azbridge/net/tls.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/url/parse.hpp>

#include <fmt/format.h>

namespace azbridge::orchestrate {
namespace {

using namespace net;

struct target {
  bool tls = true;
  std::string host;  // without brackets
  std::string port;
  std::string path_and_query;
  std::string host_header;
};

target parse_target(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) throw error(exit_code::usage, fmt::format("not a valid URL: {}", url));
  const auto& u = *parsed;
  target t;
  if (u.scheme() == "https") {
    t.tls = true;
  } else if (u.scheme() == "http") {
    t.tls = false;
  } else {
    throw error(exit_code::usage, fmt::format("only http:// and https:// URLs are supported: {}", url));
  }
  if (!u.has_authority() || u.encoded_host().empty()) throw error(exit_code::usage, fmt::format("URL without a host: {}", url));
  t.host = u.host_type() == boost::urls::host_type::ipv6 ? std::string(u.encoded_host_address())
                                                         : std::string(u.encoded_host());
  t.port = u.has_port() && !u.port().empty() ? std::string(u.port()) : (t.tls ? "443" : "80");
  t.path_and_query = u.encoded_path().empty() ? "/" : std::string(u.encoded_path());
  if (u.has_query()) t.path_and_query += "?" + std::string(u.encoded_query());
  t.host_header = std::string(u.encoded_host_and_port());
  return t;
}

http::request<http::string_body> to_beast(const http_request& in, const target& t) {
  http::request<http::string_body> req;
  auto verb = http::string_to_verb(in.method);
  if (verb == http::verb::unknown) throw error(exit_code::failure, "unknown HTTP method " + in.method);
  req.method(verb);
  req.target(t.path_and_query);
  req.version(11);
  req.set(http::field::host, t.host_header);
  req.set(http::field::connection, "close");
  for (const auto& [k, v] : in.headers) req.set(k, v);
  if (!in.body.empty() || in.method == "POST" || in.method == "PUT" || in.method == "PATCH") {
    req.body() = in.body;
    req.prepare_payload();
  }
  return req;
}

http_response from_beast(http::response<http::string_body>&& res) {
  http_response out;
  out.status = res.result_int();
  out.reason = std::string(res.reason());
  for (const auto& f : res) out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  out.body = std::move(res.body());
  return out;
}

std::string fail_text(const http_request& req, const target& t, std::string_view step, const error_code& ec) {
  std::string why = ec == beast::error::timeout || ec == asio::error::operation_aborted ? "timed out" : ec.message();
  return fmt::format("{}: {} {}:{} failed: {}", req.what.empty() ? req.method + " " + t.host : req.what, step,
                     t.host, t.port, why);
}

template <class Stream>
awaitable<http_response> exchange(Stream& stream, http::request<http::string_body>& req, const http_request& in,
                                  const target& t, std::size_t body_limit) {
  auto [wec, wn] = co_await http::async_write(stream, req, nothrow);
  if (wec) throw network_error(fail_text(in, t, "sending to", wec));
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(body_limit);
  auto [rec, rn] = co_await http::async_read(stream, buffer, parser, nothrow);
  if (rec) throw network_error(fail_text(in, t, "reading the answer from", rec));
  co_return from_beast(parser.release());
}

}  // namespace

awaitable<http_response> beast_transport::send(const http_request& request, std::chrono::milliseconds timeout) {
  auto t = parse_target(request.url);
  auto req = to_beast(request, t);
  auto ex = co_await asio::this_coro::executor;

  // Name resolution has no deadline of its own: a watchdog cancels it.
  tcp::resolver resolver(ex);
  asio::steady_timer watchdog(ex, timeout);
  watchdog.async_wait([&resolver](error_code ec) {
    if (!ec) resolver.cancel();
  });
  auto [rec, endpoints] = co_await resolver.async_resolve(t.host, t.port, nothrow);
  watchdog.cancel();
  if (rec) throw network_error(fail_text(request, t, "resolving", rec));

  beast::tcp_stream tcp_stream(ex);
  tcp_stream.expires_after(timeout);  // one deadline for connect, handshake, write and read
  auto [cec, ep] = co_await tcp_stream.async_connect(endpoints, nothrow);
  if (cec) throw network_error(fail_text(request, t, "connecting to", cec));

  if (!t.tls) {
    auto res = co_await exchange(tcp_stream, req, request, t, body_limit_);
    error_code ignored;
    tcp_stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return res;
  }
  tls_stream stream(std::move(tcp_stream), tls_);
  prepare_client_stream(stream, t.host, true);
  auto [hec] = co_await stream.async_handshake(ssl::stream_base::client, nothrow);
  if (hec) throw network_error(fail_text(request, t, "TLS handshake with", hec));
  auto res = co_await exchange(stream, req, request, t, body_limit_);
  // The server closes (Connection: close); a TLS close_notify exchange adds nothing here.
  beast::get_lowest_layer(stream).close();
  co_return res;
}

awaitable<void> sleep_for(std::chrono::milliseconds delay) {
  asio::steady_timer timer(co_await asio::this_coro::executor, delay);
  co_await timer.async_wait(asio::use_awaitable);
}

awaitable<http_response> http_client::send(http_request request, std::chrono::milliseconds timeout) {
  for (int attempt = 1;; ++attempt) {
    if (observer_) {
      observer_({http_event::sending, request, nullptr, attempt > 1 ? fmt::format("attempt {}", attempt) : std::string()});
    }
    std::optional<http_response> response;
    std::optional<network_error> failed;
    try {
      response = co_await transport_.send(request, timeout);
    } catch (const network_error& e) {
      failed = e;
    }
    auto delay = retry_delay(policy_, request.retry, attempt, response ? &*response : nullptr,
                             std::chrono::system_clock::now());
    if (response && observer_) {
      observer_({http_event::received, request, &*response,
                 delay ? fmt::format("retrying in {:.1f}s", delay->count() / 1000.0) : std::string()});
    }
    if (!delay) {
      if (failed) throw *failed;
      co_return std::move(*response);
    }
    if (failed && observer_) {
      observer_({http_event::failed, request, nullptr,
                 fmt::format("{}; retrying in {:.1f}s", failed->what(), delay->count() / 1000.0)});
    }
    co_await sleep_for(*delay);
  }
}

}  // namespace azbridge::orchestrate
