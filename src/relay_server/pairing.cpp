// Pairing of a WebSocket sender with a listener (hybrid-connections-protocol.md §4.2): the sender's upgrade is
// held while `accept` goes to a listener chosen at random; the listener comes back on the single-use accept
// address (or rejects there), both handshakes complete with the chosen subprotocol, and the pair is spliced.
// Also the listener's side of HTTP request rendezvous (`sb-hc-action=request`).
#include "azbridge/relay_server/http_headers.hpp"
#include "azbridge/util/log.hpp"
#include "control_channel.hpp"
#include "handlers.hpp"
#include "splice.hpp"
#include "ws_util.hpp"

namespace azbridge::relay_server {

namespace {

constexpr std::size_t max_control_json = 64 * 1024 - 1;  // .NET's control channel buffer is 64 KiB

std::string raw_path_of(std::string_view target) { return std::string(target.substr(0, target.find('?'))); }

}  // namespace

net::awaitable<void> handle_connect(connection& c, const protocol::hc_target& target) {
  auto& ctx = *c.ctx;
  c.info.action = "connect";
  auto hc = ctx.catalog.resolve_send(target.path, [&](const std::string& key) { return ctx.listeners.contains(key); });
  if (!hc) {
    co_await c.reject(404, "Endpoint does not exist.");
    co_return;
  }
  auto decision = check_access(c, *hc, websocket_token(c, target), required_right::send, target.path);
  if (!decision.ok()) {
    co_await c.reject(decision.status, decision.reason);
    co_return;
  }
  auto& req = c.request();
  const auto offered = split_token_list(req[net::http::field::sec_websocket_protocol]);

  protocol::accept_command accept;
  accept.id = c.info.tracking_id;
  accept.connect_headers = connect_headers_for_listener(req.base());
  accept.remote = protocol::remote_endpoint{c.remote.address().to_string(), c.remote.port()};
  const std::string raw_path = raw_path_of(req.target());

  auto pending = std::make_shared<pending_accept>(ctx.executor());
  std::string rendezvous_id;
  std::shared_ptr<control_channel> listener;
  for (int attempt = 0; attempt < 3 && !listener; ++attempt) {
    auto candidate = ctx.listeners.pick(hc->key, ctx.rng, [](const control_channel& ch) { return !ch.is_closing(); });
    if (!candidate) break;
    rendezvous_id = make_rendezvous_id();
    accept.address = fmt::format("{}://{}{}?{}sb-hc-action=accept&sb-hc-id={}", ctx.ws_scheme(),
                                 candidate->identity().rendezvous_authority, raw_path,
                                 target.app_query.empty() ? std::string() : target.app_query + "&", rendezvous_id);
    auto json = protocol::encode(accept);
    if (json.size() > max_control_json) {
      co_await c.reject(431, "The request's headers are too large to be passed to a listener (64 KiB).");
      co_return;
    }
    ctx.rendezvous.add(rendezvous_id, rendezvous_entry{std::weak_ptr<pending_accept>(pending), hc->key},
                       std::chrono::steady_clock::now(), ctx.options.timeouts.rendezvous);
    if (candidate->send(std::move(json))) {
      listener = std::move(candidate);
    } else {
      ctx.rendezvous.erase(rendezvous_id);
    }
  }
  if (!listener) {
    co_await c.reject(404, "There are no listeners connected for the endpoint.");
    co_return;
  }

  bool accepted = false;
  {
    stop_hook hook(ctx, [pending] { pending->ready.interrupt(); });
    co_await pending->ready.wait_until(std::chrono::steady_clock::now() + ctx.options.timeouts.rendezvous);
    pending->done = true;
    ctx.rendezvous.erase(rendezvous_id);
    accepted = pending->listener.has_value();
  }
  if (!accepted) {
    if (pending->reject_status) {
      log::info("RequestRejected", "connect {} '{}' from {}: rejected by listener {}: {}", *pending->reject_status,
                c.info.path, c.info.remote, listener->serial(), pending->reject_reason);
      co_await c.reject_verbatim(*pending->reject_status, pending->reject_reason);
    } else if (ctx.stopping) {
      co_await c.reject(503, "The relay is shutting down.");
    } else {
      co_await c.reject(504, fmt::format("None of the connected listeners accepted the connection within the "
                                         "allowed timeout ({} s).",
                                         ctx.options.timeouts.rendezvous.count() / 1000.0));
    }
    co_return;
  }

  // ws clients insist on the echo of a protocol they offered, and on none when they offered none.
  std::string echo = offered.empty() ? std::string() : pending->protocol;
  auto sender_ws = std::move(*c.stream).into_websocket();
  c.stream.reset();
  auto listener_ws = std::move(*pending->listener);
  pending->listener.reset();
  net::error_code ec;
  {
    stop_hook hook(ctx, [&] {
      sender_ws.abort();
      listener_ws.abort();
    });
    ec = co_await accept_websocket(sender_ws, req, echo, ctx.options.timeouts.handshake);
  }
  if (ec) {
    log::debug("SenderHandshakeFailed", "'{}' from {}: {}", c.info.path, c.info.remote, ec.message());
    co_await listener_ws.close(make_close_reason(net::websocket::close_code::going_away, "The sender went away"));
    co_return;
  }
  auto pair = std::make_shared<relayed_pair>(
      c.ctx, std::move(sender_ws), std::move(c.slot), std::move(listener_ws), std::move(*pending->listener_slot),
      fmt::format("'{}' sender {} -> listener {}", c.info.path, c.info.remote, listener->serial()));
  pair->start();
}

net::awaitable<void> handle_accept_rendezvous(connection& c, const protocol::hc_target& target) {
  auto& ctx = *c.ctx;
  c.info.action = "accept";
  if (target.id.empty()) {
    co_await c.reject(400, "The rendezvous address has no sb-hc-id.");
    co_return;
  }
  auto entry = ctx.rendezvous.take(target.id, std::chrono::steady_clock::now());
  std::shared_ptr<pending_accept> pending;
  if (entry) {
    if (auto* weak = std::get_if<std::weak_ptr<pending_accept>>(&entry->target)) pending = weak->lock();
  }
  if (!pending || pending->done) {
    co_await c.reject(403, "The rendezvous address is invalid or has expired.");
    co_return;
  }

  if (target.status_code) {
    // The listener rejects: the sender gets its status and description, the listener 410 Gone.
    int status = *target.status_code;
    if (status < 400 || status > 599) status = 400;
    pending->reject_status = status;
    pending->reject_reason = target.status_description.empty() ? "Rejected by the listener"
                                                               : sanitize_reason(target.status_description, 512);
    pending->ready.set();
    net::http::response<net::http::string_body> res{net::http::status::gone, c.request().version()};
    res.set(net::http::field::server, "azbridge-relay");
    res.keep_alive(false);
    res.prepare_payload();
    c.stream->tcp().expires_after(ctx.options.timeouts.handshake);
    co_await c.stream->write(res);
    co_await c.stream->shutdown(ctx.options.timeouts.handshake);
    co_return;
  }

  // The listener's choice among the offered subprotocols (one value; be lenient with a list).
  auto chosen = split_token_list(c.request()[net::http::field::sec_websocket_protocol]);
  std::string protocol = chosen.empty() ? std::string() : chosen.front();
  auto ws = std::move(*c.stream).into_websocket();
  c.stream.reset();
  net::error_code ec;
  {
    stop_hook hook(ctx, [&ws] { ws.abort(); });
    ec = co_await accept_websocket(ws, c.request(), protocol, ctx.options.timeouts.handshake);
  }
  if (ec) {
    log::debug("RendezvousHandshakeFailed", "'{}' from {}: {}", c.info.path, c.info.remote, ec.message());
    pending->reject_status = 502;
    pending->reject_reason = "The listener's rendezvous handshake failed";
    pending->ready.set();
    co_return;
  }
  if (pending->done) {
    co_await ws.close(make_close_reason(net::websocket::close_code::going_away, "The sender went away"));
    co_return;
  }
  pending->listener.emplace(std::move(ws));
  pending->listener_slot.emplace(std::move(c.slot));
  pending->protocol = protocol;
  pending->ready.set();
}

net::awaitable<void> handle_request_rendezvous(connection& c, const protocol::hc_target& target) {
  auto& ctx = *c.ctx;
  c.info.action = "request";
  if (target.id.empty()) {
    co_await c.reject(400, "The rendezvous address has no sb-hc-id.");
    co_return;
  }
  auto entry = ctx.rendezvous.take(target.id, std::chrono::steady_clock::now());
  std::shared_ptr<http_exchange> exchange;
  if (entry) {
    if (auto* weak = std::get_if<std::weak_ptr<http_exchange>>(&entry->target)) exchange = weak->lock();
  }
  if (!exchange || exchange->done || exchange->rendezvous || exchange->response) {
    co_await c.reject(403, "The rendezvous address is invalid or has expired.");
    co_return;
  }
  auto chosen = split_token_list(c.request()[net::http::field::sec_websocket_protocol]);
  // Not inside the co_await expression: GCC 12 miscompiles conditional temporaries there.
  const std::string protocol = chosen.empty() ? std::string() : chosen.front();
  auto ws = std::move(*c.stream).into_websocket();
  c.stream.reset();
  net::error_code ec;
  {
    stop_hook hook(ctx, [&ws] { ws.abort(); });
    ec = co_await accept_websocket(ws, c.request(), protocol, ctx.options.timeouts.handshake);
  }
  if (ec) {
    log::debug("RendezvousHandshakeFailed", "'{}' from {}: {}", c.info.path, c.info.remote, ec.message());
    co_return;
  }
  if (exchange->done || exchange->response) {
    co_await ws.close(make_close_reason(net::websocket::close_code::going_away, "The request is gone"));
    co_return;
  }
  exchange->rendezvous.emplace(std::move(ws));
  exchange->rendezvous_slot.emplace(std::move(c.slot));
  exchange->ready.set();
}

}  // namespace azbridge::relay_server
