// azbridge's main mode: start every local and remote forwarder of the configuration, report readiness, and
// stop cleanly on SIGINT/SIGTERM (stop accepting, close relayed connections with Close(1000), exit 0).
#include "azbridge/bridge/bridge.hpp"

#include "azbridge/net/tls.hpp"
#include "azbridge/util/log.hpp"
#include "local_stream.hpp"
#include "local_udp.hpp"
#include "remote_forwarder.hpp"
#include "runtime.hpp"
#include "service_notify.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <fmt/format.h>

#include <csignal>
#include <cstdio>
#include <memory>
#include <vector>

namespace azbridge::bridge {

namespace asio = net::asio;
using namespace detail;

namespace {

// How long a stop may take: relayed connections get this long to finish their closing handshake.
constexpr std::chrono::seconds stop_grace{2};

void notify(std::string_view state) {
  std::string error;
  if (!notify_service_manager(state, error)) {
    log::warn("ServiceNotifyFailed", "cannot notify the service manager ({}): {}", state, error);
  }
}

class bridge_host {
 public:
  bridge_host(asio::io_context& io, const config::config& cfg, net::ssl::context& tls, bool service_mode)
      : io_(io), rt_(io, cfg, tls), service_mode_(service_mode), signals_(io, SIGINT, SIGTERM) {}

  /// Binds every local listener and prepares every remote forwarder. False when the process must exit.
  bool prepare() {
    const auto& cfg = rt_.cfg;
    for (const auto& forward : cfg.local_forwards) {
      for (const auto& binding : forward.bindings) {
        auto access = sender_access(cfg, forward, binding);
        if (!access) {
          if (!start_failure(access.error())) return false;
          continue;
        }
        if (binding.is_udp()) {
          auto f = std::make_shared<local_udp_forwarder>(rt_, forward, binding, std::move(*access));
          if (auto ok = f->listen(); !ok) {
            if (!start_failure(fmt::format("{}: {}", forward.origin, ok.error()))) return false;
            continue;
          }
          local_udp_.push_back(std::move(f));
        } else {
          auto f = std::make_shared<local_stream_forwarder>(rt_, forward, binding, std::move(*access));
          if (auto ok = f->listen(); !ok) {
            if (!start_failure(fmt::format("{}: {}", forward.origin, ok.error()))) return false;
            continue;
          }
          local_stream_.push_back(std::move(f));
        }
      }
    }
    for (const auto& forward : cfg.remote_forwards) {
      remote_forwarder::events ev;
      ev.online = [this] {
        ++remote_online_;
        check_ready();
      };
      ev.failed_to_start = [this, relay = forward.relay_name](const std::string& why) {
        if (!rt_.cfg.effective_exit_on_forward_failure() || stopping_) return;
        log::error("RemoteForwardBridgeStartFailure", "relay '{}' could not be opened: {}", relay, why);
        exit_status_ = 1;
        begin_stop("a remote forwarder failed to start (ExitOnForwardFailure)");
      };
      auto f = remote_forwarder::create(rt_, forward, std::move(ev));
      if (!f) {
        if (!start_failure(f.error())) return false;
        continue;
      }
      remote_.push_back(std::move(*f));
    }
    if (local_stream_.empty() && local_udp_.empty() && remote_.empty()) {
      log::error("BridgeStartFailure", "no forwarder could be started");
      exit_status_ = 1;
      return false;
    }
    return true;
  }

  void start() {
    signals_.async_wait([this](net::error_code ec, int sig) {
      if (!ec) begin_stop(sig == SIGINT ? "SIGINT" : "SIGTERM");
    });
    for (auto& f : local_stream_) f->start();
    for (auto& f : local_udp_) f->start();
    for (auto& f : remote_) f->start();
    locals_started_ = true;
    check_ready();
  }

  int exit_status() const noexcept { return exit_status_; }

  /// Called after io.run() returned: everything the io_context still holds is released with it.
  void release() {
    local_stream_.clear();
    local_udp_.clear();
    remote_.clear();
  }

 private:
  // A forwarder that cannot start: fatal with ExitOnForwardFailure (the default), else logged and skipped.
  bool start_failure(const std::string& message) {
    if (rt_.cfg.effective_exit_on_forward_failure()) {
      log::error("ForwardStartFailure", "{}", message);
      exit_status_ = 1;
      return false;
    }
    log::error("ForwardStartFailure", "{} (skipped: ExitOnForwardFailure is false)", message);
    return true;
  }

  void check_ready() {
    if (ready_ || stopping_ || !locals_started_ || remote_online_ < remote_.size()) return;
    ready_ = true;
    log::info("BridgeReady", "ready: {} local listener(s), {} remote forwarder(s) online",
              local_stream_.size() + local_udp_.size(), remote_.size());
    notify("READY=1\nSTATUS=forwarding");
  }

  void begin_stop(const std::string& why) {
    if (stopping_) return;
    stopping_ = true;
    rt_.stopping = true;
    log::info("BridgeStopping", "stopping ({}): {} relayed connection(s) open", why, rt_.connections->size());
    notify("STOPPING=1");
    net::error_code ignored;
    signals_.cancel(ignored);
    for (auto& f : local_stream_) f->stop();
    for (auto& f : remote_) f->stop();
    rt_.pump.close_grace = stop_grace;
    rt_.connections->stop_all();  // also stops the UDP forwarders and their routes
    asio::co_spawn(
        io_,
        [this]() -> net::awaitable<void> {
          co_await rt_.connections->wait_empty(std::chrono::steady_clock::now() + stop_grace + std::chrono::seconds(1));
          if (rt_.connections->size() > 0) {
            log::warn("BridgeStopping", "{} connection(s) did not close in time", rt_.connections->size());
          }
          log::info("BridgeStopped", "stopped");
          io_.stop();
        },
        asio::detached);
  }

  asio::io_context& io_;
  runtime rt_;
  bool service_mode_;
  asio::signal_set signals_;
  std::vector<std::shared_ptr<local_stream_forwarder>> local_stream_;
  std::vector<std::shared_ptr<local_udp_forwarder>> local_udp_;
  std::vector<std::shared_ptr<remote_forwarder>> remote_;
  std::size_t remote_online_ = 0;
  bool locals_started_ = false;
  bool ready_ = false;
  bool stopping_ = false;
  int exit_status_ = 0;
};

}  // namespace

int run(const config::config& cfg, const run_options& options) {
  std::signal(SIGPIPE, SIG_IGN);  // a peer that went away is an error code, never a signal
  asio::io_context io(1);
  net::ssl::context tls = net::make_client_context({});  // verified; SSL_CERT_FILE/SSL_CERT_DIR honoured
  auto host = std::make_unique<bridge_host>(io, cfg, tls, options.service_mode);
  if (!host->prepare()) {
    host->release();
    return host->exit_status() != 0 ? host->exit_status() : 1;
  }
  if (!options.service_mode) std::printf("Press Ctrl+C to stop.\n");
  std::fflush(stdout);
  host->start();
  io.run();
  const int status = host->exit_status();
  host->release();
  return status;
}

}  // namespace azbridge::bridge
