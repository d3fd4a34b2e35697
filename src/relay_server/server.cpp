// The relay's accept loop, the per-connection coroutine (TLS handshake, request head, dispatch on the
// target), graceful shutdown and the `run` entry point used by `azbridge relay`.
#include "azbridge/relay_server/server.hpp"

#include "azbridge/net/tls.hpp"
#include "azbridge/relay_server/http_headers.hpp"
#include "azbridge/util/error.hpp"
#include "azbridge/util/log.hpp"
#include "control_channel.hpp"
#include "handlers.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/algorithm/string/predicate.hpp>
#include <boost/asio/signal_set.hpp>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <csignal>

namespace azbridge::relay_server {

namespace asio = net::asio;

// ---- relay_context / connection_slot -------------------------------------------------------------------

relay_context::relay_context(asio::io_context& io, relay_options o)
    : ioc(io),
      options(std::move(o)),
      acceptor(io),
      catalog(options.hybrid_connections),
      listeners(options.limits.max_listeners_per_hybrid_connection),
      rng(std::random_device{}()) {
  if (options.tls) {
    try {
      tls.emplace(net::make_server_context(options.tls_cert_file, options.tls_key_file));
    } catch (const std::exception& e) {
      throw usage_error(e.what());
    }
  }
}

connection_slot::connection_slot(std::shared_ptr<relay_context> ctx) : ctx_(std::move(ctx)) { ++ctx_->open_connections; }

connection_slot& connection_slot::operator=(connection_slot&& o) noexcept {
  if (this != &o) {
    release();
    ctx_ = std::move(o.ctx_);
  }
  return *this;
}

connection_slot::~connection_slot() { release(); }

void connection_slot::release() noexcept {
  if (ctx_) {
    --ctx_->open_connections;
    ctx_.reset();
  }
}

// ---- per connection --------------------------------------------------------------------------------------

namespace {

void tune_socket(net::tcp::socket& s) {
  net::error_code ignored;
  s.set_option(net::tcp::no_delay(true), ignored);
  s.set_option(asio::socket_base::keep_alive(true), ignored);
  // Find dead peers of idle relayed connections in about two minutes (TCP keepalive, not WebSocket pings,
  // so that a back-pressured direction is never mistaken for a dead one).
  int idle = 60, interval = 10, count = 6;
  ::setsockopt(s.native_handle(), IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  ::setsockopt(s.native_handle(), IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  ::setsockopt(s.native_handle(), IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
}

std::string endpoint_text(const net::tcp::endpoint& ep) {
  auto a = ep.address();
  return a.is_v6() ? fmt::format("[{}]:{}", a.to_string(), ep.port()) : fmt::format("{}:{}", a.to_string(), ep.port());
}

net::awaitable<void> dispatch(connection& c) {
  auto& req = c.request();
  auto host = req[net::http::field::host];
  c.authority = is_plain_authority(host) ? std::string(host) : c.ctx->default_authority;
  c.info.host = c.authority;
  c.info.tracking_id = protocol::make_tracking_id();
  std::string_view target = req.target();
  if (boost::algorithm::istarts_with(target, "/$hc/") || boost::algorithm::iequals(target, "/$hc") ||
      boost::algorithm::istarts_with(target, "/$hc?")) {
    auto parsed = protocol::parse_hc_target(target);
    c.info.action = "websocket";
    if (!parsed) {
      co_await c.reject(400, "Invalid relay address: " + parsed.error());
      co_return;
    }
    c.info.path = parsed->path;
    if (!parsed->id.empty()) c.info.tracking_id = parsed->id;
    if (!net::websocket::is_upgrade(req)) {
      co_await c.reject(400, "This address accepts WebSocket upgrades only.");
      co_return;
    }
    if (!parsed->action) {
      co_await c.reject(400, "Unknown or missing sb-hc-action '" + sanitize_reason(parsed->raw_action, 32) +
                                 "' (listen, connect, accept, request).");
      co_return;
    }
    switch (*parsed->action) {
      case protocol::hc_action::listen: co_await handle_listen(c, *parsed); break;
      case protocol::hc_action::connect: co_await handle_connect(c, *parsed); break;
      case protocol::hc_action::accept: co_await handle_accept_rendezvous(c, *parsed); break;
      case protocol::hc_action::request: co_await handle_request_rendezvous(c, *parsed); break;
    }
    co_return;
  }
  co_await handle_http(c);
}

net::awaitable<void> handle_connection(std::shared_ptr<relay_context> ctx, net::tcp::socket socket,
                                       connection_slot slot) {
  connection c;
  c.ctx = ctx;
  c.slot = std::move(slot);
  tune_socket(socket);
  net::error_code ec;
  c.remote = socket.remote_endpoint(ec);
  c.info.remote = endpoint_text(c.remote);
  c.info.action = "handshake";
  if (ctx->tls) {
    c.stream.emplace(server_stream::tls_stream(net::beast::tcp_stream(std::move(socket)), *ctx->tls));
  } else {
    c.stream.emplace(net::beast::tcp_stream(std::move(socket)));
  }
  stop_hook hook(*ctx, [&c] {
    if (c.stream) c.stream->abort();
  });
  if (auto hec = co_await c.stream->tls_handshake(ctx->options.timeouts.handshake)) {
    log::debug("TlsHandshakeFailed", "from {}: {}", c.info.remote, hec.message());
    co_return;
  }
  c.parser.emplace();
  c.parser->header_limit(static_cast<std::uint32_t>(ctx->options.limits.max_request_header_bytes));
  c.parser->body_limit(boost::none);
  c.stream->tcp().expires_after(ctx->options.timeouts.handshake);
  auto [rec, n] = co_await c.stream->read_header(c.buffer, *c.parser);
  if (rec) {
    if (rec == net::http::error::header_limit) {
      co_await reject(*c.stream, 11, 431, "The request's header section is too large.", c.info,
                      ctx->options.timeouts.handshake);
    } else {
      log::debug("RequestReadFailed", "from {}: {}", c.info.remote, rec.message());
    }
    co_return;
  }
  co_await dispatch(c);
}

void log_exception(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    log::error("RelayConnectionError", "{}", x.what());
  }
}

net::awaitable<void> accept_loop(std::shared_ptr<relay_context> ctx) {
  asio::steady_timer backoff(ctx->executor());
  for (;;) {
    auto [ec, socket] = co_await ctx->acceptor.async_accept(net::nothrow);
    if (ctx->stopping || ec == asio::error::operation_aborted) co_return;
    if (ec) {
      // Out of file descriptors and the like: wait a little instead of spinning.
      log::warn("AcceptFailed", "{}", ec.message());
      backoff.expires_after(std::chrono::milliseconds(100));
      co_await backoff.async_wait(net::nothrow);
      continue;
    }
    if (ctx->open_connections >= ctx->options.limits.max_connections) {
      net::error_code ignored;
      auto remote = socket.remote_endpoint(ignored);
      log::warn("ConnectionRefused", "from {}: the limit of {} connections is reached", endpoint_text(remote),
                ctx->options.limits.max_connections);
      socket.close(ignored);
      continue;
    }
    // Counted from here, so that a burst of accepts cannot overshoot the limit before the coroutines start.
    connection_slot slot(ctx);
    asio::co_spawn(ctx->executor(), handle_connection(ctx, std::move(socket), std::move(slot)), log_exception);
  }
}

net::awaitable<void> shutdown_watch(std::shared_ptr<relay_context> ctx) {
  asio::steady_timer t(ctx->executor());
  auto deadline = std::chrono::steady_clock::now() + ctx->options.timeouts.shutdown;
  while (ctx->open_connections > 0 && std::chrono::steady_clock::now() < deadline) {
    t.expires_after(std::chrono::milliseconds(20));
    co_await t.async_wait(net::nothrow);
  }
  if (ctx->open_connections > 0) {
    log::warn("RelayStopForced", "{} connections still open after {} ms; cutting them", ctx->open_connections,
              ctx->options.timeouts.shutdown.count());
    ctx->ioc.stop();
  }
}

}  // namespace

// ---- relay_server ----------------------------------------------------------------------------------------

relay_server::relay_server(asio::io_context& ioc, relay_options options)
    : ctx_(std::make_shared<relay_context>(ioc, std::move(options))) {}

relay_server::~relay_server() = default;

net::tcp::endpoint relay_server::start() {
  auto& o = ctx_->options;
  net::error_code ec;
  net::tcp::endpoint endpoint;
  auto address = asio::ip::make_address(o.bind_host, ec);
  if (!ec) {
    endpoint = net::tcp::endpoint(address, o.port());
  } else {
    net::tcp::resolver resolver(ctx_->ioc);
    auto results = resolver.resolve(o.bind_host, std::to_string(o.port()), ec);
    if (ec || results.empty()) {
      throw usage_error("cannot resolve the bind address '" + o.bind_host + "': " + ec.message());
    }
    endpoint = results.begin()->endpoint();
  }
  auto& acceptor = ctx_->acceptor;
  auto fail = [&](const char* what) {
    throw runtime_failure(fmt::format("cannot listen on {}: {} failed: {}", endpoint_text(endpoint), what,
                                      ec.message()));
  };
  acceptor.open(endpoint.protocol(), ec);
  if (ec) fail("open");
  acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  acceptor.bind(endpoint, ec);
  if (ec) fail("bind");
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) fail("listen");
  auto bound = acceptor.local_endpoint();
  ctx_->default_authority = endpoint_text(bound);
  asio::co_spawn(ctx_->executor(), accept_loop(ctx_), log_exception);
  return bound;
}

void relay_server::stop() {
  auto& ctx = *ctx_;
  if (ctx.stopping) return;
  ctx.stopping = true;
  net::error_code ignored;
  ctx.acceptor.close(ignored);
  for (const auto& channel : ctx.listeners.all()) {
    channel->close(net::websocket::close_code::going_away, "The relay is shutting down");
  }
  ctx.hooks.run_all();
  asio::co_spawn(ctx.executor(), shutdown_watch(ctx_), log_exception);
}

int run(relay_options options) {
  asio::io_context ioc{1};
  const bool tls = options.tls;
  relay_server server(ioc, std::move(options));
  auto bound = server.start();
  log::info("RelayListening", "listening on {} ({})", endpoint_text(bound),
            tls ? "TLS" : "plain ws://, no TLS");
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const net::error_code& ec, int signal_number) {
    if (ec) return;
    log::info("RelayStopping", "signal {}: closing listeners and connections", signal_number);
    server.stop();
  });
  ioc.run();
  log::info("RelayStopped", "the relay has stopped");
  return 0;
}

}  // namespace azbridge::relay_server
