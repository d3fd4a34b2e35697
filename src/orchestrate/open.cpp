// `orchestrate open`: the sample's POST /api/connection with its bugs fixed (one container group per
// device, secrets in secureValue, optional per-session hybrid connection, tags with an expiry, rollback
// of what was made when a later step fails).
#include "azbridge/orchestrate/operations.hpp"

#include "azbridge/orchestrate/relay_arm.hpp"
#include "step.hpp"

#include <boost/json.hpp>

#include <fmt/format.h>

namespace azbridge::orchestrate {
namespace {

namespace json = boost::json;
using namespace std::chrono;
using detail::step;
using detail::with_ticker;

}  // namespace

json::value orchestrator::create_payload(const settings& s, const session::info& info,
                                         const std::string& device_connection_string) {
  json::object p{{"hybridConnection", info.hybrid_connection},
                 {"portName", s.port_name},
                 {"sessionId", info.id},
                 {"expiresAt", session::format_time(info.expires)}};
  if (!device_connection_string.empty()) p["relayConnectionString"] = device_connection_string;
  if (s.method_payload.empty()) return p;
  boost::system::error_code ec;
  auto extra = json::parse(s.method_payload, ec);
  if (ec || !(extra.is_object() || extra.is_null())) {
    throw error(exit_code::usage, "--method-payload must be a JSON object or null");
  }
  if (extra.is_null()) {
    if (!device_connection_string.empty()) {
      throw error(exit_code::usage, "--method-payload null cannot be used with --ephemeral-relay: the device needs its credential");
    }
    return nullptr;
  }
  for (const auto& kv : extra.as_object()) p[kv.key()] = kv.value();
  return p;
}

std::string orchestrator::relay_namespace() const {
  if (!s_.relay_namespace.empty()) return s_.relay_namespace;
  // Endpoint=sb://NS.servicebus.windows.net/;... : the first label of the host.
  auto pos = s_.relay_connection_string.find("Endpoint=");
  if (pos == std::string::npos) pos = s_.relay_connection_string.find("endpoint=");
  if (pos == std::string::npos) return {};
  auto end = s_.relay_connection_string.find(';', pos);
  return relay_arm::namespace_from_endpoint(s_.relay_connection_string.substr(pos + 9, end == std::string::npos ? end : end - pos - 9));
}

std::string orchestrator::relay_namespace_path() const {
  auto ns = relay_namespace();
  if (ns.empty()) throw error(exit_code::usage, "cannot tell the relay namespace: give --relay-namespace");
  return relay_arm::namespace_path(s_.relay_subscription.empty() ? s_.subscription : s_.relay_subscription,
                                   s_.relay_resource_group.empty() ? s_.resource_group : s_.relay_resource_group, ns);
}

net::awaitable<std::string> orchestrator::resolve_location() {
  if (!s_.location.empty()) co_return s_.location;
  step st(p_, "reading the resource group's location");
  auto res = co_await arm_.expect("GET", fmt::format("/subscriptions/{}/resourcegroups/{}?api-version=2021-04-01", s_.subscription,
                                                     s_.resource_group),
                                  std::nullopt, retry_mode::idempotent, "reading resource group " + s_.resource_group);
  boost::system::error_code ec;
  auto v = json::parse(res.body, ec);
  std::string location;
  if (!ec && v.is_object()) {
    if (auto* l = v.as_object().if_contains("location"); l && l->is_string()) location = l->as_string();
  }
  if (location.empty()) throw error(exit_code::service, "the resource group has no location; give --location");
  st.ok(location);
  co_return location;
}

net::awaitable<open_result> orchestrator::open(const std::string& device) {
  if (device.empty()) throw error(exit_code::usage, "--device must not be empty");
  const auto now = system_clock::now();
  session::info info;
  info.device = device;
  info.id = session::new_session_id();
  info.created = now;
  info.expires = now + s_.ttl;
  info.port = s_.port;
  info.ephemeral = s_.ephemeral_relay;
  info.hybrid_connection = s_.ephemeral_relay ? session::ephemeral_hybrid_connection(device, info.id)
                                              : (s_.hybrid_connection.empty() ? device : s_.hybrid_connection);
  if (info.ephemeral) info.relay_namespace = relay_namespace();

  const auto group = session::container_group_name(device);
  const auto group_path = aci::group_path(s_.subscription, s_.resource_group, group);
  const auto deadline = steady_clock::now() + s_.provision_timeout;
  const auto location = co_await resolve_location();

  // 1. One container group per device: never take over a group someone else made.
  std::optional<session::info> previous;
  {
    step st(p_, fmt::format("checking container group {}", group));
    auto existing = co_await aci::get_group(arm_, group_path, s_.aci_api_version);
    if (existing) {
      previous = session::from_tags(existing->tags);
      if (!previous || previous->device != device) {
        throw error(exit_code::not_ours, fmt::format("container group {} exists but was not made by azbridge orchestrate "
                                                     "for device '{}'; remove it or use another resource group", group, device));
      }
      st.ok(fmt::format("replacing session {} ({})", previous->id, existing->instance_state.empty() ? existing->provisioning_state : existing->instance_state));
    } else {
      st.ok("none yet");
    }
  }

  // What was made so far, undone if a later step fails.
  bool made_hc = false, told_device = false, made_group = false;
  const std::string hc_path = info.ephemeral ? relay_arm::hybrid_connection_path(relay_namespace_path(), info.hybrid_connection) : "";
  auto rollback = [&]() -> net::awaitable<void> {
    if (made_group) {
      try {
        step st(p_, "rollback: deleting container group " + group);
        co_await aci::delete_group(arm_, group_path, s_.aci_api_version, steady_clock::now() + s_.provision_timeout, {});
        st.ok();
      } catch (const std::exception& e) {
        p_.warn(fmt::format("rollback: {}", e.what()));
      }
    }
    if (told_device) {
      try {
        step st(p_, fmt::format("rollback: invoking {} on device '{}'", s_.delete_method, device));
        iothub::method_call call{s_.delete_method, s_.method_timeout, 0, nullptr};
        co_await hub_.invoke(device, call);
        st.ok();
      } catch (const std::exception& e) {
        p_.warn(fmt::format("rollback: {}", e.what()));
      }
    }
    if (made_hc) {
      try {
        step st(p_, "rollback: deleting hybrid connection " + info.hybrid_connection);
        co_await relay_arm::delete_hybrid_connection(arm_, hc_path);
        st.ok();
      } catch (const std::exception& e) {
        p_.warn(fmt::format("rollback: {}", e.what()));
      }
    }
  };

  open_result out;
  std::optional<error> failed;
  try {
    // 2. Optional per-session hybrid connection with a Listen-only and a Send-only rule.
    std::string device_cs, container_cs = s_.relay_connection_string;
    if (info.ephemeral) {
      {
        step st(p_, fmt::format("creating hybrid connection {} in {}", info.hybrid_connection, info.relay_namespace));
        made_hc = true;  // a failed PUT may still have made it: deleting a missing one is harmless
        co_await relay_arm::put_hybrid_connection(arm_, hc_path,
                                                  fmt::format("azbridge-session={};device={}", info.id, device));
        st.ok();
      }
      {
        step st(p_, "creating Listen rule for the device and Send rule for the container");
        const std::vector<std::string> listen{"Listen"}, send{"Send"};
        device_cs = (co_await relay_arm::make_rule(arm_, hc_path, relay_arm::device_rule, listen)).primary_connection_string;
        container_cs = (co_await relay_arm::make_rule(arm_, hc_path, relay_arm::container_rule, send)).primary_connection_string;
        st.ok();
      }
    }

    // 3. Ask the device to start its remote forwarder.
    {
      step st(p_, fmt::format("invoking {} on device '{}'", s_.create_method, device));
      iothub::method_call call{s_.create_method, s_.method_timeout, s_.method_connect_timeout,
                               create_payload(s_, info, device_cs)};
      told_device = true;  // even a timeout may have reached the device
      auto r = co_await hub_.invoke(device, call);
      auto reply = iothub::parse_connection_reply(r.payload);
      if (r.status < 200 || r.status > 299) {
        throw error(exit_code::device_refused,
                    fmt::format("device '{}' answered {} with status {}{}", device, s_.create_method, r.status,
                                reply.result.empty() ? "" : ": " + reply.result));
      }
      out.device_result = reply.result;
      out.service_protocol = reply.service_protocol;
      out.service_port = reply.service_port;
      st.ok(fmt::format("status {}", r.status));
    }

    // 4. The container group running the local forwarder.
    aci::group_info g;
    {
      step st(p_, fmt::format("creating container group {} in {}", group, location));
      aci::container_spec spec;
      spec.location = location;
      spec.image = s_.image;
      spec.command = aci::forwarder_command(s_.azbridge_path, s_.port, s_.port_name);
      spec.port = s_.port;
      spec.cpu = s_.cpu;
      spec.memory_gb = s_.memory_gb;
      spec.env = {{"AZRELAY_HYBRID_CONNECTION", info.hybrid_connection}};
      spec.secure_env = {{"AZRELAY_CONN_STRING", container_cs}};
      if (!s_.registry_server.empty()) spec.registry = aci::registry_credential{s_.registry_server, s_.registry_username, s_.registry_password};
      spec.dns_label = session::dns_label(s_.dns_label_prefix, s_.subscription, s_.resource_group, device);
      for (auto& [k, v] : session::to_tags(info)) spec.tags[k] = v;
      made_group = true;
      g = co_await with_ticker(p_, aci::put_group(arm_, group_path, s_.aci_api_version, aci::group_body(spec), deadline,
                                                   [this](std::string_view state) { p_.waiting(state); }));
      if (g.instance_state == "Stopped") {
        p_.waiting("Stopped: starting");
        co_await with_ticker(p_, aci::start_group(arm_, group_path, s_.aci_api_version, deadline,
                                                  [this](std::string_view state) { p_.waiting(state); }));
        auto again = co_await aci::get_group(arm_, group_path, s_.aci_api_version);
        if (again) g = *again;
      }
      if (g.fqdn.empty()) throw error(exit_code::service, fmt::format("container group {} has no FQDN after provisioning", group));
      st.ok(g.instance_state.empty() ? g.provisioning_state : g.instance_state);
    }
    out.fqdn = g.fqdn;
  } catch (const error& e) {
    failed = e;
  }
  if (failed) {
    if (failed->code() != exit_code::provisioning_timeout) {
      co_await rollback();
    } else {
      p_.warn(fmt::format("left in place: run `azbridge orchestrate close --device {}` to remove it", device));
    }
    throw *failed;
  }

  // 5. A replaced session's own hybrid connection is no longer used by anyone.
  if (previous && previous->ephemeral && previous->hybrid_connection != info.hybrid_connection &&
      !previous->relay_namespace.empty()) {
    try {
      step st(p_, "deleting the replaced session's hybrid connection " + previous->hybrid_connection);
      auto ns_path = relay_arm::namespace_path(s_.relay_subscription.empty() ? s_.subscription : s_.relay_subscription,
                                               s_.relay_resource_group.empty() ? s_.resource_group : s_.relay_resource_group,
                                               previous->relay_namespace);
      co_await relay_arm::delete_hybrid_connection(arm_, relay_arm::hybrid_connection_path(ns_path, previous->hybrid_connection));
      st.ok();
    } catch (const std::exception& e) {
      p_.warn(e.what());
    }
  }

  out.device = device;
  out.session_id = info.id;
  out.port = s_.port;
  out.entry_point = fmt::format("{}:{}", out.fqdn, s_.port);
  out.container_group = group;
  out.hybrid_connection = info.hybrid_connection;
  out.ephemeral_relay = info.ephemeral;
  out.expires = session::format_time(info.expires);
  if (previous) out.replaced_session = previous->id;
  co_return out;
}

}  // namespace azbridge::orchestrate
