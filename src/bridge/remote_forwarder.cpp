#include "remote_forwarder.hpp"

#include "azbridge/protocol/preamble.hpp"
#include "azbridge/util/log.hpp"
#include "datagram_relay.hpp"
#include "target_connect.hpp"

#include <fmt/format.h>

namespace azbridge::bridge::detail {

namespace asio = net::asio;
namespace preamble = protocol::preamble;
using net::error_code;
using clock = std::chrono::steady_clock;

namespace {

constexpr std::uint16_t close_refused = 1008;       // policy violation: this port is not served here
constexpr std::uint16_t close_target_failed = 1011;  // the target could not be reached

std::string sender_text(const relay_client::accept_info& info) {
  if (info.remote) return fmt::format("sender {}:{}", info.remote->address, info.remote->port);
  return "sender " + info.id;
}

// Reads the preamble as the C# listener does: 3 bytes, then the length byte, then the name.
struct preamble_read {
  error_code ec;  // closed() when the sender went away first
  preamble::request_parser parser;
};

net::awaitable<preamble_read> read_preamble(ws_channel& ch) {
  preamble_read r;
  std::array<std::uint8_t, 3> head{};
  r.ec = co_await ch.read_exact(head);
  if (r.ec) co_return r;
  if (r.parser.feed(head).status == preamble::parse_status::unsupported_version) co_return r;
  std::array<std::uint8_t, 1> len{};
  r.ec = co_await ch.read_exact(len);
  if (r.ec) co_return r;
  r.parser.feed(len);
  if (len[0] > 0) {
    std::vector<std::uint8_t> name(len[0]);
    r.ec = co_await ch.read_exact(name);
    if (r.ec) co_return r;
    r.parser.feed(name);
  }
  co_return r;
}

}  // namespace

expected<std::shared_ptr<remote_forwarder>> remote_forwarder::create(runtime& rt, const config::remote_forward& forward,
                                                                     events ev) {
  auto table = port_dispatch::build(forward);
  if (!table) return failure{table.error()};
  auto access = listener_access(rt.cfg, forward);
  if (!access) return failure{access.error()};
  std::optional<http_binding> http;
  for (const auto& b : forward.bindings) {
    if (!b.http) continue;
    if (http) {
      log::warn("RemoteForwardHttpBindings",
                "relay '{}' has several HTTP bindings; relayed HTTP requests go to the first ({}://{}:{})",
                forward.relay_name, http->origin.tls ? "https" : "http", http->origin.host, http->origin.port);
      continue;
    }
    auto hb = make_http_binding(b);
    if (!hb) return failure{fmt::format("{}: {}", forward.origin, hb.error())};
    http = std::move(*hb);
  }
  return std::shared_ptr<remote_forwarder>(
      new remote_forwarder(rt, forward, std::move(*table), std::move(*access), std::move(http), std::move(ev)));
}

remote_forwarder::remote_forwarder(runtime& rt, const config::remote_forward& forward, port_dispatch table,
                                   relay_access access, std::optional<http_binding> http, events ev)
    : rt_(rt),
      forward_(forward),
      table_(std::move(table)),
      access_(std::move(access)),
      http_(std::move(http)),
      events_(std::move(ev)) {}

void remote_forwarder::start() {
  relay_client::listener_options o;
  o.endpoint = access_.endpoint;
  o.entity_path = access_.entity;
  o.tokens = access_.tokens;
  o.tls = &rt_.tls;
  o.keepalive_interval = std::chrono::seconds(rt_.cfg.effective_keep_alive_interval());
  relay_client::listener_handlers h;
  std::weak_ptr<remote_forwarder> weak = shared_from_this();
  h.on_accept = [weak](net::ws_stream ws, relay_client::accept_info info) -> net::awaitable<void> {
    if (auto self = weak.lock()) co_await self->on_accept(std::move(ws), std::move(info));
  };
  if (http_) {
    h.on_request = [weak](relay_client::http_request r) -> net::awaitable<relay_client::http_response> {
      if (auto self = weak.lock()) co_return co_await self->on_request(std::move(r));
      relay_client::http_response gone;
      gone.status_code = 503;
      co_return gone;
    };
  }
  h.on_status = [weak](const relay_client::listener_status& s) {
    if (auto self = weak.lock()) self->on_status(s);
  };
  log::info("RemoteForwardBridgeStart", "relay '{}' at {}: serving {}", forward_.relay_name, access_.endpoint,
            table_.names());
  listener_ = std::make_unique<relay_client::listener>(rt_.io.get_executor(), std::move(o), std::move(h));
  listener_->start();
}

void remote_forwarder::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (listener_) listener_->stop();
}

void remote_forwarder::on_status(const relay_client::listener_status& s) {
  using st = relay_client::listener_status::state;
  switch (s.what) {
    case st::online:
      log::info("RemoteForwardBridgeOnline", "relay '{}' is online (listener {})", forward_.relay_name,
                listener_ ? listener_->tracking_id() : std::string());
      if (!was_online_ && events_.online) {
        was_online_ = true;
        events_.online();
      }
      break;
    case st::offline:
      if (!was_online_) {
        if (events_.failed_to_start) events_.failed_to_start(s.reason);
      }
      log::warn("RemoteForwardBridgeOffline", "relay '{}' is offline: {}; retrying in {} ms", forward_.relay_name,
                s.reason, s.retry_in.count());
      break;
    case st::connecting:
      log::debug("RemoteForwardBridgeConnecting", "relay '{}': connecting", forward_.relay_name);
      break;
    case st::stopped:
      log::info("RemoteForwardBridgeStop", "relay '{}': listener stopped", forward_.relay_name);
      break;
  }
}

