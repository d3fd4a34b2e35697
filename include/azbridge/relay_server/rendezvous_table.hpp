// Pending rendezvous addresses: an unguessable id handed to a listener in `accept`/`request`, valid for one
// successful use until it expires (30 s for accepts, hybrid-connections-protocol.md §3.2). Sans-I/O: the
// caller passes the clock; expired entries are purged as new ones arrive, so the table stays bounded.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace azbridge::relay_server {

/// 128 random bits (OpenSSL RAND_bytes) as 32 lower-case hex digits.
std::string make_rendezvous_id();

template <class T>
class rendezvous_table {
 public:
  using clock = std::chrono::steady_clock;

  /// Registers `id` until now + ttl (and purges what expired by now).
  void add(std::string id, T value, clock::time_point now, clock::duration ttl) {
    purge(now);
    auto expires_at = now + ttl;
    expiry_.emplace(expires_at, id);
    entries_.insert_or_assign(std::move(id), entry{std::move(value), expires_at});
  }

  /// Single use: removes the entry. nullopt for unknown, already used or expired ids.
  std::optional<T> take(const std::string& id, clock::time_point now) {
    auto it = entries_.find(id);
    if (it == entries_.end()) return std::nullopt;
    bool expired = now >= it->second.expires_at;
    std::optional<T> out;
    if (!expired) out.emplace(std::move(it->second.value));
    entries_.erase(it);
    return out;
  }

  bool erase(const std::string& id) { return entries_.erase(id) != 0; }

  /// Drops entries that expired at or before `now`; returns how many.
  std::size_t purge(clock::time_point now) {
    std::size_t dropped = 0;
    while (!expiry_.empty() && expiry_.top().first <= now) {
      auto it = entries_.find(expiry_.top().second);
      if (it != entries_.end() && it->second.expires_at <= now) {
        entries_.erase(it);
        ++dropped;
      }
      expiry_.pop();
    }
    return dropped;
  }

  std::size_t size() const noexcept { return entries_.size(); }

 private:
  struct entry {
    T value;
    clock::time_point expires_at;
  };
  using slot = std::pair<clock::time_point, std::string>;
  std::unordered_map<std::string, entry> entries_;
  std::priority_queue<slot, std::vector<slot>, std::greater<>> expiry_;
};

}  // namespace azbridge::relay_server
