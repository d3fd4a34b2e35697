#include "reply.hpp"

#include "azbridge/relay_server/auth.hpp"
#include "azbridge/relay_server/http_headers.hpp"
#include "azbridge/util/log.hpp"

#include <boost/json.hpp>

namespace azbridge::relay_server {

std::string service_message(std::string_view message, const request_info& info) {
  auto host = std::string(authority_host(info.host));
  return fmt::format("{} TrackingId:{}, SystemTracker:sb://{}/{}, Timestamp:{}", message, info.tracking_id,
                     host.empty() ? "relay" : host, info.path, format_unix_time(unix_now()));
}

namespace {

const char* error_code_name(int status) {
  switch (status) {
    case 400: return "BadRequest";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "EndpointNotFound";
    case 410: return "Gone";
    case 431: return "RequestHeaderFieldsTooLarge";
    case 500: return "InternalServerError";
    case 502: return "BadGateway";
    case 503: return "ServiceUnavailable";
    case 504: return "GatewayTimeout";
    default: return "Error";
  }
}

}  // namespace

std::string json_error_body(int status, std::string_view message) {
  boost::json::object error;
  error["code"] = error_code_name(status);
  error["message"] = message;
  boost::json::object root;
  root["error"] = std::move(error);
  return boost::json::serialize(root);
}

net::awaitable<void> reject(server_stream& stream, unsigned http_version, int status, std::string_view message,
                            const request_info& info, std::chrono::milliseconds timeout, body_style style,
                            bool keep_alive) {
  auto full = service_message(message, info);
  log::info("RequestRejected", "{} {} '{}' from {}: {}", info.action, status, info.path, info.remote,
            message);
  net::http::response<net::http::string_body> res{static_cast<net::http::status>(status), http_version};
  res.reason(sanitize_reason(full));
  res.set(net::http::field::server, "azbridge-relay");
  if (style == body_style::json) {
    res.set(net::http::field::content_type, "application/json; charset=utf-8");
    res.body() = json_error_body(status, full);
  } else {
    res.set(net::http::field::content_type, "text/plain; charset=utf-8");
    res.body() = full + "\n";
  }
  res.keep_alive(keep_alive);
  res.prepare_payload();
  stream.tcp().expires_after(timeout);
  auto [ec, n] = co_await stream.write(res);
  if (ec || !keep_alive) co_await stream.shutdown(timeout);
}

}  // namespace azbridge::relay_server
