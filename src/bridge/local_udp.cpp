#include "local_udp.hpp"

#include "azbridge/protocol/udp_framing.hpp"
#include "azbridge/util/log.hpp"
#include "datagram_relay.hpp"
#include "local_stream.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <fmt/format.h>

namespace azbridge::bridge::detail {

namespace asio = net::asio;
using net::error_code;
using net::nothrow;
using udp_socket = asio::ip::udp::socket;
using clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t max_outgoing = udp_routes::max_queued_datagrams;

std::string text_of(const asio::ip::udp::endpoint& ep) {
  return ep.address().is_v6() ? fmt::format("[{}]:{}", ep.address().to_string(), ep.port())
                              : fmt::format("{}:{}", ep.address().to_string(), ep.port());
}

}  // namespace

local_udp_forwarder::local_udp_forwarder(runtime& rt, const config::local_forward& forward,
                                         const config::local_forward_binding& binding, relay_access access)
    : rt_(rt),
      relay_(forward.relay_name),
      port_name_(binding.effective_port_name()),
      bind_text_(binding.effective_bind_address()),
      port_(binding.port()),
      access_(std::move(access)) {}

expected<bool> local_udp_forwarder::listen() {
  auto addr = resolve_bind_address(bind_text_);
  if (!addr) return failure{addr.error()};
  asio::ip::udp::endpoint ep(*addr, static_cast<unsigned short>(port_));
  socket_ = std::make_unique<udp_socket>(rt_.io);
  error_code ec;
  socket_->open(ep.protocol(), ec);
  if (!ec) socket_->bind(ep, ec);
  if (!ec) socket_->non_blocking(true, ec);
  where_ = "udp " + text_of(ep);
  if (ec) {
    socket_.reset();
    return failure{fmt::format("cannot listen on {}: {}", where_, ec.message())};
  }
  return true;
}

void local_udp_forwarder::start() {
  log::info("LocalForwardListenerStart", "listening on {} for relay '{}' port '{}'", where_, relay_, port_name_);
  expiry_timer_ = std::make_unique<asio::steady_timer>(rt_.io);
  registry_id_ = rt_.connections->add([weak = weak_from_this()] {
    if (auto self = weak.lock()) self->stop();
  });
  auto self = shared_from_this();
  asio::co_spawn(rt_.io, [self] { return self->receive_loop(); }, asio::detached);
  asio::co_spawn(rt_.io, [self] { return self->expiry_loop(); }, asio::detached);
}

void local_udp_forwarder::stop() {
  if (stopped_) return;
  stopped_ = true;
  error_code ignored;
  if (socket_) socket_->close(ignored);
  if (expiry_timer_) expiry_timer_->cancel();
  auto routes = live_;
  for (auto& [id, r] : routes) close_route(r, "stopping");
  if (registry_id_) rt_.connections->remove(std::exchange(registry_id_, 0));
}

net::awaitable<void> local_udp_forwarder::receive_loop() {
  auto self = shared_from_this();
  std::vector<std::uint8_t> buffer(protocol::udp::max_payload);
  asio::ip::udp::endpoint source;
  while (!stopped_) {
    auto [ec, n] = co_await socket_->async_receive_from(asio::buffer(buffer), source, nothrow);
    if (stopped_) break;
    if (ec) {
      if (ec == asio::error::connection_refused) continue;  // ICMP from an earlier send_to
      log::warn("LocalForwardSocketError", "receive on {} failed: {}", where_, ec.message());
      continue;
    }
    auto key = text_of(source);
    auto a = routes_.on_datagram(key, std::vector<std::uint8_t>(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n)),
                                 clock::now());
    switch (a.what) {
      case udp_routes::verdict::opened: {
        auto r = std::make_shared<route>();
        r->id = a.id;
        r->source = source;
        r->source_text = key;
        r->wake = std::make_unique<asio::steady_timer>(rt_.io, asio::steady_timer::time_point::max());
        r->started = clock::now();
        live_[a.id] = r;
        asio::co_spawn(rt_.io, open_route(r), asio::detached);
        if (expiry_timer_) expiry_timer_->cancel();  // re-plan the next expiry
        break;
      }
      case udp_routes::verdict::forward: {
        auto it = live_.find(a.id);
        if (it == live_.end()) break;
        auto& r = *it->second;
        if (r.outgoing.size() >= max_outgoing) break;  // the relay is slower than the source: drop, as UDP does
        r.outgoing.emplace_back(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n));
        r.wake->cancel();
        break;
      }
      case udp_routes::verdict::queued:
        break;
      case udp_routes::verdict::dropped:
        log::debug("LocalForwardDatagramDropped", "{}: dropped a {}-byte datagram from {}", where_, n, key);
        break;
    }
  }
}

