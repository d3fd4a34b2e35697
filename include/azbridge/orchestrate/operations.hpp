// The four operations of `azbridge orchestrate` over the REST clients: open, close, status, sweep.
// Each step is reported on the progress line; failures throw orchestrate::error with its exit status.
#pragma once

#include "azbridge/orchestrate/aci.hpp"
#include "azbridge/orchestrate/clients.hpp"
#include "azbridge/orchestrate/progress.hpp"
#include "azbridge/orchestrate/session.hpp"
#include "azbridge/orchestrate/settings.hpp"

#include <optional>
#include <string>
#include <vector>

namespace azbridge::orchestrate {

struct open_result {
  std::string device;
  std::string session_id;
  std::string entry_point;  // fqdn:port
  std::string fqdn;
  int port = 0;
  std::string container_group;
  std::string hybrid_connection;
  bool ephemeral_relay = false;
  std::string expires;      // RFC 3339
  std::string service_protocol;  // from the device's answer
  std::string service_port;
  std::string device_result;
  std::string replaced_session;  // a previous session of this device that this one replaced
};

struct close_result {
  std::string device;
  std::string session_id;           // empty when no session was found
  bool device_notified = false;     // DeleteConnection answered 2xx
  std::string device_note;          // why not, or the device's result text
  bool container_group_deleted = false;
  std::string container_group;
  bool hybrid_connection_deleted = false;
  std::string hybrid_connection;
};

struct session_row {
  std::string device;
  std::string session_id;
  std::string container_group;
  std::string provisioning_state;
  std::string instance_state;
  std::string entry_point;
  std::string hybrid_connection;
  bool ephemeral_relay = false;
  std::string expires;
  bool expired = false;
};

struct sweep_result {
  std::vector<close_result> closed;
  std::vector<std::string> failures;  // one line per session that could not be removed
  std::size_t kept = 0;               // sessions not yet expired
};

class orchestrator {
 public:
  orchestrator(const settings& s, progress& p, iothub_client& hub, arm_client& arm)
      : s_(s), p_(p), hub_(hub), arm_(arm) {}

  net::awaitable<open_result> open(const std::string& device);
  net::awaitable<close_result> close(const std::string& device);
  /// Sessions recorded in container group tags; `device` empty = all.
  net::awaitable<std::vector<session_row>> status(const std::string& device);
  /// Closes every session past its expiry. Throws the first failure's error after trying them all.
  net::awaitable<sweep_result> sweep();

  /// The generated CreateConnection payload merged with --method-payload (null when that is "null").
  static boost::json::value create_payload(const settings& s, const session::info& info,
                                           const std::string& device_connection_string);

 private:
  net::awaitable<close_result> close_session(const std::string& device, std::optional<aci::group_info> known);
  net::awaitable<std::string> resolve_location();
  std::string relay_namespace_path() const;
  std::string relay_namespace() const;

  const settings& s_;
  progress& p_;
  iothub_client& hub_;
  arm_client& arm_;
};

}  // namespace azbridge::orchestrate
