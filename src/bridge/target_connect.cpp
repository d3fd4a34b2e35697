#include "target_connect.hpp"

#include "local_stream.hpp"

#include "azbridge/net/resolve.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include <fmt/format.h>

namespace azbridge::bridge::detail {

namespace asio = net::asio;
using net::error_code;
using net::nothrow;

namespace {

// The source address of outbound connections (-b); nullopt when unset or a wildcard.
std::optional<asio::ip::address> source_address(runtime& rt, std::string& error) {
  if (!rt.cfg.bind_address || rt.cfg.bind_address->empty()) return std::nullopt;
  auto a = resolve_bind_address(*rt.cfg.bind_address);
  if (!a) {
    error = a.error();
    return std::nullopt;
  }
  if (a->is_unspecified()) return std::nullopt;
  return *a;
}

}  // namespace

std::string target_text(const config::remote_forward_binding& b) {
  if (b.is_socket()) return "unix:" + b.local_socket;
  auto host = b.effective_host();
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return fmt::format("{}:{}", host, b.port());
}

net::awaitable<target_result> connect_stream_target(runtime& rt, const config::remote_forward_binding& b) {
  target_result out;
  auto ex = co_await asio::this_coro::executor;
  if (b.is_socket()) {
    asio::local::stream_protocol::socket s(ex);
    watchdog limit(ex, rt.target_connect_timeout, [&s] {
      error_code ignored;
      s.close(ignored);
    });
    auto [ec] = co_await s.async_connect(asio::local::stream_protocol::endpoint(b.local_socket), nothrow);
    if (limit.fired()) ec = asio::error::timed_out;
    if (ec) {
      out.error = fmt::format("{}: {}", target_text(b), ec.message());
      co_return out;
    }
    out.socket.emplace(std::move(s));
    co_return out;
  }

  std::string source_error;
  auto source = source_address(rt, source_error);
  if (!source_error.empty()) {
    out.error = source_error;
    co_return out;
  }
  asio::ip::tcp::resolver resolver(ex);
  auto [rec, endpoints] = co_await net::resolve(resolver, b.effective_host(), std::to_string(b.port()), rt.target_connect_timeout);
  if (rec) {
    out.error = fmt::format("{}: cannot resolve: {}", target_text(b), rec.message());
    co_return out;
  }
  error_code last = asio::error::host_not_found;
  const auto deadline = std::chrono::steady_clock::now() + rt.target_connect_timeout;
  for (const auto& entry : endpoints) {
    auto ep = entry.endpoint();
    if (source && source->is_v4() != ep.address().is_v4()) continue;  // the source address decides the family
    asio::ip::tcp::socket s(ex);
    error_code ec;
    s.open(ep.protocol(), ec);
    if (!ec && source) s.bind(asio::ip::tcp::endpoint(*source, 0), ec);
    if (ec) {
      last = ec;
      continue;
    }
    auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) {
      last = asio::error::timed_out;
      break;
    }
    watchdog limit(ex, left, [&s] {
      error_code ignored;
      s.close(ignored);
    });
    std::tie(ec) = co_await s.async_connect(ep, nothrow);
    if (limit.fired()) ec = asio::error::timed_out;
    if (!ec) {
      s.set_option(asio::ip::tcp::no_delay(true), ec);
      out.socket.emplace(std::move(s));
      co_return out;
    }
    last = ec;
  }
  out.error = fmt::format("{}: {}", target_text(b), last.message());
  co_return out;
}

net::awaitable<udp_target_result> connect_udp_target(runtime& rt, const config::remote_forward_binding& b) {
  udp_target_result out;
  auto ex = co_await asio::this_coro::executor;
  std::string source_error;
  auto source = source_address(rt, source_error);
  if (!source_error.empty()) {
    out.error = source_error;
    co_return out;
  }
  asio::ip::udp::resolver resolver(ex);
  auto [rec, endpoints] = co_await net::resolve(resolver, b.effective_host(), std::to_string(b.port()), rt.target_connect_timeout);
  if (rec) {
    out.error = fmt::format("{}: cannot resolve: {}", target_text(b), rec.message());
    co_return out;
  }
  error_code last = asio::error::host_not_found;
  for (const auto& entry : endpoints) {
    auto ep = entry.endpoint();
    if (source && source->is_v4() != ep.address().is_v4()) continue;
    asio::ip::udp::socket s(ex);
    error_code ec;
    s.open(ep.protocol(), ec);
    if (!ec && source) s.bind(asio::ip::udp::endpoint(*source, 0), ec);
    if (!ec) s.connect(ep, ec);
    if (!ec) {
      out.socket.emplace(std::move(s));
      co_return out;
    }
    last = ec;
  }
  out.error = fmt::format("{}: {}", target_text(b), last.message());
  co_return out;
}

}  // namespace azbridge::bridge::detail
