// `sb-hc-action=listen`: authorize (Listen), enforce the per-hybrid-connection listener limit, upgrade, and
// run the control channel until it ends. One log line on attach and one on detach.
#include "azbridge/relay_server/http_headers.hpp"
#include "azbridge/util/log.hpp"
#include "control_channel.hpp"
#include "handlers.hpp"
#include "ws_util.hpp"

namespace azbridge::relay_server {

net::awaitable<void> handle_listen(connection& c, const protocol::hc_target& target) {
  auto& ctx = *c.ctx;
  c.info.action = "listen";
  auto hc = ctx.catalog.resolve_listen(target.path);
  if (!hc) {
    co_await c.reject(404, "Endpoint does not exist.");
    co_return;
  }
  c.info.path = hc->name;
  auto decision = check_access(c, *hc, websocket_token(c, target), required_right::listen, target.path);
  if (!decision.ok()) {
    co_await c.reject(decision.status, decision.reason);
    co_return;
  }
  const auto max = ctx.listeners.max_per_hybrid_connection();
  if (!ctx.listeners.has_room(hc->key)) {
    co_await c.reject(403, fmt::format("QuotaExceeded: The hybrid connection '{}' already has the maximum of {} "
                                       "listeners.",
                                       hc->name, max));
    co_return;
  }
  if (ctx.stopping) {
    co_await c.reject(503, "The relay is shutting down.");
    co_return;
  }

  auto ws = std::move(*c.stream).into_websocket();
  c.stream.reset();
  stop_hook hook(ctx, [&ws] { ws.abort(); });
  if (auto ec = co_await accept_websocket(ws, c.request(), {}, ctx.options.timeouts.handshake)) {
    log::debug("ListenerHandshakeFailed", "'{}' from {}: {}", hc->name, c.info.remote, ec.message());
    co_return;
  }

  listener_identity identity;
  identity.hc_key = hc->key;
  identity.hc_name = hc->name;
  identity.tracking_id = c.info.tracking_id;
  identity.remote = c.info.remote;
  identity.rendezvous_authority = ctx.options.public_host.empty() ? c.authority : ctx.options.public_host;
  identity.audience_host = std::string(authority_host(c.authority));
  identity.token_expires_at = decision.expires_at;
  auto channel = std::make_shared<control_channel>(c.ctx, std::move(ws), std::move(c.slot), std::move(identity));
  hook.reset([channel] {
    channel->close(net::websocket::close_code::going_away, "The relay is shutting down");
  });

  if (!ctx.listeners.attach(hc->key, hc->name, channel)) {
    // Another listener took the last place while this one was upgrading.
    channel->close(net::websocket::close_code::try_again_later,
                   fmt::format("QuotaExceeded: at most {} listeners", max));
    co_await channel->run();
    co_return;
  }
  log::info("ListenerAttached", "listener {} attached to '{}' from {} (id {}, {} of {})", channel->serial(),
            hc->name, c.info.remote, c.info.tracking_id, ctx.listeners.count(hc->key), max);
  co_await channel->run();
  ctx.listeners.detach(hc->key, channel.get());
  log::info("ListenerDetached", "listener {} detached from '{}' ({}); {} left", channel->serial(), hc->name,
            channel->end_reason().empty() ? "closed" : channel->end_reason(), ctx.listeners.count(hc->key));
}

}  // namespace azbridge::relay_server
