#include "azbridge/orchestrate/output.hpp"

#include <boost/json.hpp>

#include <fmt/format.h>

namespace azbridge::orchestrate {
namespace {

namespace json = boost::json;

std::string doc(const json::value& v) { return json::serialize(v) + "\n"; }

json::object to_json(const close_result& r) {
  json::object o{{"device", r.device},
                 {"sessionId", r.session_id},
                 {"deviceNotified", r.device_notified},
                 {"deviceNote", r.device_note},
                 {"containerGroup", r.container_group},
                 {"containerGroupDeleted", r.container_group_deleted}};
  if (!r.hybrid_connection.empty()) {
    o["hybridConnection"] = r.hybrid_connection;
    o["hybridConnectionDeleted"] = r.hybrid_connection_deleted;
  }
  return o;
}

std::string close_line(const close_result& r) {
  std::string line = fmt::format("closed device '{}'{}: container group {}", r.device,
                                 r.session_id.empty() ? "" : " session " + r.session_id,
                                 r.container_group_deleted ? "deleted" : "was not there");
  if (!r.hybrid_connection.empty()) {
    line += fmt::format(", hybrid connection {}", r.hybrid_connection_deleted ? "deleted" : "was not there");
  }
  line += r.device_notified ? ", device notified" : ", device NOT notified";
  return line;
}

}  // namespace

std::string_view exit_code_name(exit_code code) {
  switch (code) {
    case exit_code::ok: return "ok";
    case exit_code::failure: return "failure";
    case exit_code::usage: return "usage";
    case exit_code::auth: return "auth";
    case exit_code::network: return "network";
    case exit_code::throttled: return "throttled";
    case exit_code::service: return "service";
    case exit_code::device_not_found: return "device_not_found";
    case exit_code::device_offline: return "device_offline";
    case exit_code::device_timeout: return "device_timeout";
    case exit_code::device_refused: return "device_refused";
    case exit_code::not_found: return "not_found";
    case exit_code::rejected: return "rejected";
    case exit_code::provisioning_failed: return "provisioning_failed";
    case exit_code::provisioning_timeout: return "provisioning_timeout";
    case exit_code::not_ours: return "not_ours";
    case exit_code::interrupted: return "interrupted";
  }
  return "failure";
}

std::string render(const open_result& r, bool as_json) {
  if (!as_json) return r.entry_point + "\n";
  json::object o{{"device", r.device},
                 {"sessionId", r.session_id},
                 {"entryPoint", r.entry_point},
                 {"fqdn", r.fqdn},
                 {"port", r.port},
                 {"containerGroup", r.container_group},
                 {"hybridConnection", r.hybrid_connection},
                 {"ephemeralRelay", r.ephemeral_relay},
                 {"expires", r.expires},
                 {"serviceProtocol", r.service_protocol},
                 {"servicePort", r.service_port},
                 {"deviceResult", r.device_result}};
  if (!r.replaced_session.empty()) o["replacedSession"] = r.replaced_session;
  return doc(o);
}

std::string render(const close_result& r, bool as_json) {
  if (as_json) return doc(to_json(r));
  return close_line(r) + "\n";
}

std::string render(const std::vector<session_row>& rows, bool as_json) {
  if (as_json) {
    json::array a;
    for (const auto& r : rows) {
      a.push_back(json::object{{"device", r.device},
                               {"sessionId", r.session_id},
                               {"containerGroup", r.container_group},
                               {"provisioningState", r.provisioning_state},
                               {"state", r.instance_state},
                               {"entryPoint", r.entry_point},
                               {"hybridConnection", r.hybrid_connection},
                               {"ephemeralRelay", r.ephemeral_relay},
                               {"expires", r.expires},
                               {"expired", r.expired}});
    }
    return doc(json::object{{"sessions", std::move(a)}});
  }
  if (rows.empty()) return "no sessions\n";
  std::string out = fmt::format("{:<24} {:<9} {:<10} {:<56} {}\n", "DEVICE", "SESSION", "STATE", "ENTRY POINT", "EXPIRES");
  for (const auto& r : rows) {
    auto state = r.instance_state.empty() ? r.provisioning_state : r.instance_state;
    out += fmt::format("{:<24} {:<9} {:<10} {:<56} {}{}\n", r.device, r.session_id, state.empty() ? "-" : state,
                       r.entry_point.empty() ? "-" : r.entry_point, r.expires, r.expired ? " (expired)" : "");
  }
  return out;
}

std::string render(const sweep_result& r, bool as_json) {
  if (as_json) {
    json::array closed;
    for (const auto& c : r.closed) closed.push_back(to_json(c));
    json::array failures;
    for (const auto& f : r.failures) failures.push_back(json::string(f));
    return doc(json::object{{"closed", std::move(closed)}, {"failures", std::move(failures)}, {"kept", r.kept}});
  }
  std::string out;
  for (const auto& c : r.closed) out += close_line(c) + "\n";
  out += fmt::format("removed {} expired session{}, {} still valid\n", r.closed.size(), r.closed.size() == 1 ? "" : "s", r.kept);
  return out;
}

std::string render_error_json(exit_code code, std::string_view message) {
  return doc(json::object{{"error", json::object{{"status", static_cast<int>(code)},
                                                 {"class", exit_code_name(code)},
                                                 {"message", message}}}});
}

}  // namespace azbridge::orchestrate
