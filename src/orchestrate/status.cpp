// `orchestrate status` and `orchestrate sweep`: sessions are rebuilt from container group tags alone,
// so any operator (or a CI cron) sees and cleans what any other one opened.
#include "azbridge/orchestrate/operations.hpp"

#include "step.hpp"

#include <fmt/format.h>

namespace azbridge::orchestrate {
namespace {

using detail::step;

}  // namespace

net::awaitable<std::vector<session_row>> orchestrator::status(const std::string& device) {
  step st(p_, fmt::format("listing container groups in {}", s_.resource_group));
  auto groups = co_await aci::list_groups(arm_, s_.subscription, s_.resource_group, s_.aci_api_version);
  std::vector<session_row> rows;
  const auto now = session::clock::now();
  for (const auto& g : groups) {
    auto info = session::from_tags(g.tags);
    if (!info || (!device.empty() && info->device != device)) continue;
    session_row r;
    r.device = info->device;
    r.session_id = info->id;
    r.container_group = g.name;
    r.provisioning_state = g.provisioning_state;
    r.instance_state = g.instance_state;
    if (!g.fqdn.empty()) r.entry_point = fmt::format("{}:{}", g.fqdn, info->port ? info->port : (g.ports.empty() ? 0 : g.ports.front()));
    r.hybrid_connection = info->hybrid_connection;
    r.ephemeral_relay = info->ephemeral;
    r.expires = session::format_time(info->expires);
    r.expired = session::expired(*info, now);
    rows.push_back(std::move(r));
  }
  st.ok(fmt::format("{} session{}", rows.size(), rows.size() == 1 ? "" : "s"));
  co_return rows;
}

net::awaitable<sweep_result> orchestrator::sweep() {
  sweep_result out;
  std::vector<aci::group_info> expired;
  {
    step st(p_, fmt::format("listing container groups in {}", s_.resource_group));
    auto groups = co_await aci::list_groups(arm_, s_.subscription, s_.resource_group, s_.aci_api_version);
    const auto now = session::clock::now();
    for (const auto& g : groups) {
      auto info = session::from_tags(g.tags);
      if (!info) continue;
      if (session::expired(*info, now)) {
        expired.push_back(g);
      } else {
        ++out.kept;
      }
    }
    st.ok(fmt::format("{} expired, {} still valid", expired.size(), out.kept));
  }
  std::optional<error> first;
  for (const auto& g : expired) {
    auto device = session::from_tags(g.tags)->device;
    p_.note(fmt::format("session {} of device '{}' expired at {}", g.tags.at(std::string(session::tag_session)), device,
                        g.tags.count(std::string(session::tag_expires)) ? g.tags.at(std::string(session::tag_expires)) : "?"));
    std::optional<error> failed;
    try {
      out.closed.push_back(co_await close_session(device, g));
    } catch (const error& e) {
      failed = e;
    }
    if (failed) {
      out.failures.push_back(fmt::format("{}: {}", device, failed->what()));
      p_.warn(failed->what());
      if (!first) first = failed;
    }
  }
  if (first) {
    throw error(first->code(), fmt::format("sweep removed {} of {} expired sessions; first failure: {}", out.closed.size(),
                                           expired.size(), first->what()));
  }
  co_return out;
}

}  // namespace azbridge::orchestrate
