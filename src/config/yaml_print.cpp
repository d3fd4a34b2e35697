// Printing a configuration in azbridge's YAML schema (--print-config and save/load round trips).
#include "azbridge/config/yaml.hpp"

#include <yaml-cpp/yaml.h>

namespace azbridge::config {
namespace {

constexpr const char* redacted = "***";

class printer {
 public:
  explicit printer(secrets s) : secrets_(s) {}

  std::string print(const config& c) {
    out_ << YAML::BeginMap;
    optional("AddressFamily", c.address_family);
    connection(c.connection);
    optional("BindAddress", c.bind_address);
    optional("ClearAllForwardings", c.clear_all_forwardings);
    optional("ConnectionAttempts", c.connection_attempts);
    optional("ConnectTimeout", c.connect_timeout);
    optional("ExitOnForwardFailure", c.exit_on_forward_failure);
    optional("GatewayPorts", c.gateway_ports);
    optional("KeepAliveInterval", c.keep_alive_interval);
    out_ << YAML::Key << "LocalForward" << YAML::Value;
    sequence(c.local_forwards, [&](const local_forward& f) { local(f); });
    optional("LogFileName", c.log_file_name);
    optional("LogLevel", c.log_level);
    out_ << YAML::Key << "RemoteForward" << YAML::Value;
    sequence(c.remote_forwards, [&](const remote_forward& f) { remote(f); });
    out_ << YAML::EndMap;
    return std::string(out_.c_str()) + "\n";
  }

 private:
  template <class T>
  void optional(const char* key, const std::optional<T>& v) {
    if (v) value(key, *v);
  }
  void value(const char* key, const std::string& v) { out_ << YAML::Key << key << YAML::Value << v; }
  void value(const char* key, int v) { out_ << YAML::Key << key << YAML::Value << v; }
  void value(const char* key, bool v) { out_ << YAML::Key << key << YAML::Value << (v ? "true" : "false"); }
  void text(const char* key, const std::string& v) {
    if (!v.empty()) value(key, v);
  }
  void secret(const char* key, const std::string& v) {
    if (!v.empty()) value(key, secrets_ == secrets::show ? v : std::string(redacted));
  }

  std::string connection_text(const protocol::connection_string& cs) const {
    return secrets_ == secrets::show ? cs.to_string() : cs.to_redacted_string();
  }

  // With an endpoint the whole connection prints as one AzureRelayConnectionString (azbridge's getter);
  // without one, the fields that are set print one by one. A layer may also hold an incomplete credential
  // (-e and -K here, -k from another layer): the loader refuses that as a connection string, so then the SAS
  // fields print one by one after a connection string without them; keys load in document order, so the
  // printed text loads back to the same values (config_yaml_fuzzer finding).
  void connection(const protocol::connection_string& cs) {
    if (!cs.endpoint.empty()) {
      if (!cs.validate()) {
        value("AzureRelayConnectionString", connection_text(cs));
        return;
      }
      protocol::connection_string rest = cs;
      rest.shared_access_key_name.clear();
      rest.shared_access_key.clear();
      rest.shared_access_signature.clear();
      value("AzureRelayConnectionString", connection_text(rest));
    }
    text("AzureRelaySharedAccessKeyName", cs.shared_access_key_name);
    secret("AzureRelaySharedAccessKey", cs.shared_access_key);
    secret("AzureRelaySharedAccessSignature", cs.shared_access_signature);
  }

  template <class List, class Each>
  void sequence(const List& list, Each each) {
    if (list.empty()) {
      out_ << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
      return;
    }
    out_ << YAML::BeginSeq;
    for (const auto& item : list) each(item);
    out_ << YAML::EndSeq;
  }

  void local(const local_forward& f) {
    out_ << YAML::BeginMap;
    value("RelayName", f.relay_name);
    if (f.connection) value("ConnectionString", connection_text(*f.connection));
    out_ << YAML::Key << "Bindings" << YAML::Value;
    sequence(f.bindings, [&](const local_forward_binding& b) {
      out_ << YAML::BeginMap;
      text("BindAddress", b.bind_address);
      if (b.bind_port != 0) value("BindPort", b.bind_port);
      text("BindLocalSocket", b.bind_local_socket);
      text("PortName", b.effective_port_name());
      text("HostName", b.host_name);
      if (b.no_authentication) value("NoAuthentication", true);
      out_ << YAML::EndMap;
    });
    out_ << YAML::EndMap;
  }

  void remote(const remote_forward& f) {
    out_ << YAML::BeginMap;
    value("RelayName", f.relay_name);
    if (f.connection) value("ConnectionString", connection_text(*f.connection));
    out_ << YAML::Key << "Bindings" << YAML::Value;
    sequence(f.bindings, [&](const remote_forward_binding& b) {
      out_ << YAML::BeginMap;
      text("Host", b.host);
      if (b.host_port != 0) value("HostPort", b.host_port);
      text("LocalSocket", b.local_socket);
      text("PortName", b.effective_port_name());
      if (b.http) value("Http", true);
      if (b.insecure) value("Insecure", true);
      text("Path", b.path);
      out_ << YAML::EndMap;
    });
    out_ << YAML::EndMap;
  }

  secrets secrets_;
  YAML::Emitter out_;
};

}  // namespace

std::string to_yaml(const config& c, secrets s) { return printer(s).print(c); }

}  // namespace azbridge::config