net::awaitable<void> remote_forwarder::on_accept(net::ws_stream ws, relay_client::accept_info info) {
  auto self = shared_from_this();
  const auto started = clock::now();
  const auto who = sender_text(info);
  auto ch = ws_channel::adopt(std::move(ws));

  // The preamble, bounded in time and stopped by a shutdown.
  preamble_read pre;
  {
    registration reg(rt_.connections, [ch]() mutable { ch.abort(); });
    watchdog limit(ch.get_executor(), rt_.preamble_timeout, [ch]() mutable { ch.abort(); });
    pre = co_await read_preamble(ch);
    if (pre.ec) {
      if (pre.ec == ws_channel::closed()) {
        log::info("RemoteForwardBridgeConnectionFailed", "relay '{}': {} closed before sending its preamble",
                  forward_.relay_name, who);
        co_await ch.finish(std::chrono::seconds(2));
      } else {
        log::warn("RemoteForwardBridgeConnectionFailed", "relay '{}': {}: no preamble{}: {}", forward_.relay_name, who,
                  limit.fired() ? " in time" : "", pre.ec.message());
        ch.abort();
      }
      co_return;
    }
  }

  auto decision = pre.parser.status() == preamble::parse_status::unsupported_version
                      ? port_dispatch::version_not_understood()
                      : table_.decide(pre.parser.mode(), pre.parser.port_name());
  if (!decision.binding) {
    log::warn("RemoteForwardBridgeConnectionRefused", "relay '{}': refused {}: {}", forward_.relay_name, who,
              decision.refusal);
    if (decision.reply) {
      co_await ch.write(std::span<const std::uint8_t>(*decision.reply));
      co_await ch.close_output();  // as azbridge: the reply, then Shutdown
    } else {
      // azbridge closes without a reply; the Close reason tells our local forwarder why.
      co_await ch.close_output(close_refused, decision.refusal);
    }
    co_await ch.finish(std::chrono::seconds(5));
    co_return;
  }

  const auto& binding = forward_.bindings[*decision.binding];
  const auto port = pre.parser.port_name();
  // azbridge replies before it connects to the target.
  if (auto ec = co_await ch.write(std::span<const std::uint8_t>(*decision.reply))) {
    log::warn("RemoteForwardBridgeConnectionFailed", "relay '{}': {}: {}", forward_.relay_name, who, ec.message());
    ch.abort();
    co_return;
  }

  if (binding.is_udp()) {
    auto target = co_await connect_udp_target(rt_, binding);
    if (!target.socket) {
      log::warn("RemoteForwardTargetConnectFailed", "relay '{}' port '{}': {}", forward_.relay_name, port, target.error);
      co_await ch.close_output(close_target_failed, "cannot reach the UDP target " + target.error);
      co_await ch.finish(std::chrono::seconds(5));
      co_return;
    }
    auto what = fmt::format("relay '{}' port '{}': {} -> udp {}", forward_.relay_name, port, who, target_text(binding));
    log::info("RemoteForwardBridgeConnectionStart", "{} open", what);
    co_await serve_udp_target(rt_, ch, std::move(*target.socket), what);
    co_return;
  }

  target_result target;
  {
    registration reg(rt_.connections, [ch]() mutable { ch.abort(); });
    target = co_await connect_stream_target(rt_, binding);
  }
  if (!target.socket) {
    log::warn("RemoteForwardTargetConnectFailed", "relay '{}' port '{}': {} cannot be forwarded: {}", forward_.relay_name,
              port, who, target.error);
    co_await ch.close_output(close_target_failed, "cannot connect to the target " + target.error);
    co_await ch.finish(std::chrono::seconds(5));
    co_return;
  }
  auto what = fmt::format("relay '{}' port '{}': {} -> {}", forward_.relay_name, port, who, target_text(binding));
  log::info("RemoteForwardBridgeConnectionStart", "{} connected", what);
  stream_pump pump(std::move(*target.socket), ch, rt_.pump);
  registration reg(rt_.connections, [&pump] { pump.stop(); });
  auto r = co_await pump.run();
  const auto took = human_duration(clock::now() - started);
  // Direction names from the target's point of view: "to target" is what the relay sent.
  if (!r.ok()) {
    log::warn("RemoteForwardBridgeConnectionStop", "{} dropped after {}: {} ({} bytes to the target, {} bytes from it)",
              what, took, r.error, r.bytes_from_relay, r.bytes_to_relay);
  } else {
    log::info("RemoteForwardBridgeConnectionStop", "{} closed after {}: {} bytes to the target, {} bytes from it{}",
              what, took, r.bytes_from_relay, r.bytes_to_relay, r.stopped ? " (stopped)" : "");
  }
}

net::awaitable<relay_client::http_response> remote_forwarder::on_request(relay_client::http_request request) {
  auto self = shared_from_this();
  co_return co_await forward_http(rt_, *http_, forward_.relay_name, std::move(request));
}

}  // namespace azbridge::bridge::detail
