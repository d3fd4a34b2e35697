// HTTP senders (hybrid-connections-protocol.md §5): `https://HOST:PORT/{hc}/...` is relayed to a listener as a
// `request` message. Small requests (body <= 64 KiB, headers <= 32 kB) travel on the control channel with the
// body as the next message; others are announced address-only and streamed over the listener's request
// rendezvous. The response comes from the control channel (buffered, Content-Length) or from a rendezvous
// (streamed, chunked), within the response deadline, else 504. A rendezvous is closed after its response.
#include "azbridge/relay_server/http_headers.hpp"
#include "azbridge/util/log.hpp"
#include "control_channel.hpp"
#include "handlers.hpp"
#include "ws_util.hpp"

#include <boost/algorithm/string/predicate.hpp>

namespace azbridge::relay_server {

namespace http = net::http;

namespace {

constexpr std::size_t stream_chunk = 64 * 1024;

struct request_facts {
  unsigned version = 11;
  bool keep_alive = true;
  bool head = false;
  bool expects_continue = false;
  bool body_consumed = false;  // the sender's body has been read completely (the connection may be reused)
};

bool status_has_no_body(int status) { return (status >= 100 && status < 200) || status == 204 || status == 304; }

http::response<http::empty_body> response_head(const protocol::response_command& r, const request_facts& f,
                                               std::string_view via_host) {
  http::response<http::empty_body> res{static_cast<http::status>(r.status_code), f.version};
  if (!r.status_description.empty()) res.reason(sanitize_reason(r.status_description));
  apply_listener_response_headers(res.base(), r.response_headers);
  auto existing = std::string(res[http::field::via]);
  res.set(http::field::via, via_value(existing, via_host, f.version));
  res.keep_alive(f.keep_alive);
  return res;
}

net::awaitable<void> send_continue(connection& c, request_facts& f) {
  if (!f.expects_continue || f.version < 11) co_return;
  f.expects_continue = false;
  static constexpr std::string_view interim = "HTTP/1.1 100 Continue\r\n\r\n";
  c.stream->tcp().expires_after(c.ctx->options.timeouts.handshake);
  co_await c.stream->write_raw(net::asio::buffer(interim.data(), interim.size()));
}

/// A complete response from the control channel: Content-Length framing.
net::awaitable<bool> write_buffered_response(connection& c, const protocol::response_command& r, std::string body,
                                             const request_facts& f) {
  auto head = response_head(r, f, c.authority);
  http::response<http::string_body> res{std::move(head.base())};
  bool no_body = f.head || status_has_no_body(r.status_code);
  if (!no_body) {
    res.body() = std::move(body);
    res.prepare_payload();
  }
  c.stream->tcp().expires_after(c.ctx->options.timeouts.response);
  auto [ec, n] = co_await c.stream->write(res);
  co_return !ec;
}

/// Streams the request body from the sender into the rendezvous as one binary message.
net::awaitable<bool> stream_request_body(connection& c, net::ws_stream& ws, request_facts& f,
                                         std::vector<unsigned char>& buf) {
  co_await send_continue(c, f);
  http::request_parser<http::buffer_body> parser{std::move(*c.parser)};
  c.parser.reset();
  parser.body_limit(boost::none);
  ws.binary(true);
  while (!parser.is_done()) {
    parser.get().body().data = buf.data();
    parser.get().body().size = buf.size();
    c.stream->tcp().expires_after(c.ctx->options.timeouts.handshake);
    auto [ec, n] = co_await c.stream->read(c.buffer, parser);
    if (ec == http::error::need_buffer) ec = {};
    if (ec) co_return false;
    std::size_t got = buf.size() - parser.get().body().size;
    if (got == 0 && !parser.is_done()) continue;
    auto [wec, w] = co_await ws.write_some(parser.is_done(), net::asio::buffer(buf.data(), got));
    if (wec) co_return false;
  }
  f.body_consumed = true;
  co_return true;
}

}  // namespace

namespace {

/// Relays one request; returns true when the sender connection can carry another one.
net::awaitable<bool> relay_one(connection& c) {
  auto& ctx = *c.ctx;
  auto& req = c.request();
  c.info.action = "http";
  c.info.tracking_id = protocol::make_tracking_id();
  request_facts f;
  f.version = req.version();
  f.keep_alive = req.keep_alive();
  f.head = req.method() == http::verb::head;
  f.expects_continue = boost::algorithm::iequals(req[http::field::expect], "100-continue");
  const bool has_body = !c.parser->is_done();
  f.body_consumed = !has_body;

  auto fail = [&](int status, std::string message) -> net::awaitable<bool> {
    // Without having read the body the connection cannot be reused.
    co_await reject(*c.stream, f.version, status, message, c.info, ctx.options.timeouts.handshake,
                    body_style::json, f.keep_alive && f.body_consumed);
    co_return f.keep_alive && f.body_consumed;
  };

  if (net::websocket::is_upgrade(req)) {
    co_return co_await fail(400, "WebSocket connections must use /$hc/{path}?sb-hc-action=connect.");
  }
  auto target = protocol::parse_http_target(req.target());
  if (!target) co_return co_await fail(400, "Invalid request target: " + target.error());
  c.info.path = target->path;
  if (req.method() == http::verb::connect) co_return co_await fail(405, "The CONNECT method cannot be relayed.");
  auto hc = ctx.catalog.resolve_send(target->path, [&](const std::string& key) { return ctx.listeners.contains(key); });
  if (!hc) co_return co_await fail(404, "Endpoint does not exist.");

  // Token precedence: sb-hc-token, ServiceBusAuthorization, then Authorization (only then stripped).
  std::string token = target->token;
  bool authorization_is_token = false;
  if (token.empty()) token = std::string(req["ServiceBusAuthorization"]);
  if (token.empty() && !req[http::field::authorization].empty()) {
    token = std::string(req[http::field::authorization]);
    authorization_is_token = true;
  }
  auto decision = check_access(c, *hc, token, required_right::send, target->path);
  if (!decision.ok()) co_return co_await fail(decision.status, decision.reason);

  auto listener = ctx.listeners.pick(hc->key, ctx.rng, [](const control_channel& ch) { return !ch.is_closing(); });
  if (!listener) co_return co_await fail(502, "There are no listeners connected for the endpoint.");

  protocol::request_command command;
  command.id = protocol::make_tracking_id();
  const auto rendezvous_id = make_rendezvous_id();
  command.address = fmt::format("{}://{}/$hc/{}?sb-hc-action=request&sb-hc-id={}", ctx.ws_scheme(),
                                listener->identity().rendezvous_authority, hc->name, rendezvous_id);
  command.request_target = target->filtered_target;
  command.method = std::string(req.method_string());
  command.remote = protocol::remote_endpoint{c.remote.address().to_string(), c.remote.port()};
  command.request_headers = request_headers_for_listener(req.base(), authorization_is_token);

  const auto& limits = ctx.options.limits;
  auto length = c.parser->content_length();
  const bool inline_request = header_bytes(command.request_headers) <= limits.max_inline_header_bytes &&
                              (!has_body || (length && *length <= limits.max_inline_body_bytes)) &&
                              listener->queued_bytes() + (length ? *length : 0) <= limits.max_control_queue_bytes;

  auto exchange = std::make_shared<http_exchange>(ctx.executor());
  ctx.rendezvous.add(rendezvous_id, rendezvous_entry{std::weak_ptr<http_exchange>(exchange), hc->key},
                     std::chrono::steady_clock::now(), ctx.options.timeouts.response);
  listener->expect_response(command.id, exchange);
  struct cleanup_t {
    relay_context& ctx;
    std::shared_ptr<control_channel> listener;
    std::shared_ptr<http_exchange> exchange;
    std::string rendezvous_id, request_id;
    ~cleanup_t() {
      exchange->done = true;
      ctx.rendezvous.erase(rendezvous_id);
      listener->forget_response(request_id);
    }
  } cleanup{ctx, listener, exchange, rendezvous_id, command.id};

  if (inline_request) {
    std::string body;
    if (has_body) {
      co_await send_continue(c, f);
      http::request_parser<http::string_body> parser{std::move(*c.parser)};
      c.parser.reset();
      parser.body_limit(limits.max_inline_body_bytes);
      c.stream->tcp().expires_after(ctx.options.timeouts.handshake);
      auto [ec, n] = co_await c.stream->read(c.buffer, parser);
      if (ec) co_return false;
      body = std::move(parser.get().body());
      f.body_consumed = true;
    }
    command.body = !body.empty();
    auto json = protocol::encode(command);
    bool sent = *command.body ? listener->send_with_body(std::move(json), std::move(body)) : listener->send(std::move(json));
    if (!sent) co_return co_await fail(503, "The listener is not accepting requests right now.");
    exchange->request_delivered = true;
  } else {
    protocol::request_command announce;
    announce.address = command.address;
    announce.id = command.id;
    if (!listener->send(protocol::encode(announce))) {
      co_return co_await fail(503, "The listener is not accepting requests right now.");
    }
  }

  {
    stop_hook hook(ctx, [exchange] { exchange->ready.interrupt(); });
    co_await exchange->ready.wait_until(std::chrono::steady_clock::now() + ctx.options.timeouts.response);
  }
  if (exchange->response) {
    bool ok = co_await write_buffered_response(c, *exchange->response, std::move(exchange->body), f);
    co_return ok && f.keep_alive && f.body_consumed;
  }
  if (!exchange->rendezvous) {
    if (ctx.stopping) co_return co_await fail(503, "The relay is shutting down.");
    if (exchange->listener_lost) co_return co_await fail(502, "The listener disconnected before it responded.");
    f.keep_alive = false;  // a late response must not find this connection reused
    co_return co_await fail(504, fmt::format("The request was routed to the listener but the listener did not "
                                             "respond in the required time ({} s).",
                                             ctx.options.timeouts.response.count() / 1000.0));
  }

  // The listener came to the request rendezvous: send the request there unless it already has it.
  net::ws_stream ws = std::move(*exchange->rendezvous);
  exchange->rendezvous.reset();
  connection_slot ws_slot = std::move(*exchange->rendezvous_slot);
  stop_hook hook(ctx, [&] {
    ws.abort();
    if (c.stream) c.stream->abort();
  });
  ws.read_message_max(0);  // the body is streamed frame by frame; only the JSON is buffered (bounded below)
  std::vector<unsigned char> buf(stream_chunk);
  if (!exchange->request_delivered) {
    command.body = has_body;
    ws.text(true);
    auto [ec, n] = co_await ws.write(net::asio::buffer(protocol::encode(command)));
    if (ec) co_return co_await fail(502, "The listener's request rendezvous failed.");
    if (has_body && !co_await stream_request_body(c, ws, f, buf)) {
      ws.abort();
      co_return false;
    }
  }

  // The response JSON, then (if any) its body as one binary message, streamed to the sender.
  net::websocket::stream_base::timeout t{};
  t.handshake_timeout = std::chrono::seconds(10);
  t.idle_timeout = ctx.options.timeouts.response;  // no answer (or a stalled body) within it: give up
  t.keep_alive_pings = false;
  ws.set_timeout(t);
  std::optional<protocol::response_command> response;
  for (int messages = 0; !response && messages < 4; ++messages) {
    net::beast::flat_buffer json(limits.max_control_message_bytes);
    auto [ec, n] = co_await ws.read(json);
    if (ec) {
      if (ec == net::beast::error::timeout) {
        f.keep_alive = false;
        co_return co_await fail(504, "The request was routed to the listener but the listener did not respond "
                                     "in the required time.");
      }
      co_return co_await fail(502, "The listener closed the request rendezvous without a response.");
    }
    if (!ws.got_text()) continue;  // a stray (empty) binary message
    auto data = json.cdata();
    auto reply = protocol::decode_listener_reply(std::string_view(static_cast<const char*>(data.data()), data.size()));
    if (reply) {
      if (auto* r = std::get_if<protocol::response_command>(&*reply)) response = std::move(*r);
    }
  }
  if (!response) co_return co_await fail(502, "The listener sent no valid response.");
  if (response->status_code < 200 || response->status_code > 599) {
    co_return co_await fail(502, fmt::format("The listener sent an invalid status code {}.", response->status_code));
  }

  auto head = response_head(*response, f, c.authority);
  const bool no_body = f.head || status_has_no_body(response->status_code);
  bool ok = true;
  if (no_body || !response->body) {
    if (!no_body) head.content_length(0);
    http::response_serializer<http::empty_body> sr{head};
    c.stream->tcp().expires_after(ctx.options.timeouts.response);
    auto [ec, n] = co_await c.stream->write_header(sr);
    ok = !ec;
  } else {
    const bool chunked = f.version >= 11;
    if (chunked) {
      head.chunked(true);
    } else {
      f.keep_alive = false;  // HTTP/1.0: the end of the connection ends the body
      head.keep_alive(false);
    }
    http::response_serializer<http::empty_body> sr{head};
    c.stream->tcp().expires_after(ctx.options.timeouts.response);
    auto [ec, n] = co_await c.stream->write_header(sr);
    ok = !ec;
    bool done = false;
    while (ok && !done) {
      auto [rec, got] = co_await ws.read_some(net::asio::buffer(buf));
      if (rec) {
        ok = false;  // the body broke off: the sender must not take it as complete
        break;
      }
      done = ws.is_message_done();
      if (got == 0) continue;
      c.stream->tcp().expires_after(ctx.options.timeouts.response);
      if (chunked) {
        std::tie(ec, n) = co_await c.stream->write_raw(http::make_chunk(net::asio::buffer(buf.data(), got)));
      } else {
        std::tie(ec, n) = co_await c.stream->write_raw(net::asio::buffer(buf.data(), got));
      }
      ok = !ec;
    }
    if (ok && chunked) {
      auto [cec, cn] = co_await c.stream->write_raw(http::make_chunk_last());
      ok = !cec;
    }
  }
  // One response per rendezvous here; the sender's next request gets a fresh one.
  if (ws.is_open()) {
    co_await ws.close(make_close_reason(net::websocket::close_code::normal, "Request completed"));
  }
  co_return ok && f.keep_alive && f.body_consumed;
}

}  // namespace

net::awaitable<void> handle_http(connection& c) {
  auto& ctx = *c.ctx;
  for (bool first = true;; first = false) {
    if (!first) {
      c.parser.emplace();
      c.parser->header_limit(static_cast<std::uint32_t>(ctx.options.limits.max_request_header_bytes));
      c.parser->body_limit(boost::none);
      c.stream->tcp().expires_after(ctx.options.timeouts.keep_alive);
      auto [ec, n] = co_await c.stream->read_header(c.buffer, *c.parser);
      if (ec) break;  // closed, idle too long, or not HTTP: end quietly
    }
    bool again = co_await relay_one(c);
    if (!again || ctx.stopping || !c.stream) break;
  }
  if (c.stream) co_await c.stream->shutdown(ctx.options.timeouts.handshake);
}

}  // namespace azbridge::relay_server
