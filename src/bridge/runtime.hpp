// What every forwarder of one `azbridge` process shares (internal to the bridge): the I/O context, the TLS
// client context for the relay, the pump settings, and the registry of live connections that a shutdown
// stops. Everything runs on one thread (docs/architecture.md: one io_context, one thread), so no locks.
#pragma once

#include "azbridge/bridge/stream_pump.hpp"
#include "azbridge/config/config.hpp"
#include "azbridge/net/asio.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace azbridge::bridge::detail {

/// Live connections, each with a hook that ends it cleanly; shutdown stops them all and waits. Held by
/// shared_ptr: coroutine frames destroyed with the io_context still unregister safely.
class connection_registry {
 public:

  std::uint64_t add(std::function<void()> stop) {
    auto id = next_++;
    hooks_.emplace(id, std::move(stop));
    if (stopping_) hooks_[id]();
    return id;
  }
  void remove(std::uint64_t id) { hooks_.erase(id); }
  /// Asks every connection to end; later ones are stopped as soon as they register.
  void stop_all() {
    stopping_ = true;
    auto copy = hooks_;
    for (auto& [id, hook] : copy) hook();
  }
  std::size_t size() const noexcept { return hooks_.size(); }
  /// Completes when no connection is left or at `deadline`.
  net::awaitable<void> wait_empty(std::chrono::steady_clock::time_point deadline);

 private:
  std::map<std::uint64_t, std::function<void()>> hooks_;
  std::uint64_t next_ = 1;
  bool stopping_ = false;
};

/// RAII membership in the registry.
class registration {
 public:
  registration(std::shared_ptr<connection_registry> r, std::function<void()> stop)
      : r_(std::move(r)), id_(r_->add(std::move(stop))) {}
  ~registration() { r_->remove(id_); }
  registration(const registration&) = delete;
  registration& operator=(const registration&) = delete;

 private:
  std::shared_ptr<connection_registry> r_;
  std::uint64_t id_;
};

/// Calls `on_expiry` once if still armed after `after`; disarmed when destroyed. Safe to destroy at any time.
class watchdog {
 public:
  watchdog(net::asio::any_io_executor ex, std::chrono::steady_clock::duration after, std::function<void()> on_expiry);
  ~watchdog();
  watchdog(const watchdog&) = delete;
  watchdog& operator=(const watchdog&) = delete;
  bool fired() const noexcept;

 private:
  struct state {
    bool armed = true;
    bool fired = false;
    std::function<void()> on_expiry;
  };
  std::shared_ptr<state> state_;
  net::asio::steady_timer timer_;
};

struct runtime {
  runtime(net::asio::io_context& context, const config::config& configuration, net::ssl::context& tls_context)
      : io(context), cfg(configuration), tls(tls_context), connections(std::make_shared<connection_registry>()) {}

  net::asio::io_context& io;
  const config::config& cfg;
  net::ssl::context& tls;  // verified client context for the relay
  pump_options pump;
  std::chrono::milliseconds target_connect_timeout{std::chrono::seconds(30)};
  std::chrono::milliseconds preamble_timeout{std::chrono::seconds(30)};
  std::shared_ptr<connection_registry> connections;
  bool stopping = false;
};

/// "12.345 s" for the per-connection log line.
std::string human_duration(std::chrono::steady_clock::duration d);

}  // namespace azbridge::bridge::detail
