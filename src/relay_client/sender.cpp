#include "azbridge/relay_client/sender.hpp"

#include "azbridge/protocol/relay_url.hpp"
#include "azbridge/util/log.hpp"

#include <fmt/format.h>
#include <sys/utsname.h>

#ifndef AZB_VERSION
#define AZB_VERSION "0.0.0"
#endif

namespace azbridge::relay_client {

const std::string& relay_user_agent() {
  static const std::string agent = [] {
    utsname u{};
    if (uname(&u) != 0) return std::string("azbridge-cpp/" AZB_VERSION);
    return fmt::format("azbridge-cpp/{} ({} {}; {})", AZB_VERSION, u.sysname, u.release, u.machine);
  }();
  return agent;
}

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

connect_error config_error(std::string message) {
  connect_error e;
  e.what = connect_error::kind::configuration;
  e.message = std::move(message);
  return e;
}

}  // namespace

net::awaitable<connect_result> connect(net::ssl::context& tls, std::string_view endpoint,
                                       std::string_view entity_path, token_provider& tokens,
                                       const connect_options& options) {
  connect_result result;
  result.tracking_id = options.tracking_id.empty() ? protocol::make_tracking_id() : options.tracking_id;

  std::string path(entity_path);
  if (!options.path_suffix.empty()) {
    if (options.path_suffix.front() != '/') path += '/';
    path += options.path_suffix;
  }
  auto url_text = protocol::make_relay_url(endpoint, path, protocol::hc_action::connect, result.tracking_id,
                                           options.app_query);
  if (!url_text) {
    result.error = config_error(fmt::format("invalid relay endpoint '{}': {}", endpoint, url_text.error()));
    co_return result;
  }
  auto url = net::ws_url::parse(*url_text);
  auto audience = protocol::make_resource_uri(endpoint, entity_path);
  if (!url || !audience) {
    result.error = config_error(fmt::format("invalid relay endpoint '{}'", endpoint));
    co_return result;
  }

  auto token = co_await tokens.get_token(*audience);
  if (!token) {
    result.error = config_error(fmt::format("cannot get a token ({}) for hybrid connection '{}': {}",
                                            tokens.describe(), entity_path, token.error()));
    co_return result;
  }

  net::ws_connect_options o;
  o.timeout = options.timeout;
  o.verify_tls = options.verify_tls;
  o.write_buffer_bytes = 64 * 1024;
  for (const auto& [name, value] : options.extra_headers) o.headers.set(name, value);
  if (!token->empty()) o.headers.set("ServiceBusAuthorization", token->value);
  o.headers.set("Relay-User-Agent", relay_user_agent());
  if (!options.subprotocols.empty()) o.headers.set(net::http::field::sec_websocket_protocol, join(options.subprotocols));

  auto r = co_await net::ws_connect(&tls, *url, std::move(o));
  if (r.ec) {
    result.error = describe_connect_failure(r, "send to", entity_path, fmt::format("{}:{}", url->host, url->port));
    co_return result;
  }
  result.subprotocol = std::string(r.response[net::http::field::sec_websocket_protocol]);
  result.stream.emplace(std::move(*r.stream));
  co_return result;
}

}  // namespace azbridge::relay_client
