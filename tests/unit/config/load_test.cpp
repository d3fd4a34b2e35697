// The load pipeline: azbridge's order of files, -o, command-line scalars and forwards (§1.5), merge rules,
// the fixes documented in load.hpp, and the start-up checks.
#include "azbridge/config/load.hpp"

#include "azbridge/util/error.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

using namespace azbridge::config;
using azbridge::user_error;

namespace {

constexpr const char* cs_a = "Endpoint=sb://a.servicebus.windows.net/;SharedAccessKeyName=ka;SharedAccessKey=YWFh";
constexpr const char* cs_b = "Endpoint=sb://b.servicebus.windows.net/;SharedAccessKeyName=kb;SharedAccessKey=YmJi";

config load_with(const command_line& cl, const load_paths& paths = test::no_files()) {
  return load(cl, paths, test::fake_local);
}

std::string load_failure(const command_line& cl, const load_paths& paths = test::no_files()) {
  try {
    load(cl, paths, test::fake_local);
  } catch (const user_error& e) {
    CHECK(e.status() == azbridge::exit_status::usage);
    return e.what();
  }
  FAIL("load() did not fail");
  return {};
}

std::vector<std::string> relay_names(const config& c) {
  std::vector<std::string> names;
  for (const auto& f : c.local_forwards) names.push_back(f.relay_name);
  for (const auto& f : c.remote_forwards) names.push_back(f.relay_name);
  return names;
}

}  // namespace

TEST_CASE("machine file, then user file: scalars overwrite, forward lists append") {
  test::temp_file machine("LogLevel: ERROR\nConnectTimeout: 5\nLocalForward:\n  - RelayName: m\n    BindPort: 1\n");
  test::temp_file user("LogLevel: INFO\nLocalForward:\n  - RelayName: u\n    BindPort: 2\n");
  auto c = load_with({}, {machine.path(), user.path()});
  CHECK(c.log_level == "INFO");
  CHECK(c.connect_timeout == 5);
  CHECK(relay_names(c) == std::vector<std::string>{"m", "u"});
}

TEST_CASE("option -f replaces the user file; a missing -f file is an error; missing default files are not") {
  test::temp_file user("LocalForward:\n  - RelayName: u\n    BindPort: 2\n");
  test::temp_file other("LocalForward:\n  - RelayName: f\n    BindPort: 3\n");
  command_line cl;
  cl.config_file = other.str();
  CHECK(relay_names(load_with(cl, {"/nonexistent/m.yml", user.path()})) == std::vector<std::string>{"f"});
  cl.config_file = "/nonexistent/foo.yml";
  CHECK(load_failure(cl) == "The config file was not found: /nonexistent/foo.yml");
  CHECK_FALSE(load_with({}, {"/nonexistent/m.yml", std::filesystem::path("/nonexistent/u.yml")}).has_forwards());
  cl.config_file = other.dir().string();
  CHECK(load_failure(cl).find("is a directory") != std::string::npos);
}

TEST_CASE("errors in files name the file and line") {
  test::temp_file bad("LogLevel: INFO\nFompa: 1\n");
  command_line cl;
  cl.config_file = bad.str();
  CHECK(load_failure(cl) == bad.str() + ":2: unknown key 'Fompa'");
}

TEST_CASE("option -o splits on the first ':' only, so URIs and connection strings work") {
  command_line cl;
  cl.options = {"AzureRelayConnectionString:" + std::string(cs_a), "ConnectTimeout : 44"};
  auto c = load_with(cl);
  CHECK(c.connection.endpoint == "sb://a.servicebus.windows.net/");
  CHECK(c.connection.shared_access_key_name == "ka");
  CHECK(c.connect_timeout == 44);
  cl.options = {"AzureRelayEndpoint:sb://ns.example:9000/"};
  CHECK(load_with(cl).connection.endpoint == "sb://ns.example:9000/");
}

