// Name resolution with a deadline, and without a thread hop for IP literals.
#pragma once

#include "azbridge/net/asio.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <string>
#include <tuple>

namespace azbridge::net {

/// Resolves host:port (TCP or UDP resolver). An IP literal is converted in place: getaddrinfo with
/// AI_NUMERICHOST returns at once, while Asio's async_resolve hands every lookup to its resolver thread and
/// back (two thread switches, on the path of every new relayed connection). A name goes to the resolver
/// thread and is cancelled after `timeout` (asio::error::timed_out).
template <class Resolver>
awaitable<std::tuple<error_code, typename Resolver::results_type>> resolve(Resolver& resolver, const std::string& host,
                                                                          const std::string& port,
                                                                          std::chrono::steady_clock::duration timeout) {
  error_code ec;
  asio::ip::make_address(host, ec);
  if (!ec) {
    auto results = resolver.resolve(host, port, Resolver::numeric_host | Resolver::numeric_service, ec);
    co_return std::tuple{ec, std::move(results)};
  }
  asio::steady_timer watchdog(resolver.get_executor(), timeout);
  bool fired = false;
  watchdog.async_wait([&resolver, &fired](error_code wec) {
    if (wec) return;
    fired = true;
    resolver.cancel();
  });
  auto [rec, results] = co_await resolver.async_resolve(host, port, nothrow);
  watchdog.cancel();
  if (fired) rec = asio::error::timed_out;
  co_return std::tuple{rec, std::move(results)};
}

}  // namespace azbridge::net
