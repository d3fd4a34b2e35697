// Helpers shared by the handlers: access checks, token lookup, error answers.
#include "azbridge/relay_server/http_headers.hpp"
#include "azbridge/util/log.hpp"
#include "handlers.hpp"

namespace azbridge::relay_server {

auth_decision check_access(connection& c, const resolved_hc& hc, std::string_view token, required_right right,
                           std::string_view full_path) {
  if (right == required_right::send && token.empty() && !hc.settings->requires_client_authorization) {
    return auth_decision{};  // anonymous sender on a hybrid connection that allows it
  }
  auth_request req;
  req.token = token;
  req.host = authority_host(c.authority);
  req.hc_name = hc.name;
  req.full_path = full_path;
  req.right = right;
  req.now_unix = unix_now();
  req.clock_skew = std::chrono::duration_cast<std::chrono::seconds>(c.ctx->options.timeouts.clock_skew);
  return authorize(req, hc.settings->policies, c.ctx->options.policies);
}

std::string websocket_token(connection& c, const protocol::hc_target& target) {
  auto header = c.request()["ServiceBusAuthorization"];
  if (!header.empty()) return std::string(header);
  return target.token;
}

net::awaitable<void> connection::reject(int status, std::string_view message, body_style style) {
  if (!stream) co_return;
  co_await relay_server::reject(*stream, request().version(), status, message, info, ctx->options.timeouts.handshake,
                                style, false);
}

net::awaitable<void> connection::reject_verbatim(int status, std::string_view reason) {
  if (!stream) co_return;
  net::http::response<net::http::string_body> res{static_cast<net::http::status>(status), request().version()};
  res.reason(sanitize_reason(reason));
  res.set(net::http::field::server, "azbridge-relay");
  res.set(net::http::field::content_type, "text/plain; charset=utf-8");
  res.body() = std::string(reason) + "\n";
  res.keep_alive(false);
  res.prepare_payload();
  stream->tcp().expires_after(ctx->options.timeouts.handshake);
  co_await stream->write(res);
  co_await stream->shutdown(ctx->options.timeouts.handshake);
}

}  // namespace azbridge::relay_server
