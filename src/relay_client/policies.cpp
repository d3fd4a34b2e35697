// Sans-I/O policies of the relay client: backoff, renewal, liveness, rendezvous decisions.
#include "azbridge/relay_client/backoff.hpp"
#include "azbridge/relay_client/liveness.hpp"
#include "azbridge/relay_client/renewal.hpp"
#include "azbridge/relay_client/rendezvous.hpp"

#include <algorithm>
#include <cctype>

namespace azbridge::relay_client {

std::chrono::milliseconds reconnect_backoff::next(double unit_random) {
  const auto step = std::chrono::duration_cast<std::chrono::milliseconds>(steps[index_]);
  if (index_ + 1 < steps.size()) ++index_;
  unit_random = std::clamp(unit_random, 0.0, 1.0);
  const auto span = std::max(minimum_jitter, std::chrono::milliseconds(static_cast<long long>(
                                                 static_cast<double>(step.count()) * jitter_fraction)));
  return step + std::chrono::milliseconds(static_cast<long long>(static_cast<double>(span.count()) * unit_random));
}

wall_clock::time_point renewal_point(wall_clock::time_point issued, wall_clock::time_point expires, double fraction) {
  if (expires <= issued) return issued;
  fraction = std::clamp(fraction, 0.0, 1.0);
  const auto lifetime = std::chrono::duration<double>(expires - issued);
  return issued + std::chrono::duration_cast<wall_clock::duration>(lifetime * fraction);
}

bool refresh_due(wall_clock::time_point issued, wall_clock::time_point expires, wall_clock::time_point now,
                 double fraction) {
  return now >= renewal_point(issued, expires, fraction);
}

liveness_monitor::liveness_monitor(clock::duration interval, clock::duration dead_after, clock::time_point now)
    : interval_(interval),
      dead_after_(dead_after > clock::duration::zero() ? dead_after : 2 * interval),
      last_received_(now),
      last_keepalive_(now) {}

bool liveness_monitor::keepalive_due(clock::time_point now) const noexcept {
  return interval_ > clock::duration::zero() && now - last_keepalive_ >= interval_;
}

bool liveness_monitor::dead(clock::time_point now) const noexcept {
  return interval_ > clock::duration::zero() && now - last_received_ >= dead_after_;
}

liveness_monitor::clock::time_point liveness_monitor::next_event() const noexcept {
  if (interval_ <= clock::duration::zero()) return clock::time_point::max();
  return std::min(last_keepalive_ + interval_, last_received_ + dead_after_);
}

namespace {

bool unreserved(unsigned char c) {
  return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~';
}

std::string percent_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (unsigned char c : text) {
    if (unreserved(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xF];
    }
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string make_reject_url(std::string_view address, int status_code, std::string_view description) {
  std::string url(address);
  // A fragment never appears in relay addresses; a trailing '?' or '&' needs no extra separator.
  if (url.find('?') == std::string::npos) {
    url += '?';
  } else if (url.back() != '?' && url.back() != '&') {
    url += '&';
  }
  url += "sb-hc-statusCode=";
  url += std::to_string(status_code);
  url += "&sb-hc-statusDescription=";
  url += percent_encode(description);
  return url;
}

std::optional<std::string> choose_subprotocol(const protocol::header_list& connect_headers) {
  const std::string* offered = protocol::find_header(connect_headers, "Sec-WebSocket-Protocol");
  if (offered == nullptr) return std::nullopt;
  std::string_view rest = *offered;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    auto item = trim(rest.substr(0, comma));
    if (!item.empty()) return std::string(item);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return std::nullopt;
}

response_route choose_response_route(bool request_arrived_on_rendezvous, std::size_t json_bytes,
                                     std::size_t body_bytes) {
  if (request_arrived_on_rendezvous) return response_route::rendezvous;
  if (json_bytes >= max_control_channel_body || body_bytes > max_control_channel_body) {
    return response_route::rendezvous;
  }
  return response_route::control_channel;
}

}  // namespace azbridge::relay_client
