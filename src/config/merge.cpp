// Config.Merge with azbridge's rules, and the deliberate fixes listed in load.hpp.
#include "azbridge/config/load.hpp"

namespace azbridge::config {
namespace {

template <class T>
void take(std::optional<T>& into, const std::optional<T>& later) {
  if (later) into = later;
}

void take(std::string& into, const std::string& later) {
  if (!later.empty()) into = later;
}

}  // namespace

void merge(config& into, const config& later) {
  // azbridge merges AzureRelayConnectionString first: its getter is non-null whenever the later layer has an
  // endpoint, and then it replaces the whole builder (keys of earlier layers belong to another namespace).
  if (!later.connection.endpoint.empty()) {
    into.connection = later.connection;
  } else {
    take(into.connection.shared_access_key_name, later.connection.shared_access_key_name);
    take(into.connection.shared_access_key, later.connection.shared_access_key);
    take(into.connection.shared_access_signature, later.connection.shared_access_signature);
  }
  take(into.address_family, later.address_family);
  take(into.bind_address, later.bind_address);
  take(into.clear_all_forwardings, later.clear_all_forwardings);
  take(into.connection_attempts, later.connection_attempts);
  take(into.connect_timeout, later.connect_timeout);
  take(into.exit_on_forward_failure, later.exit_on_forward_failure);
  take(into.gateway_ports, later.gateway_ports);
  take(into.keep_alive_interval, later.keep_alive_interval);
  take(into.log_file_name, later.log_file_name);
  take(into.log_level, later.log_level);

  if (later.clear_all_forwardings.value_or(false)) {
    into.local_forwards.clear();
    into.remote_forwards.clear();
  }
  into.local_forwards.insert(into.local_forwards.end(), later.local_forwards.begin(), later.local_forwards.end());
  into.remote_forwards.insert(into.remote_forwards.end(), later.remote_forwards.begin(), later.remote_forwards.end());
}

}  // namespace azbridge::config
