// `orchestrate close`: DeleteConnection, then the container group and the session's hybrid connection
// are deleted whatever the device said, even when it is offline (the sample's DELETE leaked the ACI).
#include "azbridge/orchestrate/operations.hpp"

#include "azbridge/orchestrate/relay_arm.hpp"
#include "step.hpp"

#include <fmt/format.h>

namespace azbridge::orchestrate {
namespace {

using namespace std::chrono;
using detail::step;
using detail::with_ticker;

}  // namespace

net::awaitable<close_result> orchestrator::close(const std::string& device) {
  if (device.empty()) throw error(exit_code::usage, "--device must not be empty");
  co_return co_await close_session(device, std::nullopt);
}

net::awaitable<close_result> orchestrator::close_session(const std::string& device, std::optional<aci::group_info> known) {
  close_result out;
  out.device = device;
  out.container_group = session::container_group_name(device);
  const auto group_path = aci::group_path(s_.subscription, s_.resource_group, out.container_group);

  if (!known) {
    step st(p_, fmt::format("checking container group {}", out.container_group));
    known = co_await aci::get_group(arm_, group_path, s_.aci_api_version);
    st.ok(known ? "found" : "not found");
  }
  std::optional<session::info> info;
  if (known) {
    info = session::from_tags(known->tags);
    if (!info || info->device != device) {
      throw error(exit_code::not_ours, fmt::format("container group {} was not made by azbridge orchestrate for device '{}'; "
                                                   "leaving it alone", out.container_group, device));
    }
    out.session_id = info->id;
  }

  // 1. Tell the device. Whatever happens, the cloud side is removed afterwards.
  std::optional<error> deferred;
  {
    step st(p_, fmt::format("invoking {} on device '{}'", s_.delete_method, device));
    try {
      iothub::method_call call{s_.delete_method, s_.method_timeout, 0, nullptr};
      auto r = co_await hub_.invoke(device, call);
      auto reply = iothub::parse_connection_reply(r.payload);
      out.device_notified = r.status >= 200 && r.status <= 299;
      out.device_note = reply.result;
      if (out.device_notified) {
        st.ok(fmt::format("status {}", r.status));
      } else {
        st.ok(fmt::format("device answered status {}", r.status));
        p_.warn(fmt::format("device '{}' answered {} with status {}{}; removing the cloud side anyway", device,
                            s_.delete_method, r.status, reply.result.empty() ? "" : ": " + reply.result));
      }
    } catch (const error& e) {
      auto c = e.code();
      out.device_note = e.what();
      if (c == exit_code::device_offline || c == exit_code::device_timeout || c == exit_code::device_not_found) {
        st.ok("device unreachable");
        p_.warn(fmt::format("{}; its forwarder was not told to stop, but it cannot be reached once the container "
                            "group{} is gone", e.what(), info && info->ephemeral ? " and hybrid connection" : ""));
      } else {
        st.ok("failed");
        p_.warn(fmt::format("{}; removing the cloud side anyway", e.what()));
        deferred = e;
      }
    }
  }

  // 2. The container group (even if the group was not found above: a concurrent open may have made it).
  {
    step st(p_, fmt::format("deleting container group {}", out.container_group));
    out.container_group_deleted =
        co_await with_ticker(p_, aci::delete_group(arm_, group_path, s_.aci_api_version, steady_clock::now() + s_.provision_timeout,
                                                   [this](std::string_view state) { p_.waiting(state); }));
    st.ok(out.container_group_deleted ? "deleted" : "was not there");
  }

  // 3. The session's own hybrid connection (never a long-lived, shared one).
  if (info && info->ephemeral && !info->relay_namespace.empty() && !info->hybrid_connection.empty()) {
    out.hybrid_connection = info->hybrid_connection;
    step st(p_, fmt::format("deleting hybrid connection {}", info->hybrid_connection));
    auto ns_path = relay_arm::namespace_path(s_.relay_subscription.empty() ? s_.subscription : s_.relay_subscription,
                                             s_.relay_resource_group.empty() ? s_.resource_group : s_.relay_resource_group,
                                             info->relay_namespace);
    out.hybrid_connection_deleted =
        co_await relay_arm::delete_hybrid_connection(arm_, relay_arm::hybrid_connection_path(ns_path, info->hybrid_connection));
    st.ok(out.hybrid_connection_deleted ? "deleted" : "was not there");
  }

  if (deferred) {
    throw error(deferred->code(), std::string(deferred->what()) + " (the container group was removed anyway)");
  }
  co_return out;
}

}  // namespace azbridge::orchestrate