TEST_CASE("option -o errors") {
  command_line cl;
  cl.options = {"LogLevel"};
  CHECK(load_failure(cl).find("Invalid -o value 'LogLevel'. Expected key:value") == 0);
  cl.options = {"Fompa:1"};
  CHECK(load_failure(cl) == "-o 'Fompa:1': unknown key 'Fompa'");
  cl.options = {"AzureRelaySharedAccessKey:^^not-base64-secret"};
  auto e = load_failure(cl);
  CHECK(e.find("-o 'AzureRelaySharedAccessKey:***'") == 0);
  CHECK(e.find("not-base64-secret") == std::string::npos);
  cl.options = {"LogLevel:"};  // empty value = unset
  CHECK_FALSE(load_with(cl).log_level);
}

TEST_CASE("option -x replaces the whole connection: -e/-K/-k/-s and the files' keys are discarded") {
  test::temp_file file(std::string("AzureRelayConnectionString: ") + cs_a + "\n");
  command_line cl;
  cl.config_file = file.str();
  cl.endpoint_uri = "sb://e.servicebus.windows.net/";
  cl.shared_access_key_name = "kn";
  cl.shared_access_key = "a2V5";
  cl.connection_string = cs_b;
  auto c = load_with(cl);
  CHECK(c.connection.endpoint == "sb://b.servicebus.windows.net/");
  CHECK(c.connection.shared_access_key_name == "kb");
  CHECK(c.connection.shared_access_key == "YmJi");

  cl.connection_string.reset();
  auto e = load_with(cl);  // -e sets the endpoint only; -K/-k overwrite the file's keys
  CHECK(e.connection.endpoint == "sb://e.servicebus.windows.net/");
  CHECK(e.connection.shared_access_key_name == "kn");
  CHECK(e.connection.shared_access_key == "a2V5");
}

TEST_CASE("a later layer with an endpoint replaces the connection, without one it sets fields") {
  test::temp_file machine("AzureRelaySharedAccessKeyName: mk\nAzureRelaySharedAccessKey: bWs=\n");
  test::temp_file user("AzureRelayEndpoint: sb://u.servicebus.windows.net/\n");
  auto replaced = load_with({}, {machine.path(), user.path()});
  CHECK(replaced.connection.endpoint == "sb://u.servicebus.windows.net/");
  CHECK(replaced.connection.shared_access_key_name.empty());

  test::temp_file with_endpoint(std::string("AzureRelayConnectionString: ") + cs_a + "\n");
  test::temp_file key_only("AzureRelaySharedAccessKeyName: other\n");
  auto field = load_with({}, {with_endpoint.path(), key_only.path()});
  CHECK(field.connection.endpoint == "sb://a.servicebus.windows.net/");
  CHECK(field.connection.shared_access_key_name == "other");
  CHECK(field.connection.shared_access_key == "YWFh");
}

TEST_CASE("ClearAllForwardings drops earlier forwards; CLI forwards come after all merges") {
  test::temp_file machine("LocalForward:\n  - RelayName: m\n    BindPort: 1\n");
  test::temp_file user("ClearAllForwardings: true\nRemoteForward:\n  - RelayName: u\n    HostPort: 2\n");
  CHECK(relay_names(load_with({}, {machine.path(), user.path()})) == std::vector<std::string>{"u"});

  test::temp_file keep("RemoteForward:\n  - RelayName: u\n    HostPort: 2\n");
  command_line cl;
  cl.options = {"ClearAllForwardings:true"};
  cl.local_forwards = {"3:cli"};
  CHECK(relay_names(load_with(cl, {machine.path(), keep.path()})) == std::vector<std::string>{"cli"});

  // Fixed: once set in the user file, -o stages do not clear the user file's forwards again.
  command_line other;
  other.options = {"LogLevel:INFO"};
  CHECK(relay_names(load_with(other, {machine.path(), user.path()})) == std::vector<std::string>{"u"});
}

TEST_CASE("explicitly set KeepAliveInterval and ExitOnForwardFailure win (fixed merge quirks)") {
  test::temp_file machine("KeepAliveInterval: 60\nExitOnForwardFailure: false\n");
  test::temp_file user("KeepAliveInterval: 30\n");
  command_line cl;
  cl.options = {"LogLevel:INFO"};
  auto c = load_with(cl, {machine.path(), user.path()});
  CHECK(c.effective_keep_alive_interval() == 30);
  CHECK_FALSE(c.effective_exit_on_forward_failure());
}

