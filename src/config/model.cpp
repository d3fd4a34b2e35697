// Small helpers of the configuration model (defaults azbridge derives when a value is not set).
#include "azbridge/config/config.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <algorithm>

namespace azbridge::config {
namespace {

std::string derived_port_name(int port) {
  if (port > 0) return std::to_string(port);
  if (port < 0) return std::to_string(-static_cast<long long>(port)) + "U";
  return {};
}

std::optional<protocol::connection_string> for_forward(const config& c,
                                                       const std::optional<protocol::connection_string>& own,
                                                       const std::string& relay_name) {
  std::optional<protocol::connection_string> result = own ? own : c.global_connection();
  if (result) result->entity_path = relay_name;
  return result;
}

}  // namespace

std::string local_forward_binding::effective_port_name() const {
  if (!port_name.empty()) return port_name;
  return is_socket() ? std::string() : derived_port_name(bind_port);
}

std::string local_forward_binding::effective_bind_address() const {
  return bind_address.empty() ? std::string("localhost") : bind_address;
}

std::string remote_forward_binding::effective_port_name() const {
  if (!port_name.empty()) return port_name;
  return is_socket() ? std::string() : derived_port_name(host_port);
}

std::string remote_forward_binding::effective_host() const {
  return host.empty() ? std::string("localhost") : host;
}

bool remote_forward::is_http() const noexcept {
  return std::any_of(bindings.begin(), bindings.end(), [](const remote_forward_binding& b) { return b.http; });
}

std::optional<protocol::connection_string> config::global_connection() const {
  if (connection.endpoint.empty()) return std::nullopt;
  return connection;
}

std::optional<protocol::connection_string> effective_connection(const config& c, const local_forward& f) {
  return for_forward(c, f.connection, f.relay_name);
}

std::optional<protocol::connection_string> effective_connection(const config& c, const remote_forward& f) {
  return for_forward(c, f.connection, f.relay_name);
}

std::string entity_uri(const protocol::connection_string& cs) {
  auto absolute = cs.absolute_endpoint();
  auto base = boost::urls::parse_absolute_uri(absolute);
  if (!base) return absolute;
  boost::urls::url endpoint(*base);
  if (endpoint.path().empty()) endpoint.set_path("/");  // System.Uri's AbsoluteUri always has a path
  if (cs.entity_path.empty()) return std::string(endpoint.buffer());
  auto ref = boost::urls::parse_relative_ref(cs.entity_path);
  if (!ref) return std::string(endpoint.buffer());
  boost::urls::url resolved;
  if (!boost::urls::resolve(endpoint, *ref, resolved)) return std::string(endpoint.buffer());
  return std::string(resolved.buffer());
}

}  // namespace azbridge::config