net::awaitable<void> local_udp_forwarder::expiry_loop() {
  auto self = shared_from_this();
  while (!stopped_) {
    auto next = routes_.next_expiry();
    expiry_timer_->expires_at(next);
    co_await expiry_timer_->async_wait(nothrow);
    if (stopped_) break;
    for (auto id : routes_.expire(clock::now())) {
      auto it = live_.find(id);
      if (it != live_.end()) close_route(it->second, "idle for 4 minutes");
    }
  }
}

net::awaitable<void> local_udp_forwarder::open_route(std::shared_ptr<route> r) {
  auto self = shared_from_this();
  auto opened = co_await open_relayed(rt_, access_, protocol::preamble::mode::datagram, port_name_);
  if (stopped_ || r->closing) {
    if (opened.channel) opened.channel.abort();
    co_return;
  }
  if (!opened.channel) {
    log::error("LocalForwardBridgeConnectionFailed", "{} on {}: {} relay '{}': {}", r->source_text, where_,
               opened.refused ? "refused by" : "cannot reach", relay_, opened.error);
    routes_.remove(r->id);
    live_.erase(r->id);
    r->closing = true;
    co_return;
  }
  r->channel = opened.channel;
  for (auto& d : routes_.on_open(r->id, clock::now())) r->outgoing.push_back(std::move(d));
  log::info("LocalForwardBridgeConnectionStart", "udp {} -> relay '{}' port '{}' connected", r->source_text, relay_,
            port_name_);
  asio::co_spawn(rt_.io, route_writer(r), asio::detached);

  // Replies from the relay go back to the source. The callback is a named local, not a temporary inside the
  // co_await expression: GCC 12 destroys such a temporary twice, and its copy of `r` released the route early.
  std::uint64_t malformed = 0;
  const std::function<void(std::span<const std::uint8_t>)> deliver = [this, r](std::span<const std::uint8_t> datagram) {
    if (!socket_ || stopped_) return;
    routes_.on_reply(r->id, clock::now());
    error_code sec;
    socket_->send_to(asio::buffer(datagram.data(), datagram.size()), r->source, 0, sec);  // full buffer: drop
    if (!sec) ++r->sent;
  };
  auto ec = co_await receive_datagrams(r->channel, deliver, r->received, malformed);
  if (!r->closing) {
    close_route(r, ec == ws_channel::closed() ? "closed by the remote side" : "relay connection failed");
  }
  co_await r->channel.finish(rt_.pump.close_grace);
  log::info("LocalForwardBridgeConnectionStop",
            "udp {} -> relay '{}' port '{}' closed after {}: {} datagrams sent, {} received{}", r->source_text, relay_,
            port_name_, human_duration(clock::now() - r->started), r->received, r->sent,
            malformed ? fmt::format(", {} malformed messages dropped", malformed) : std::string());
}

net::awaitable<void> local_udp_forwarder::route_writer(std::shared_ptr<route> r) {
  auto self = shared_from_this();
  auto buffer = make_datagram_buffer();
  for (;;) {
    while (r->outgoing.empty() && !r->closing) co_await r->wake->async_wait(nothrow);
    if (r->closing) break;
    auto d = std::move(r->outgoing.front());
    r->outgoing.pop_front();
    std::memcpy(buffer.payload() + protocol::udp::length_prefix_size, d.data(), d.size());
    if (auto ec = co_await send_datagram(r->channel, buffer, d.size())) {
      close_route(r, "relay write failed");
      break;
    }
  }
  // Our side is done: the reader finishes the closing handshake.
  if (r->channel && !r->channel.close_sent()) co_await r->channel.close_output();
}

void local_udp_forwarder::close_route(const std::shared_ptr<route>& r, const char* why) {
  if (r->closing) return;
  r->closing = true;
  log::debug("LocalForwardUdpRouteClosed", "udp {}: {}", r->source_text, why);
  routes_.remove(r->id);
  live_.erase(r->id);
  r->wake->cancel();
  if (!r->channel) return;
  // Bound the closing handshake: the reader ends with the peer's Close or when the channel is dropped.
  auto ch = r->channel;
  auto timer = std::make_shared<asio::steady_timer>(rt_.io, rt_.pump.close_grace);
  timer->async_wait([ch, timer](error_code ec) mutable {
    if (!ec && !ch.close_received()) ch.abort();
  });
}

}  // namespace azbridge::bridge::detail
