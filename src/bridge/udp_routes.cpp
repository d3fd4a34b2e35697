#include "azbridge/bridge/udp_routes.hpp"

namespace azbridge::bridge {

udp_routes::arrival udp_routes::on_datagram(const std::string& source, std::vector<std::uint8_t> datagram,
                                            clock::time_point now) {
  if (datagram.size() > max_datagram) return {verdict::dropped, 0};
  auto it = by_source_.find(source);
  if (it == by_source_.end()) {
    if (routes_.size() >= max_routes_) return {verdict::dropped, 0};
    route_id id = next_id_++;
    route r;
    r.source = source;
    r.last_activity = now;
    r.queued_bytes = datagram.size();
    r.queue.push_back(std::move(datagram));
    routes_.emplace(id, std::move(r));
    by_source_.emplace(source, id);
    return {verdict::opened, id};
  }
  auto& r = routes_.at(it->second);
  r.last_activity = now;
  if (r.open) return {verdict::forward, it->second};
  if (r.queue.size() >= max_queued_datagrams || r.queued_bytes + datagram.size() > max_queued_bytes) {
    return {verdict::dropped, it->second};
  }
  r.queued_bytes += datagram.size();
  r.queue.push_back(std::move(datagram));
  return {verdict::queued, it->second};
}

std::deque<std::vector<std::uint8_t>> udp_routes::on_open(route_id id, clock::time_point now) {
  auto it = routes_.find(id);
  if (it == routes_.end()) return {};
  it->second.open = true;
  it->second.last_activity = now;
  it->second.queued_bytes = 0;
  return std::exchange(it->second.queue, {});
}

void udp_routes::on_reply(route_id id, clock::time_point now) {
  auto it = routes_.find(id);
  if (it != routes_.end()) it->second.last_activity = now;
}

void udp_routes::remove(route_id id) {
  auto it = routes_.find(id);
  if (it == routes_.end()) return;
  by_source_.erase(it->second.source);
  routes_.erase(it);
}

std::vector<udp_routes::route_id> udp_routes::expire(clock::time_point now) {
  std::vector<route_id> gone;
  for (auto it = routes_.begin(); it != routes_.end();) {
    if (now - it->second.last_activity >= idle_expiry_) {
      gone.push_back(it->first);
      by_source_.erase(it->second.source);
      it = routes_.erase(it);
    } else {
      ++it;
    }
  }
  return gone;
}

udp_routes::clock::time_point udp_routes::next_expiry() const {
  auto next = clock::time_point::max();
  for (const auto& [id, r] : routes_) next = std::min(next, r.last_activity + idle_expiry_);
  return next;
}

std::optional<std::string> udp_routes::source_of(route_id id) const {
  auto it = routes_.find(id);
  if (it == routes_.end()) return std::nullopt;
  return it->second.source;
}

}  // namespace azbridge::bridge