TEST_CASE("command-line scalars in azbridge's order") {
  command_line cl;
  cl.verbose = true;
  cl.quiet = true;  // -q is applied after -v and wins
  cl.log_file = "/tmp/azb.log";
  cl.gateway_ports = true;
  cl.keep_alive_interval = "60";
  cl.bind_address = "\"127.0.1.0\"";
  auto c = load_with(cl);
  CHECK(c.log_level == "NONE");
  CHECK(c.log_file_name == "/tmp/azb.log");
  CHECK(c.gateway_ports == true);
  CHECK(c.keep_alive_interval == 60);
  CHECK(c.bind_address == "127.0.1.0");
  cl.keep_alive_interval = "0";
  CHECK(load_failure(cl).find("-a/KeepAliveInterval") != std::string::npos);
  cl.keep_alive_interval = "x";
  CHECK(load_failure(cl).find("-a/KeepAliveInterval value: 'x'") != std::string::npos);
}

TEST_CASE("forwards are appended in the order -L, -R, -T, -H after the files' forwards") {
  test::temp_file file("RemoteForward:\n  - RelayName: file\n    HostPort: 9\n");
  command_line cl;
  cl.config_file = file.str();
  cl.remote_http_forwards = {"h:http/localhost"};
  cl.remote_forwards = {"t:1"};
  cl.remote_forwards_legacy = {"r:2"};
  cl.local_forwards = {"3:l"};
  CHECK(relay_names(load_with(cl)) == std::vector<std::string>{"l", "file", "r", "t", "h"});
}

TEST_CASE("option -L bind addresses must be local (CommandLineBadLocalForwardTest)") {
  command_line cl;
  cl.local_forwards = {"1.1.1.1:80:foobar"};
  auto e = load_failure(cl);
  CHECK(e.find("-L") != std::string::npos);
  CHECK(e.find("BindAddress") != std::string::npos);
  cl.local_forwards = {"127.0.0.8:80:foobar"};
  CHECK(load_with(cl).local_forwards.size() == 1);
}

TEST_CASE("check_runnable: forwards required, then a connection for each, valid in combination") {
  config c;
  CHECK_THROWS_WITH(check_runnable(c), "You must specify at least one -L or -T forwarder.");
  c.local_forwards.push_back(local_forward{"db", std::nullopt, {local_forward_binding{"localhost", 1}}, ""});
  CHECK_THROWS_WITH(check_runnable(c), "Connection string(s) undefined; -x/AzureRelayConnectionString and no "
                                       "endpoint defined -e. azbridge -h for help.");
  c.connection.endpoint = "sb://ns.servicebus.windows.net/";
  CHECK_NOTHROW(check_runnable(c));  // no keys: Entra ID, as in azbridge
  c.connection.shared_access_key_name = "send";
  CHECK_THROWS_AS(check_runnable(c), user_error);  // key name without key

  config own;
  own.remote_forwards.push_back(remote_forward{"r", azbridge::protocol::connection_string::parse(cs_a).value(),
                                               {remote_forward_binding{"localhost", 1}}, ""});
  CHECK_NOTHROW(check_runnable(own));
}

TEST_CASE("effective connection per forward: own or global, EntityPath = relay name") {
  config c;
  c.connection = azbridge::protocol::connection_string::parse(std::string(cs_a) + ";EntityPath=ignored").value();
  local_forward global_fwd{"db", std::nullopt, {}, ""};
  auto g = effective_connection(c, global_fwd);
  REQUIRE(g);
  CHECK(g->entity_path == "db");
  CHECK(g->shared_access_key_name == "ka");
  CHECK(entity_uri(*g) == "sb://a.servicebus.windows.net/db");

  remote_forward own_fwd{"x/y", azbridge::protocol::connection_string::parse(cs_b).value(), {}, ""};
  auto o = effective_connection(c, own_fwd);
  REQUIRE(o);
  CHECK(o->shared_access_key_name == "kb");
  CHECK(entity_uri(*o) == "sb://b.servicebus.windows.net/x/y");

  CHECK_FALSE(effective_connection(config{}, global_fwd));
  azbridge::protocol::connection_string bare;
  bare.endpoint = "sb://ns.example";
  CHECK(entity_uri(bare) == "sb://ns.example/");
}
