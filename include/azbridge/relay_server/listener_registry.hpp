// The live listeners of each hybrid connection (at most N per name) and the random choice of one of them
// per connect or request ("balanced across them in random order", hybrid-connections-protocol.md §6.5).
// Sans-I/O and templated on the listener type so the unit tests can use a stand-in.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace azbridge::relay_server {

template <class Listener>
class basic_listener_registry {
 public:
  explicit basic_listener_registry(std::size_t max_per_hybrid_connection) : max_(max_per_hybrid_connection) {}

  std::size_t max_per_hybrid_connection() const noexcept { return max_; }

  bool has_room(const std::string& key) const { return count(key) < max_; }

  /// Adds a listener; false (and nothing changes) when the hybrid connection already has the maximum.
  bool attach(const std::string& key, const std::string& name, std::shared_ptr<Listener> listener) {
    auto& e = by_key_[key];
    if (e.listeners.size() >= max_) {
      if (e.listeners.empty()) by_key_.erase(key);
      return false;
    }
    if (e.name.empty()) e.name = name;
    e.listeners.push_back(std::move(listener));
    return true;
  }

  /// Removes a listener; a name without listeners disappears. False if it was not attached.
  bool detach(const std::string& key, const Listener* listener) {
    auto it = by_key_.find(key);
    if (it == by_key_.end()) return false;
    auto& list = it->second.listeners;
    auto pos = std::find_if(list.begin(), list.end(), [&](const auto& p) { return p.get() == listener; });
    if (pos == list.end()) return false;
    list.erase(pos);
    if (list.empty()) by_key_.erase(it);
    return true;
  }

  std::size_t count(const std::string& key) const {
    auto it = by_key_.find(key);
    return it == by_key_.end() ? 0 : it->second.listeners.size();
  }

  bool contains(const std::string& key) const { return by_key_.count(key) != 0; }

  /// A listener chosen uniformly at random among those accepted by `usable` (e.g. not closing); null if none.
  template <class Rng, class Pred>
  std::shared_ptr<Listener> pick(const std::string& key, Rng& rng, Pred usable) const {
    auto it = by_key_.find(key);
    if (it == by_key_.end()) return nullptr;
    std::vector<const std::shared_ptr<Listener>*> candidates;
    for (const auto& l : it->second.listeners) {
      if (usable(*l)) candidates.push_back(&l);
    }
    if (candidates.empty()) return nullptr;
    std::uniform_int_distribution<std::size_t> dist(0, candidates.size() - 1);
    return *candidates[dist(rng)];
  }

  template <class Rng>
  std::shared_ptr<Listener> pick(const std::string& key, Rng& rng) const {
    return pick(key, rng, [](const Listener&) { return true; });
  }

  /// Every attached listener (for shutdown).
  std::vector<std::shared_ptr<Listener>> all() const {
    std::vector<std::shared_ptr<Listener>> out;
    for (const auto& [key, e] : by_key_) out.insert(out.end(), e.listeners.begin(), e.listeners.end());
    return out;
  }

  std::size_t hybrid_connection_count() const noexcept { return by_key_.size(); }

 private:
  struct hc_entry {
    std::string name;
    std::vector<std::shared_ptr<Listener>> listeners;
  };
  std::size_t max_;
  std::unordered_map<std::string, hc_entry> by_key_;
};

}  // namespace azbridge::relay_server
