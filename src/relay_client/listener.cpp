// The listener's run loop and control channel: connect, read commands, keepalive, liveness, token renewal,
// reconnect with backoff, graceful stop.
#include "listener_impl.hpp"

#include "azbridge/protocol/relay_url.hpp"
#include "azbridge/relay_client/connect_error.hpp"
#include "azbridge/relay_client/renewal.hpp"
#include "azbridge/relay_client/sender.hpp"
#include "azbridge/util/log.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>

#include <fmt/format.h>

namespace azbridge::relay_client {

namespace asio = net::asio;
using namespace std::chrono_literals;

std::string_view to_string(listener_status::state s) {
  switch (s) {
    case listener_status::state::connecting: return "connecting";
    case listener_status::state::online: return "online";
    case listener_status::state::offline: return "offline";
    case listener_status::state::stopped: return "stopped";
  }
  return "unknown";
}

namespace detail {
stream_watchdog::stream_watchdog(net::ws_stream& ws, std::chrono::steady_clock::duration after)
    : timer_(ws.get_executor(), after) {
  timer_.async_wait([&ws, fired = fired_](net::error_code ec) {
    if (ec) return;  // cancelled: the guarded operation finished (ws may be gone by now)
    *fired = true;
    ws.abort();
  });
}
}  // namespace detail

listener::impl::impl(asio::any_io_executor ex, listener_options o, listener_handlers h)
    : base(ex),
      strand(asio::make_strand(ex)),
      options(std::move(o)),
      handlers(std::move(h)),
      tracking_id(protocol::make_tracking_id()),
      wake(strand) {
  if (auto url = net::ws_url::parse(options.endpoint)) where = url->host + ":" + url->port;
  if (auto a = protocol::make_resource_uri(options.endpoint, options.entity_path)) audience = *a;
}

void listener::impl::emit(listener_status s) {
  const auto name = options.entity_path;
  switch (s.what) {
    case listener_status::state::connecting:
      log::debug("RelayListenerConnecting", "listener for '{}' connecting to {} (sb-hc-id {})", name, where,
                 tracking_id);
      break;
    case listener_status::state::online:
      log::info("RelayListenerOnline", "listener for '{}' online at {} (sb-hc-id {})", name, where, tracking_id);
      break;
    case listener_status::state::offline:
      log::warn("RelayListenerOffline", "listener for '{}' offline: {}; retrying in {} ms", name, s.reason,
                s.retry_in.count());
      break;
    case listener_status::state::stopped:
      log::info("RelayListenerStopped", "listener for '{}' stopped", name);
      break;
  }
  if (handlers.on_status) handlers.on_status(s);
}

net::awaitable<void> listener::impl::run() {
  auto self = shared_from_this();  // keeps the state alive while the loop runs
  running = true;
  unsigned failed = 0;
  auto url_text = protocol::make_relay_url(options.endpoint, options.entity_path, protocol::hc_action::listen,
                                           tracking_id);
  std::optional<net::ws_url> url;
  if (url_text) url = net::ws_url::parse(*url_text);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  auto delay = backoff.next(unit(rng));

  while (!stopping) {
    if (delay > 0ms) {
      wake.expires_after(delay);
      co_await wake.async_wait(net::nothrow);
      if (stopping) break;
    }
    listener_status st;
    st.failed_attempts = failed;
    emit(st);

    std::string reason;
    int http_status = 0;
    if (!url || audience.empty() || !options.tokens) {
      reason = fmt::format("invalid relay endpoint '{}' or hybrid connection '{}'", options.endpoint,
                           options.entity_path);
    } else if (auto token = co_await options.tokens->get_token(audience); !token) {
      reason = fmt::format("cannot get a token ({}): {}", options.tokens->describe(), token.error());
    } else {
      net::ws_connect_options o;
      o.timeout = options.connect_timeout;
      o.verify_tls = options.verify_tls;
      if (!token->empty()) o.headers.set("ServiceBusAuthorization", token->value);
      o.headers.set("Relay-User-Agent", relay_user_agent());
      auto r = co_await net::ws_connect(options.tls, *url, std::move(o));
      if (r.ec) {
        auto e = describe_connect_failure(r, "listen on", options.entity_path, where);
        reason = e.message;
        http_status = e.http_status;
      } else if (stopping) {
        co_await r.stream->close({net::websocket::close_code::normal, "Normal Closure"});
        break;
      } else {
        backoff.reset();
        failed = 0;
        listener_status on;
        on.what = listener_status::state::online;
        emit(on);
        liveness_monitor live(options.keepalive_interval, options.liveness_timeout,
                              std::chrono::steady_clock::now());
        channel = std::make_shared<control_channel>(std::move(*r.stream), std::move(*token), live);
        reason = co_await run_channel(channel);
        channel.reset();
        if (stopping) break;
        ++failed;  // the channel was lost: the first retry is immediate (backoff was reset)
        delay = backoff.next(unit(rng));
        listener_status off;
        off.what = listener_status::state::offline;
        off.reason = std::move(reason);
        off.failed_attempts = failed;
        off.retry_in = delay;
        emit(off);
        continue;
      }
    }
    ++failed;
    delay = backoff.next(unit(rng));
    listener_status off;
    off.what = listener_status::state::offline;
    off.reason = std::move(reason);
    off.http_status = http_status;
    off.failed_attempts = failed;
    off.retry_in = delay;
    emit(off);
  }
  running = false;
  listener_status done;
  done.what = listener_status::state::stopped;
  emit(done);
}

net::awaitable<std::string> listener::impl::run_channel(std::shared_ptr<control_channel> ch) {
  using namespace asio::experimental::awaitable_operators;
  // Control messages and bodies are <= 64 KiB; allow some slack for relays that differ.
  ch->ws.read_message_max(1024 * 1024);
  net::websocket::stream_base::timeout t{};
  t.handshake_timeout = 5s;  // bounds the closing handshake
  t.idle_timeout = net::websocket::stream_base::none();
  t.keep_alive_pings = false;
  ch->ws.set_timeout(t);
  // Any control frame (ping, pong, close) counts as a sign of life, like a message.
  std::weak_ptr<control_channel> weak = ch;
  ch->ws.visit([weak](auto& s) {
    s.control_callback([weak](net::websocket::frame_type, boost::beast::string_view) {
      if (auto c = weak.lock()) c->live.on_received(std::chrono::steady_clock::now());
    });
  });

  auto result = co_await (read_loop(ch) || ch->writer.run(ch->ws) || supervise(ch));
  ch->writer.shut();
  ch->ws.abort();
  ch->ws.visit([](auto& s) { s.control_callback(); });
  co_return std::visit([](auto& s) { return std::string(s); }, result);
}

net::awaitable<std::string> listener::impl::read_loop(std::shared_ptr<control_channel> ch) {
  boost::beast::flat_buffer buffer;
  std::string reason;
  for (;;) {
    buffer.clear();
    auto [ec, n] = co_await ch->ws.read(buffer);
    if (ec) {
      if (ec == net::websocket::error::closed) {
        const auto& r = ch->ws.reason();
        reason = fmt::format("the relay closed the control channel ({} {})", static_cast<int>(r.code),
                             std::string(r.reason.data(), r.reason.size()));
      } else {
        reason = fmt::format("reading the control channel failed: {}", ec.message());
      }
      break;
    }
    ch->live.on_received(std::chrono::steady_clock::now());
    if (ch->ws.got_binary()) {
      // Only expected right after a request with a body (read below); anything else is ignored.
      log::debug("RelayListenerStrayBinary", "ignored a {} byte binary message on the control channel", n);
      continue;
    }
    auto command = protocol::decode_listener_command(boost::beast::buffers_to_string(buffer.data()));
    if (!command) {
      log::debug("RelayListenerUnknownCommand", "ignored control message: {}", command.error());
      continue;
    }
    if (auto* accept = std::get_if<protocol::accept_command>(&*command)) {
      on_accept_command(std::move(*accept));
      continue;
    }
    auto& request = std::get<protocol::request_command>(*command);
    if (request.needs_rendezvous()) {
      on_rendezvous_request(std::move(request));
      continue;
    }
    std::string body;
    if (request.body.value_or(false)) {
      // The body is the very next message, one binary message (possibly fragmented).
      buffer.clear();
      auto [bec, bn] = co_await ch->ws.read(buffer);
      if (bec) {
        reason = fmt::format("reading a request body on the control channel failed: {}", bec.message());
        break;
      }
      ch->live.on_received(std::chrono::steady_clock::now());
      body = boost::beast::buffers_to_string(buffer.data());
    }
    on_control_request(ch, std::move(request), std::move(body));
  }
  ch->writer.shut();
  ch->ws.abort();
  co_return reason;
}

net::awaitable<std::string> listener::impl::supervise(std::shared_ptr<control_channel> ch) {
  using steady = std::chrono::steady_clock;
  const double fraction = options.renew_fraction;
  auto renew_at = ch->token.expires() ? renewal_point(ch->token.issued_at, ch->token.expires_at, fraction)
                                      : wall_clock::time_point::max();
  bool renew_warned = false;
  for (;;) {
    if (stopping) {
      ch->writer.push_close();
      // The writer completes the close handshake (bounded by the stream's 5 s close timeout); this is a
      // backstop in case the relay never answers.
      wake.expires_after(10s);
      co_await wake.async_wait(net::nothrow);
      ch->ws.abort();
      co_return "stopped";
    }
    const auto now = steady::now();
    if (ch->live.dead(now)) {
      ch->ws.abort();
      co_return fmt::format("nothing received from the relay for {} ms",
                            std::chrono::duration_cast<std::chrono::milliseconds>(ch->live.dead_after()).count());
    }
    if (ch->live.keepalive_due(now)) {
      ch->writer.push_pong();
      ch->live.on_keepalive_sent(now);
    }
    if (wall_clock::now() >= renew_at) {
      auto token = co_await options.tokens->get_token(audience);
      if (!token) {
        log::warn("RelayListenerRenewFailed", "listener for '{}': cannot renew the token ({}): {}",
                  options.entity_path, options.tokens->describe(), token.error());
        renew_at = wall_clock::now() + 5s;
      } else if (token->value == ch->token.value) {
        // The provider has nothing newer: a pre-issued token (the relay will close the channel at its expiry),
        // or a provider that refreshes later than we renew. Ask again halfway to the expiry.
        if (!renew_warned) {
          renew_warned = true;
          log::warn("RelayListenerRenewImpossible",
                    "listener for '{}': the {} gave no new token; the relay drops the listener when it expires",
                    options.entity_path, options.tokens->describe());
        }
        const auto remaining = ch->token.expires_at - wall_clock::now();
        renew_at = remaining > 2s ? wall_clock::now() + remaining / 2 : wall_clock::time_point::max();
      } else {
        ch->writer.push_text(protocol::encode(protocol::renew_token_command{token->value}));
        ch->token = std::move(*token);
        renew_at = ch->token.expires() ? renewal_point(ch->token.issued_at, ch->token.expires_at, fraction)
                                       : wall_clock::time_point::max();
        log::debug("RelayListenerTokenRenewed", "listener for '{}' sent renewToken", options.entity_path);
      }
      continue;  // stopping or the channel may have changed while the provider ran
    }
    auto next = ch->live.next_event();
    if (renew_at != wall_clock::time_point::max()) {
      const auto until_renew = std::max(renew_at - wall_clock::now(), wall_clock::duration::zero());
      next = std::min(next, now + std::chrono::duration_cast<steady::duration>(until_renew));
    }
    wake.expires_at(next);
    co_await wake.async_wait(net::nothrow);
    auto cs = co_await asio::this_coro::cancellation_state;
    if (cs.cancelled() != asio::cancellation_type::none) co_return "supervisor cancelled";
  }
}

listener::listener(asio::any_io_executor executor, listener_options options, listener_handlers handlers)
    : impl_(std::make_shared<impl>(std::move(executor), std::move(options), std::move(handlers))) {}

listener::~listener() { stop(); }

void listener::start() {
  asio::co_spawn(impl_->strand, impl_->run(), asio::detached);
}

net::awaitable<void> listener::async_run() {
  co_await asio::co_spawn(impl_->strand, impl_->run(), asio::use_awaitable);
}

void listener::stop() {
  asio::post(impl_->strand, [self = impl_] {
    if (self->stopping) return;  // a second stop must not cut the graceful close short
    self->stopping = true;
    self->wake.cancel();
  });
}

const std::string& listener::tracking_id() const { return impl_->tracking_id; }

}  // namespace azbridge::relay_client
