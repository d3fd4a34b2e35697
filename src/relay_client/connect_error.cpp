#include "azbridge/relay_client/connect_error.hpp"

#include <boost/asio/ssl/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace azbridge::relay_client {
namespace {

bool contains_nocase(std::string_view haystack, std::string_view needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
  return it != haystack.end();
}

std::string status_text(int status, std::string_view reason) {
  return reason.empty() ? fmt::format("{}", status) : fmt::format("{} {}", status, reason);
}

}  // namespace

bool connect_error::transient() const noexcept {
  switch (what) {
    case kind::no_listener:
    case kind::timeout:
    case kind::network:
      return true;
    case kind::rejected:
      return http_status >= 500;
    default:
      return false;
  }
}

connect_error describe_connect_failure(const net::ws_connect_result& result, std::string_view role,
                                       std::string_view entity, std::string_view where) {
  connect_error e;
  const auto& ec = result.ec;
  if (!ec) return e;
  if (ec == net::websocket::error::upgrade_declined) {
    e.http_status = static_cast<int>(result.response.result_int());
    e.reason = std::string(result.response.reason());
    const auto said = status_text(e.http_status, e.reason);
    switch (e.http_status) {
      case 401:
        e.what = connect_error::kind::unauthorized;
        e.message = fmt::format(
            "the relay at {} refused the credentials to {} hybrid connection '{}' (relay said: {}); check the "
            "shared access key name and key, or the SAS token and its expiry",
            where, role, entity, said);
        break;
      case 403:
        e.what = connect_error::kind::forbidden;
        e.message = fmt::format(
            "the credentials are not allowed to {} hybrid connection '{}' at {} (relay said: {}); the rule needs "
            "the {} right on this hybrid connection or a parent path",
            role, entity, where, said, role == "send to" ? "Send" : "Listen");
        break;
      case 404:
        if (contains_nocase(e.reason, "no listener")) {
          e.what = connect_error::kind::no_listener;
          e.message = fmt::format("no listener is connected to hybrid connection '{}' at {} (relay said: {})",
                                  entity, where, said);
        } else {
          e.what = connect_error::kind::no_such_entity;
          e.message = fmt::format("hybrid connection '{}' does not exist at {} (relay said: {})", entity, where,
                                  said);
        }
        break;
      default:
        e.what = connect_error::kind::rejected;
        e.message = fmt::format("the relay at {} declined to {} hybrid connection '{}': {}", where, role, entity,
                                said);
        break;
    }
    return e;
  }
  if (ec == boost::beast::error::timeout || ec == boost::asio::error::timed_out) {
    e.what = connect_error::kind::timeout;
    e.message = fmt::format("timed out connecting to the relay at {} to {} hybrid connection '{}'", where, role,
                            entity);
    return e;
  }
  e.what = connect_error::kind::network;
  const bool tls = ec.category() == boost::asio::error::get_ssl_category() ||
                   ec == boost::asio::ssl::error::stream_truncated;
  e.message = fmt::format("cannot connect to the relay at {} to {} hybrid connection '{}': {}{}", where, role,
                          entity, tls ? "TLS failure: " : "", ec.message());
  return e;
}

}  // namespace azbridge::relay_client
